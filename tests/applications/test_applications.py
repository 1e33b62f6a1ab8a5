"""ApplicationStore and intake delivery on a real Redis; the intake is mocked with responses."""

from __future__ import annotations

import json
import threading

import pytest
import requests
import responses
from redis import Redis

from bot.applications import service as apps
from bot.applications.fields import mask_name
from bot.core import events
from tests.support.apply_flow import NOON_KST, fill, freeze, valid_bizno
from tests.support.kakao import Chat

INTAKE = "https://intake.example.kr/applications"


def fields(number: str = "1208147521", **over: object) -> dict[str, object]:
    """A complete set of merchant-given fields."""
    base = {"business_number": number, "entity_kind": "corporation",
            "business_name": "단골분식", "representative": "홍길동",
            "revenue_band": "under_300m", "channel": "@danggol", "business_channel": True,
            "bizwallet": True, "phone": "01024681357", "privacy_consent_at": NOON_KST,
            "alerts_consent_at": None}
    return {**base, **over}


@pytest.fixture
def services(app):
    """The app's services with the clock frozen at noon KST."""
    freeze(app)
    return app.extensions["bot"].services


@pytest.fixture
def store(services):
    """The app's ApplicationStore."""
    return apps.store_of(services)


@pytest.fixture
def intake_app(make_app):
    """An app with APPLICATION_INTAKE_URL configured."""
    app = make_app(env={"APPLICATION_INTAKE_URL": INTAKE, "APPLICATION_INTAKE_TOKEN": "t0k"})
    freeze(app)
    return app


# -- submit ------------------------------------------------------------------------
def test_submit_saves_everything_and_indexes_it(store, services):
    result = store.submit(fields(), "u-1", NOON_KST)
    assert result.created
    app = result.application
    assert app.receipt == "DG-20261121-0001" and app.status == apps.RECEIVED
    assert app.history == (apps.StatusChange(apps.RECEIVED, NOON_KST, "merchant"),)
    assert store.get(app.receipt) == app
    assert store.get(app.receipt.lower()) == app  # staff may type it in lower case
    assert store.active_for_business("1208147521") == app
    assert store.of_user("u-1") == [app] and store.list() == [app]
    assert store.outbox() == []  # no intake configured: nothing to deliver


def test_second_submit_for_a_business_returns_the_first(store):
    first = store.submit(fields(), "u-1", NOON_KST).application
    again = store.submit(fields(business_name="다른 가게"), "u-2", NOON_KST + 5)
    assert not again.created and again.application == first
    assert store.of_user("u-2") == [] and len(store.list()) == 1


def test_concurrent_submits_create_exactly_one(store):
    results: list[apps.Submitted] = []
    barrier = threading.Barrier(8)

    def submit(i: int) -> None:
        barrier.wait()
        results.append(store.submit(fields(), f"u-{i}", NOON_KST))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.created for r in results) == 1
    assert len({r.application.receipt for r in results}) == 1
    assert len(store.list()) == 1


def test_a_claim_without_its_application_does_not_block(store, services):
    services.redis.set(services.keys.application_claim("1208147521"), "DG-20000101-0001")
    assert store.submit(fields(), "u-1", NOON_KST).created


def test_keys_hide_business_numbers_and_share_one_slot(store, services):
    store.submit(fields(), "u-1", NOON_KST)
    keys = list(services.redis.scan_iter(services.keys.all_pattern()))
    apps_keys = [k for k in keys if "{apps}" in k]
    assert apps_keys and not any("1208147521" in k or "u-1" in k for k in apps_keys)


def test_submit_needs_the_business_number_and_phone(store):
    with pytest.raises(ValueError, match="phone"):
        store.submit(fields(phone=""), "u-1", NOON_KST)


# -- lifecycle -------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "allowed"), [
    (["reviewing", "approved", "paid"], True),
    (["approved", "paid"], True),
    (["rejected"], True),
    (["reviewing", "rejected"], True),
    (["paid"], False),
    (["approved", "rejected"], False),
    (["rejected", "approved"], False),
    (["approved", "paid", "rejected"], False),
    (["reviewing", "reviewing"], False),
    (["received"], False),
])
def test_status_changes_follow_the_lifecycle(store, path, allowed):
    receipt = store.submit(fields(), "u-1", NOON_KST).application.receipt

    def walk() -> None:
        for i, status in enumerate(path):
            store.change(receipt, status, "kim", NOON_KST + i + 1, "사유" if
                         status == "rejected" else "")

    if allowed:
        walk()
        app = store.get(receipt)
        assert app.status == path[-1]
        assert [(c.status, c.by) for c in app.history[1:]] == [(s, "kim") for s in path]
        assert app.updated_at == NOON_KST + len(path)
    else:
        with pytest.raises(apps.TransitionError):
            walk()


def test_unknown_receipt_and_status(store):
    with pytest.raises(apps.UnknownApplication):
        store.change("DG-20261121-9999", apps.APPROVED, "kim", NOON_KST)
    receipt = store.submit(fields(), "u-1", NOON_KST).application.receipt
    with pytest.raises(apps.TransitionError, match="unknown status"):
        store.change(receipt, "lost", "kim", NOON_KST)


def test_rejecting_releases_the_business_so_it_can_apply_again(store):
    first = store.submit(fields(), "u-1", NOON_KST).application
    store.change(first.receipt, apps.REJECTED, "kim", NOON_KST + 1, "월렛 미연결")
    assert store.get(first.receipt).reject_reason == "월렛 미연결"
    assert store.active_for_business("1208147521") is None
    second = store.submit(fields(), "u-1", NOON_KST + 2)
    assert second.created and second.application.receipt == "DG-20261121-0002"
    assert [a.receipt for a in store.of_user("u-1")] == [second.application.receipt,
                                                         first.receipt]


def test_paid_keeps_the_business_claimed(store):
    receipt = store.submit(fields(), "u-1", NOON_KST).application.receipt
    store.change(receipt, apps.APPROVED, "kim", NOON_KST + 1)
    store.change(receipt, apps.PAID, "kim", NOON_KST + 2)
    assert not store.submit(fields(), "u-2", NOON_KST + 3).created


def test_status_events_and_the_paid_event(store, services):
    heard: list[tuple[str, dict]] = []

    def changed(sender, **kw):
        heard.append(("changed", kw))

    def paid(sender, **kw):
        heard.append(("paid", kw))

    events.application_status_changed.connect(changed, sender=services)
    events.application_paid.connect(paid, sender=services)
    receipt = store.submit(fields(), "u-1", NOON_KST).application.receipt
    apps.change_status(services, receipt, apps.APPROVED, "kim")
    assert heard == [("changed", {"receipt": receipt, "business_number": "1208147521",
                                  "status": "approved", "by": "kim"})]
    apps.change_status(services, receipt, apps.PAID, "lee")
    assert heard[1:] == [
        ("changed", {"receipt": receipt, "business_number": "1208147521", "status": "paid",
                     "by": "lee"}),
        ("paid", {"receipt": receipt, "business_number": "1208147521", "amount": 300000}),
    ]


def test_a_refused_change_sends_no_event(store, services):
    heard = []

    def changed(sender, **kw):
        heard.append(kw)

    events.application_status_changed.connect(changed, sender=services)
    receipt = store.submit(fields(), "u-1", NOON_KST).application.receipt
    with pytest.raises(apps.TransitionError):
        apps.change_status(services, receipt, apps.PAID, "kim")
    assert heard == []


def test_list_filters_by_status_and_time(store):
    a = store.submit(fields(), "u-1", NOON_KST).application.receipt
    b = store.submit(fields(valid_bizno("123450001")), "u-2", NOON_KST + 86400).application
    store.change(a, apps.APPROVED, "kim", NOON_KST + 10)
    assert [x.receipt for x in store.list(status="approved")] == [a]
    assert [x.receipt for x in store.list(since=NOON_KST + 3600)] == [b.receipt]


def test_masking_for_staff():
    assert mask_name("홍길동") == "홍*동" and mask_name("김철") == "김*"
    assert mask_name("남궁민수") == "남**수" and mask_name("A") == "*"


# -- intake delivery ---------------------------------------------------------------------
def test_intake_gets_the_application_with_an_idempotency_key(intake_app, http):
    http.post(INTAKE, json={"ok": True}, status=201)
    chat = Chat(intake_app)
    fill(chat)
    done = chat.tap("제출하기")
    receipt = done.context["receipt"]
    assert len(http.calls) == 1
    sent = http.calls[0].request
    assert sent.headers["Idempotency-Key"] == receipt
    assert sent.headers["Authorization"] == "Bearer t0k"
    body = json.loads(sent.body)
    assert body["receipt"] == receipt and body["business_number"] == "1208147521"
    assert body["submitted_at"] == "2026-11-21T12:00:00+09:00"
    assert body["revenue_band"] == "under_300m" and "user_id" not in body
    store = apps.store_of(intake_app.extensions["bot"].services)
    assert store.outbox() == [] and store.get(receipt).delivered_at == NOON_KST


def test_the_skills_intake_attempt_fits_the_skill_budget(make_app, http):
    slow = make_app(env={"APPLICATION_INTAKE_URL": INTAKE, "APPLICATION_INTAKE_TIMEOUT": "10"})
    freeze(slow)
    config = slow.extensions["bot"].services.config
    assert apps.intake_of(slow.extensions["bot"].services).timeout == (
        0.5, 10.0)  # `retry` keeps its timeout
    http.post(INTAKE, json={"ok": True})
    chat = Chat(slow)
    fill(chat)
    assert chat.tap("제출하기").template == "apply/submitted"
    connect, read = http.calls[0].request.req_kwargs["timeout"]
    assert connect + read <= 0.75 * float(config["SKILL_BUDGET"])


@pytest.mark.parametrize("down", [503, requests.ConnectionError("refused"),
                                  requests.ReadTimeout("slow")])
def test_intake_down_queues_then_retry_delivers_exactly_once(intake_app, http, down):
    services = intake_app.extensions["bot"].services
    store = apps.store_of(services)
    if isinstance(down, int):
        http.post(INTAKE, status=down)
    else:
        http.post(INTAKE, body=down)
    chat = Chat(intake_app)
    fill(chat)
    done = chat.tap("제출하기")
    assert done.template == "apply/submitted"  # the merchant has the receipt regardless
    receipt = done.context["receipt"]
    assert store.outbox() == [receipt]
    failed = store.get(receipt)
    assert failed.delivered_at is None and failed.delivery_attempts == 1
    assert failed.delivery_error

    http.replace(responses.POST, INTAKE, json={"ok": True})  # the intake is back
    before = len(http.calls)
    report = apps.deliver_pending(services, sleep=lambda s: None)
    assert report.delivered == [receipt] and report.failed == []
    again = apps.deliver_pending(services, sleep=lambda s: None)
    assert again.delivered == [] and again.failed == []
    assert len(http.calls) == before + 1  # delivered exactly once
    delivered = store.get(receipt)
    assert delivered.delivered_at is not None and delivered.delivery_attempts == 2
    assert delivered.delivery_error == ""


def test_retry_backs_off_between_attempts(intake_app, http):
    services = intake_app.extensions["bot"].services
    store = apps.store_of(services)
    receipt = store.submit(fields(), "u-1", NOON_KST, queue=True).application.receipt
    http.post(INTAKE, status=502)
    http.post(INTAKE, status=503)
    http.post(INTAKE, json={}, status=200)
    slept: list[float] = []
    report = apps.deliver_pending(services, attempts=3, sleep=slept.append)
    assert report.delivered == [receipt]
    assert slept == [0.5, 1.0]
    assert store.get(receipt).delivery_attempts == 3


def test_an_application_still_failing_stays_queued(intake_app, http):
    services = intake_app.extensions["bot"].services
    store = apps.store_of(services)
    receipt = store.submit(fields(), "u-1", NOON_KST, queue=True).application.receipt
    http.post(INTAKE, status=400)
    report = apps.deliver_pending(services, attempts=2, sleep=lambda s: None)
    assert report.failed == [receipt] and store.outbox() == [receipt]
    assert store.get(receipt).delivery_error == "HTTP 400"


def test_a_receipt_being_delivered_elsewhere_is_left_alone(intake_app, http):
    services = intake_app.extensions["bot"].services
    store = apps.store_of(services)
    receipt = store.submit(fields(), "u-1", NOON_KST, queue=True).application.receipt
    token = store.try_delivery_lock(receipt)  # another worker is on it
    report = apps.deliver_pending(services, sleep=lambda s: None)
    assert report.failed == [receipt] and len(http.calls) == 0
    store.release_delivery_lock(receipt, token)
    http.post(INTAKE, json={})
    assert apps.deliver_pending(services).delivered == [receipt]


def test_without_an_intake_nothing_is_queued_or_sent(services, store, http):
    store.submit(fields(), "u-1", NOON_KST)
    assert apps.deliver_pending(services).configured is False
    assert len(http.calls) == 0


def test_intake_down_schedules_one_worker_pass_that_delivers_later(intake_app, http, redis_url,
                                                                   rq_redis_url, monkeypatch):
    from rq import Queue, SimpleWorker
    from rq.registry import ScheduledJobRegistry

    intake_app.config["RQ_REDIS_URL"] = rq_redis_url  # its own server on a cluster
    services = intake_app.extensions["bot"].services
    http.post(INTAKE, status=503)
    for user, first_nine in (("u-a", "123450001"), ("u-b", "123450002")):
        chat = Chat(intake_app, user)  # two failed submissions, one scheduled pass
        fill(chat, bizno=valid_bizno(first_nine))
        assert chat.tap("제출하기").template == "apply/submitted"
    queue = Queue("danggol", connection=Redis.from_url(rq_redis_url))
    scheduled = ScheduledJobRegistry(queue=queue)
    assert len(scheduled.get_job_ids()) == 1

    # The delay has passed and the intake is back: a real RQ worker runs the pass.
    http.replace(responses.POST, INTAKE, json={"ok": True})
    for job_id in scheduled.get_job_ids():
        queue.enqueue_job(queue.fetch_job(job_id))
        scheduled.remove(job_id)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("RQ_REDIS_URL", rq_redis_url)
    monkeypatch.setenv("REDIS_PREFIX", services.keys.prefix)
    monkeypatch.setenv("APPLICATION_INTAKE_URL", INTAKE)
    monkeypatch.setenv("APPLICATION_INTAKE_TOKEN", "t0k")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    store = apps.store_of(services)
    assert store.outbox() == []
    posted = [c for c in http.calls if c.request.method == "POST" and c.response.status_code == 200]
    assert len(posted) == 2  # each application delivered exactly once
    assert scheduled.get_job_ids() == []  # nothing left, nothing rescheduled
