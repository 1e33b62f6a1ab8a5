"""Staff broadcasts: audience, cost, quiet hours, Event API batching, retries, resume, cancel."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime

import pytest
import requests
import time_machine
from rq import Queue, SimpleWorker

from bot.broadcast import BroadcastSettings
from bot.broadcast.sender import EventApi, Pacer
from bot.broadcast.wire import Wire
from bot.core import staff_cli
from bot.core.clock import KST
from bot.core.config import Config
from tests.support.kakao import Chat
from tests.support.notice_fixture import install

API = "https://bot-api.kakao.com"
BOT = "bot-1!"  # the dev channel: the '!' stays in the Event API path
TALK = f"{API}/v2/bots/{BOT}/talk"
TASKS = re.compile(rf"{re.escape(API)}/v1/tasks/.+")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=KST).timestamp()  # a Monday, outside quiet hours
LIVE = {
    "BROADCAST_MODE": "live", "KAKAO_REST_API_KEY": "rest-key", "KAKAO_EVENT_NAME": "notice_push",
    "BROADCAST_RATE": "0", "BROADCAST_BACKOFF": "0", "BROADCAST_POLL_INTERVAL": "1",
    "BROADCAST_INLINE": "1", "BROADCAST_MAX_ATTEMPTS": "3", "BROADCAST_RECEIPT_WAIT": "60",
}
NOTICE = {"id": "NTC-1", "title": "소상공인 디지털 전환 지원", "category": "경영", "region": "전국",
          "org": "중소벤처기업부", "url": "https://example.org/n1", "deadline": "2026-12-31"}


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in our code catches a BaseException."""


class Clock:
    """A settable clock shared by the app and the worker's sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def live(make_app):
    """An app in live mode with the fixture notice store and a frozen daytime clock."""
    app = make_app(KAKAO_BOT_ID=BOT, env=dict(LIVE))
    install(app).put(NOTICE)
    app.extensions["bot"].services.clock = Clock(NOON)
    return app


def svc_of(app):
    return app.extensions["bot"].services


def bc(app):
    return svc_of(app).broadcasts


def seed(app, count, *, start=0, friend=True, categories=(), regions=(), consent_at=None):
    """Subscribers who were seen in the channel; returns their user keys."""
    svc = svc_of(app)
    users = [f"user-{i:05d}" for i in range(start, start + count)]
    for uid in users:
        svc.subscriptions.subscribe(uid, categories=categories, regions=regions,
                                    now=consent_at or svc.clock() - 86400, source="notices")
        svc.profiles.seen(uid, friend, None, svc.clock())
    return users


def mock_kakao(http, *, fail=None, on_talk=None):
    """Accept every call with a fresh taskId; report every task delivered but for `fail`.

    `fail` maps a taskId to how many of its first users Kakao failed to reach.

    `on_talk(n)` runs first on the n-th call (from 1): it may raise or change the world.
    """
    counter = iter(range(10_000))
    users: dict[str, list[str]] = {}

    def talk(request):
        body = json.loads(request.body)
        n = next(counter)
        if on_talk:
            on_talk(n + 1)
        task = f"task-{n}"
        users[task] = [u["id"] for u in body["user"]]
        return 200, {}, json.dumps({"taskId": task, "status": "SUCCESS", "timestamp": 1})

    def task(request):
        task_id = request.url.rsplit("/", 1)[1]
        failures = users[task_id][:(fail or {}).get(task_id, 0)]
        return 200, {}, json.dumps({
            "taskId": task_id, "status": "ALL SUCCESS" if not failures else f"{len(failures)} FAIL",
            "allRequestCount": len(users[task_id]),
            "successCount": len(users[task_id]) - len(failures),
            "fail": {"count": len(failures), "list": [
                {"userId": u, "reqUserType": "botUserKey", "createdAt": 1,
                 "errorMsg": {"errorType": 201, "msg": "skill error"}} for u in failures]}})

    http.add_callback("POST", TALK, callback=talk)
    http.add_callback("GET", TASKS, callback=task)


def posted(http):
    """Bodies of every Event API call made."""
    return [json.loads(c.request.body) for c in http.calls if c.request.url == TALK]


def posted_users(http):
    return [u["id"] for body in posted(http) for u in body["user"]]


def eventually(check, seconds=2.0):
    """Whether `check()` turns true within `seconds` (Redis applies a write it was sent
    even when the sender died before reading the reply, but on its own schedule)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def send(app, bid, **kw):
    clock = svc_of(app).clock
    return bc(app).send(bid, sleep=clock.sleep, **kw)


# -- compose -----------------------------------------------------------------
def test_cost_is_price_times_vat_with_the_total_rounded_up():
    s = BroadcastSettings()
    assert s.cost(500) == 8250  # program-facts §1.5: 500 × 15원 × 1.1
    assert s.cost(1) == 17 and s.cost(3) == 50  # 16.5 → 17, 49.5 → 50
    assert s.cost(0) == 0


def test_create_plans_audience_skips_and_cost(live):
    users = seed(live, 500, categories=["경영"])
    not_friends = seed(live, 3, start=900, friend=False)
    gone = seed(live, 2, start=950)
    seed(live, 4, start=970, categories=["금융"])  # another 분야
    svc = svc_of(live)
    svc.subscriptions.subscribe("never-seen", now=svc.clock(), source="notices")
    for uid in gone:
        svc.subscriptions.unsubscribe(uid, now=svc.clock())

    result = live.test_cli_runner().invoke(args=["broadcast", "create", "--notice", "NTC-1"])
    assert result.exit_code == 0, result.output
    meta = bc(live).list()[0]
    assert meta["recipients"] == 500 and meta["batches"] == 5 and meta["cost"] == 8250
    assert "비용       8,250원 = 500명 × 15원 × 1.1" in result.output
    assert "받는 사람  500명 (호출 5번) · 제외 4명" in result.output
    assert "제외       4명  채널 친구 아님" in result.output  # skip reasons by their label
    assert f"발송 {meta['id']} (초안) — 공고 NTC-1" in result.output
    recipients = svc.redis.lrange(svc.keys.broadcast_recipients(meta["id"]), 0, -1)
    assert sorted(recipients) == users
    skipped = bc(live).store.outcomes(meta["id"], "skipped")
    assert skipped == {**dict.fromkeys(not_friends, "not_friend"), "never-seen": "not_friend"}
    assert "소상공인 디지털 전환 지원" in result.output  # the preview, rendered by the app
    assert meta["scheduled_at"] == NOON and meta["status"] == "draft"


def test_region_and_category_filters_and_test_users(live):
    seoul = seed(live, 3, regions=["서울"])
    busan = seed(live, 2, start=10, regions=["부산"])
    meta = bc(live).create("NTC-1", region="부산")
    assert meta["recipients"] == 2
    assert set(bc(live).store.batch_slice(meta["id"], 0, 100)) == set(busan)
    rehearsal = bc(live).create("NTC-1", test_users=[seoul[0], seoul[0], " ", "stranger"])
    assert rehearsal["test"] and rehearsal["recipients"] == 1
    assert bc(live).store.outcomes(rehearsal["id"], "skipped") == {"stranger": "not_friend"}


def test_ad_broadcast_needs_consent_within_two_years(live):
    svc = svc_of(live)
    fresh = seed(live, 2)
    stale = seed(live, 1, start=10, consent_at=svc.clock() - 800 * 86400)
    meta = bc(live).create("NTC-1", ad=True)
    assert meta["recipients"] == 2 and meta["ad"]
    assert bc(live).store.outcomes(meta["id"], "skipped") == {stale[0]: "consent_expired"}
    assert set(bc(live).store.batch_slice(meta["id"], 0, 100)) == set(fresh)
    assert bc(live).create("NTC-1")["recipients"] == 3  # informational: no ad consent rule


def test_unknown_notice_is_a_clean_cli_error(live):
    result = live.test_cli_runner().invoke(args=["broadcast", "create", "--notice", "nope"])
    assert result.exit_code == 1
    assert result.output == "✗ 공고 'nope'을(를) 찾지 못했어요. [broadcast.unknown_notice]\n"


# -- send ----------------------------------------------------------------------
def test_1050_recipients_go_out_in_11_calls_and_all_are_reported(live, http):
    users = seed(live, 1050)
    bid = bc(live).create("NTC-1")["id"]
    mock_kakao(http, fail={"task-3": 2})

    result = live.test_cli_runner().invoke(args=["broadcast", "send", bid], input="y\n")
    assert result.exit_code == 0, result.output
    bodies = posted(http)
    assert len(bodies) == 11 and [len(b["user"]) for b in bodies] == [100] * 10 + [50]
    assert sorted(posted_users(http)) == users  # everyone once, nobody twice
    first = bodies[0]
    assert first["event"] == {"name": "notice_push",
                              "data": {"notice_id": "NTC-1", "broadcast_id": bid, "ad": "0"}}
    assert first["params"]["notice_id"] == "NTC-1"
    assert {u["type"] for b in bodies for u in b["user"]} == {"botUserKey"}
    assert http.calls[0].request.headers["Authorization"] == "KakaoAK rest-key"
    report = bc(live).report(bid)
    assert report["status"] == "done" and report["calls"] == 11
    assert (report["sent"], report["delivered"], report["failed"]) == (1050, 1048, 2)
    unreached = [u["id"] for u in bodies[3]["user"][:2]]
    assert bc(live).store.outcomes(bid, "failed") == dict.fromkeys(unreached, "201: skill error")
    status = live.test_cli_runner().invoke(args=["broadcast", "status", bid]).output
    assert "100%" in status and "전달됨   1,048" in status
    assert "실패       2명  201: skill error" in status


def test_429_is_retried_with_backoff_then_succeeds(live, http):
    seed(live, 5)
    bid = bc(live).create("NTC-1")["id"]
    http.post(TALK, status=429, headers={"Retry-After": "2"}, json={"message": "slow down"})
    mock_kakao(http)
    sleeps: list[float] = []
    api = EventApi(bc(live).settings, sleep=sleeps.append, rng=lambda: 1.0)
    assert send(live, bid, sender=api).status == "done"
    assert len(posted(http)) == 2 and sleeps == [2.0]  # Retry-After beats the 0 s backoff
    report = bc(live).report(bid)
    assert report["calls"] == 2 and report["delivered"] == 5 and report["failed"] == 0


def test_backoff_grows_exponentially_with_jitter():
    from bot.broadcast.sender import backoff_delay

    assert [backoff_delay(a, 0.5, 30, lambda: 1.0) for a in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert backoff_delay(3, 0.5, 30, lambda: 0.0) == 1.0  # half fixed, half random
    assert backoff_delay(10, 0.5, 30, lambda: 1.0) == 30


def test_5xx_until_attempts_run_out_fails_the_batch_only(live, http):
    seed(live, 150)
    bid = bc(live).create("NTC-1")["id"]
    for _ in range(3):
        http.post(TALK, status=503, body="busy")
    mock_kakao(http)
    sleeps: list[float] = []
    api = EventApi(bc(live).settings, sleep=sleeps.append, rng=lambda: 0.5)
    assert send(live, bid, sender=api).status == "done"
    assert len(posted(http)) == 4 and len(sleeps) == 2
    report = bc(live).report(bid)
    assert (report["sent"], report["failed"], report["delivered"]) == (50, 100, 50)
    assert report["failed_reasons"] == {"gave up after 3 attempts: HTTP 503: busy": 100}


def test_other_4xx_is_not_retried(live, http):
    seed(live, 3)
    bid = bc(live).create("NTC-1")["id"]
    http.post(TALK, status=400, json={"message": "invalid event name"})
    assert send(live, bid).status == "done"
    assert len(posted(http)) == 1
    assert bc(live).report(bid)["failed_reasons"] == {"HTTP 400: invalid event name": 3}


def test_connect_timeout_is_retried_at_once_a_read_timeout_only_after_the_receipt_wait(
        live, http):
    seed(live, 3)
    bid = bc(live).create("NTC-1")["id"]
    http.post(TALK, body=requests.ConnectTimeout())
    http.post(TALK, body=requests.ReadTimeout())
    mock_kakao(http)
    sleeps: list[float] = []
    send(live, bid, sender=EventApi(bc(live).settings, sleep=sleeps.append))
    # The connect timeout never reached Kakao: retried after one backoff. The read timeout
    # may have: sent again only once the receipt wait passed without any receipt.
    assert len(posted(http)) == 3 and len(sleeps) == 1
    assert svc_of(live).clock() - NOON >= 60
    assert bc(live).report(bid)["delivered"] == 3


def test_dry_run_is_the_default_and_calls_nobody(make_app, http):
    assert Config().with_env({}).features.broadcast.mode == "dry-run"
    assert Config().with_env({}).features.broadcast.inline is True  # embedded: no worker
    assert Config().with_env({"REDIS_URL": "redis://h/0"}).features.broadcast.inline is False
    app = make_app(env={"BROADCAST_INLINE": "1"})
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    seed(app, 120)
    bid = bc(app).create("NTC-1")["id"]
    assert send(app, bid).status == "done"
    assert not http.calls
    report = bc(app).report(bid)  # nothing was delivered: the calls are only simulated
    assert report["dry_run"] and report["simulated"] == 120
    assert report["delivered"] == 0 and report["sent"] == 0


# -- crashes and resume ----------------------------------------------------------
def test_killed_after_the_call_left_resumes_from_receipts_without_resending(live, http):
    seed(live, 250)
    bid = bc(live).create("NTC-1")["id"]

    def killed_on_second(n):
        if n == 2:  # Kakao got the batch; the worker dies before reading the answer
            raise WorkerKilled()

    mock_kakao(http, on_talk=killed_on_second)
    with pytest.raises(WorkerKilled):
        send(live, bid)
    assert bc(live).store.batch(bid, 1)["state"] == "sending"
    second = posted(http)[1]
    # Kakao runs the event block for each user of that call: our skill renders and notes it.
    for user in second["user"][:3]:
        said = Chat(live, user["id"]).say("", skill="notice-push",
                                            userRequest__params=second["params"])
        assert said.template == "notice_push/notice"

    assert send(live, bid).status == "done"
    assert len(posted(http)) == 3  # batch 0, the lost batch 1 (once), batch 2
    assert sorted(posted_users(http)) == sorted(set(posted_users(http)))
    report = bc(live).report(bid)
    assert report["sent"] == 250 and report["unconfirmed"] == 97
    assert bc(live).store.batch(bid, 1)["report"] == "receipts"


def test_killed_while_waiting_for_its_pacing_slot_leaves_the_batch_unsent(
        live, http, monkeypatch):
    seed(live, 250)
    bid = bc(live).create("NTC-1")["id"]
    clock = svc_of(live).clock
    # A killed process reads no more replies: the record of the first call was sent
    # without waiting for Redis's answer, and must land all the same.
    monkeypatch.setattr(Wire, "close", lambda wire: wire.conn.disconnect())

    def sleep(seconds):
        if len(posted(http)) == 1:  # between the first and the second call
            raise WorkerKilled()
        clock.sleep(seconds)

    api = EventApi(bc(live).settings, pacer=Pacer(2.0, clock=clock, sleep=sleep))
    mock_kakao(http)
    with pytest.raises(WorkerKilled):
        send(live, bid, sender=api)
    monkeypatch.undo()
    assert eventually(lambda: bc(live).store.batch(bid, 0)["state"] == "accepted")
    assert bc(live).store.batch(bid, 1)["state"] == "pending"  # not an unclear call

    resumed_at = clock()
    assert send(live, bid).status == "done"
    assert len(posted_users(http)) == len(set(posted_users(http))) == 250
    assert clock() - resumed_at < 60  # nothing to settle from receipts
    assert bc(live).report(bid)["unconfirmed"] == 0


def test_killed_before_the_call_left_is_sent_once_after_the_receipt_wait(live, http):
    seed(live, 150)
    bid = bc(live).create("NTC-1")["id"]
    store = bc(live).store
    store.update(bid, status="sending", started_at=NOON)
    store.set_batch(bid, 0, {"state": "sending", "at": NOON, "n": 100})  # died right here
    mock_kakao(http)
    assert send(live, bid).status == "done"
    assert len(posted(http)) == 2 and len(set(posted_users(http))) == 150
    assert svc_of(live).clock() - NOON >= 60  # waited for receipts before sending again
    assert bc(live).report(bid)["unconfirmed"] == 0


def test_hold_policy_keeps_unknown_calls_for_staff(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env={**LIVE, "BROADCAST_UNCONFIRMED": "hold"})
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    seed(app, 100)
    bid = bc(app).create("NTC-1")["id"]
    bc(app).store.update(bid, status="sending", started_at=NOON)
    bc(app).store.set_batch(bid, 0, {"state": "sending", "at": NOON, "n": 100})
    mock_kakao(http)
    send(app, bid)
    assert not posted(http) and bc(app).report(bid)["held"] == 1
    held = app.test_cli_runner().invoke(args=["broadcast", "status", bid]).output
    assert f"보류된 호출 1번: 카카오에 닿았는지 몰라요 — flask broadcast resolve {bid}" in held
    unsaid = app.test_cli_runner().invoke(args=["broadcast", "resolve", bid])
    assert unsaid.exit_code == 2 and "[broadcast.resolve_how]" in unsaid.output
    resolved = app.test_cli_runner().invoke(args=["broadcast", "resolve", bid, "--resend"])
    assert resolved.exit_code == 0 and "호출 1번을 다시 보내기로 정리했어요" in resolved.output
    send(app, bid)
    assert len(posted_users(http)) == 100 and bc(app).report(bid)["status"] == "done"


def test_a_second_worker_backs_off(live, http):
    seed(live, 5)
    bid = bc(live).create("NTC-1")["id"]
    bc(live).store.update(bid, status="queued")
    token = bc(live).store.acquire(bid, 60)
    assert token and send(live, bid).status == "busy" and not http.calls


# -- cancel and quiet hours ------------------------------------------------------
def test_cancel_mid_way_stops_before_the_next_call(live, http):
    seed(live, 500)
    bid = bc(live).create("NTC-1")["id"]

    def cancel_on_third(n):
        if n == 3:
            assert live.test_cli_runner().invoke(args=["broadcast", "cancel", bid]).exit_code == 0

    mock_kakao(http, on_talk=cancel_on_third)
    send(live, bid)
    report = bc(live).report(bid)
    assert len(posted(http)) == 3 and report["status"] == "cancelled"
    assert report["sent"] == 300
    with pytest.raises(Exception, match="cancelled"):
        bc(live).send(bid)


@time_machine.travel(datetime(2026, 11, 23, 22, 0, tzinfo=KST), tick=False)
def test_created_in_quiet_hours_waits_for_eight(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env=dict(LIVE))
    install(app).put(NOTICE)
    seed(app, 10)
    out = app.test_cli_runner().invoke(
        args=["broadcast", "create", "--notice", "NTC-1", "--ad"]).output
    assert "보내는 때  2026-11-24 08:00 KST (조용한 시간: 20:50~08:00" in out and "(광고)" in out
    assert "분야 경영 · 지역 전체 · 광고" in out
    bid = bc(app).list()[0]["id"]
    result = app.test_cli_runner().invoke(args=["broadcast", "send", bid, "--yes"])
    assert "예약: 조용한 시간이에요 — 2026-11-24 08:00 KST 이후에" in result.output
    assert not http.calls
    mock_kakao(http)
    with time_machine.travel(datetime(2026, 11, 24, 7, 59, tzinfo=KST), tick=False):
        assert bc(app).send(bid).status == "scheduled" and not http.calls
    with time_machine.travel(datetime(2026, 11, 24, 8, 0, tzinfo=KST), tick=False):
        assert bc(app).send(bid).status == "done"
    assert len(posted(http)) == 1 and posted(http)[0]["event"]["data"]["ad"] == "1"


def test_reaching_quiet_hours_mid_way_pauses(live, http):
    seed(live, 300)
    clock = svc_of(live).clock
    clock.now = datetime(2026, 11, 23, 20, 49, 59, tzinfo=KST).timestamp()
    bid = bc(live).create("NTC-1")["id"]

    def slow(n):
        clock.now += 1  # the first call ends at 20:50:00

    mock_kakao(http, on_talk=slow)
    result = send(live, bid)
    assert result.status == "paused" and len(posted(http)) == 1
    assert result.resume_at == datetime(2026, 11, 24, 8, 0, tzinfo=KST).timestamp()


# -- audience changes between create and send --------------------------------------
def test_users_who_opt_out_after_create_are_skipped(live, http):
    users = seed(live, 5)
    bid = bc(live).create("NTC-1")["id"]
    svc_of(live).subscriptions.unsubscribe(users[1], now=NOON)
    mock_kakao(http)
    send(live, bid)
    assert sorted(posted_users(http)) == sorted(set(users) - {users[1]})
    report = bc(live).report(bid)
    assert report["skipped_reasons"] == {"opted_out": 1} and report["delivered"] == 4


def test_opt_outs_are_honoured_when_the_log_does_not_reach_back_to_create(live, http):
    users = seed(live, 5)
    bid = bc(live).create("NTC-1")["id"]
    svc = svc_of(live)
    svc.subscriptions.unsubscribe(users[1], now=NOON)
    svc.subscriptions.unsubscribe(users[2], now=NOON)
    svc.subscriptions.subscribe(users[2], now=NOON + 1, source="notices")  # changed their mind
    svc.redis.set(svc.keys.opt_outs_since(), NOON)  # as if the log began after the create
    mock_kakao(http)
    send(live, bid)
    assert sorted(posted_users(http)) == sorted(set(users) - {users[1]})
    assert bc(live).report(bid)["skipped_reasons"] == {"opted_out": 1}


def test_who_opted_out_and_back_in_after_create_still_gets_the_notice(live, http):
    users = seed(live, 3)
    bid = bc(live).create("NTC-1")["id"]
    subs = svc_of(live).subscriptions
    subs.unsubscribe(users[0], now=NOON)
    subs.subscribe(users[0], now=NOON + 1, source="notices")
    mock_kakao(http)
    send(live, bid)
    assert sorted(posted_users(http)) == sorted(users)


# -- the centre's wallet pays for the messages ---------------------------------------
CENTRE = "1208147521"


@pytest.fixture
def funded(make_app):
    """A live app whose broadcasts are paid from the sandbox wallet of CENTRE."""
    app = make_app(KAKAO_BOT_ID=BOT, env={**LIVE, "BROADCAST_WALLET_BUSINESS": "120-81-47521"})
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    return app


def test_a_broadcast_the_wallet_cannot_pay_for_is_refused_unless_forced(funded, http):
    seed(funded, 100)  # 100 × 15 × 1.1 = 1,650 KRW
    svc_of(funded).wallet.credit_paid(CENTRE, 1000)
    out = funded.test_cli_runner().invoke(args=["broadcast", "create", "--notice", "NTC-1"]).output
    assert "센터 월렛  쓸 수 있는 잔액 1,000원 / 남은 발송에 최대 1,650원 — 650원 모자라요" in out
    bid = bc(funded).list()[0]["id"]
    mock_kakao(http)
    refused = funded.test_cli_runner().invoke(args=["broadcast", "send", bid, "--yes"])
    assert refused.exit_code == 1 and "(flask broadcast send는 --force)" in refused.output
    assert "[broadcast.short_of_funds]" in refused.output
    assert not posted(http) and bc(funded).get(bid)["status"] == "draft"
    forced = funded.test_cli_runner().invoke(args=["broadcast", "send", bid, "--yes", "--force"])
    assert forced.exit_code == 0 and len(posted_users(http)) == 100


def test_enough_in_the_wallet_sends_and_only_what_is_left_counts_on_resume(funded, http):
    seed(funded, 250)
    svc_of(funded).wallet.credit_paid(CENTRE, 5000)
    bid = bc(funded).create("NTC-1")["id"]
    funds = bc(funded).funds(bid)
    assert (funds.verdict, funds.needed, funds.usable) == ("enough", 4125, 5000)
    bc(funded).store.update(bid, sent=200)  # as if two calls went out before a stop
    assert bc(funded).funds(bid).needed == 825  # 50 left × 15 × 1.1


def test_a_suspended_wallet_is_short_whatever_its_balance(funded, http):
    seed(funded, 10)
    wallet = svc_of(funded).wallet
    wallet.credit_paid(CENTRE, 100_000)
    wallet.set_status(CENTRE, "SUSPENDED")
    bid = bc(funded).create("NTC-1")["id"]
    funds = bc(funded).funds(bid)
    assert funds.verdict == "short" and funds.note == "wallet is SUSPENDED"
    with pytest.raises(Exception, match="SUSPENDED"):
        send(funded, bid)


def test_without_a_wallet_set_or_in_dry_run_nothing_is_refused(make_app, live, http):
    seed(live, 5)
    bid = bc(live).create("NTC-1")["id"]
    funds = bc(live).funds(bid)
    assert funds.verdict == "unchecked" and "not set" in funds.note
    dry = make_app(KAKAO_BOT_ID=BOT, env={"BROADCAST_WALLET_BUSINESS": CENTRE,
                                            "BROADCAST_INLINE": "1"})
    install(dry).put(NOTICE)
    svc_of(dry).clock = Clock(NOON)
    seed(dry, 5, start=100)
    svc_of(dry).wallet.credit_paid(CENTRE, 1)
    dry_bid = bc(dry).create("NTC-1")["id"]
    assert bc(dry).funds(dry_bid).verdict == "short"
    assert bc(dry).send(dry_bid).status == "done"  # a dry run bills nobody


# -- queue -------------------------------------------------------------------------
def test_with_a_worker_process_send_queues_an_rq_job_that_a_worker_runs(
        make_app, redis_url, rq_redis_url, monkeypatch):
    never_quiet = {"BROADCAST_QUIET_START": "00:00", "BROADCAST_QUIET_END": "00:00"}
    app = make_app(RQ_REDIS_URL=rq_redis_url,  # its own server on a cluster; else the same
                   env={"BROADCAST_INLINE": "0", **never_quiet})  # wall clock in this test
    install(app).put(NOTICE)
    seed(app, 3)
    bid = bc(app).create("NTC-1")["id"]
    result = app.test_cli_runner().invoke(args=["broadcast", "send", bid, "--yes"])
    assert "작업자 대기열에 넣었어요." in result.output
    from redis import Redis

    queue = Queue("danggol", connection=Redis.from_url(rq_redis_url))
    assert queue.count == 1 and queue.jobs[0].args == (bid,)
    assert bc(app).get(bid)["status"] == "queued"
    # What `rq worker danggol` does: the job builds the app from the environment and runs it.
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("RQ_REDIS_URL", rq_redis_url)
    monkeypatch.setenv("REDIS_PREFIX", svc_of(app).keys.prefix)
    for name, value in never_quiet.items():
        monkeypatch.setenv(name, value)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    report = bc(app).report(bid)
    assert report["status"] == "done" and report["simulated"] == 3  # dry run by default


def test_status_shows_progress_while_sending(live, http):
    seed(live, 400)
    bid = bc(live).create("NTC-1")["id"]
    seen: list[str] = []

    def look(n):
        if n == 3:  # two calls made, the third on its way
            seen.append(live.test_cli_runner().invoke(args=["broadcast", "status", bid]).output)

    mock_kakao(http, on_talk=look)
    send(live, bid)
    assert "[###############---------------]  50%" in seen[0]
    assert "호출한 묶음 2/4" in seen[0] and "발송 중" in seen[0]
    listing = live.test_cli_runner().invoke(args=["broadcast", "list"]).output
    header, *rows = listing.splitlines()
    assert header.split() == ["번호", "상태", "만든", "때", "받는", "사람", "전달됨", "공고"]
    assert f"{bid}  완료" in rows[0] and rows[0].split()[5:7] == ["400", "400"]
    # Korean takes two terminal columns a letter: the figures still line up under their heads.
    width = staff_cli.width
    assert width(header[:header.index("전달됨") + 3]) == width(rows[0][:rows[0].rindex("400") + 3])


# -- pacing -----------------------------------------------------------------------
def paced(rate, durations):
    """Start times of calls that take `durations` seconds each, behind a Pacer."""
    clock = Clock(0.0)
    pacer = Pacer(rate, clock=clock, sleep=clock.sleep)
    starts = []
    for took in durations:
        pacer.wait()
        starts.append(round(clock.now, 6))
        clock.now += took
    return starts


def test_pacer_spaces_quick_calls_evenly():
    assert paced(100, [0.001] * 4) == [0.0, 0.01, 0.02, 0.03]


def test_pacer_keeps_its_grid_after_one_slow_call():
    # The 15 ms call makes the next one late; the one after that is back on its 10 ms slot.
    assert paced(100, [0.001, 0.015, 0.001, 0.001]) == [0.0, 0.01, 0.025, 0.03]


def test_pacer_forgives_at_most_one_interval_after_a_stall():
    # A 100 ms stall: the next call goes at once, one more straight after it, then the grid.
    assert paced(100, [0.001, 0.1, 0.001, 0.001, 0.001]) == [0.0, 0.01, 0.11, 0.111, 0.12]


# -- the demo in README (issue #11) -----------------------------------------------------
def test_readme_broadcast_examples_name_real_sample_notices():
    import yaml

    from bot.core.config import ROOT

    samples = {n["id"] for n in yaml.safe_load(
        (ROOT / "data" / "sample_notices.yaml").read_text(encoding="utf-8"))}
    named = re.findall(r"--notice (\S+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert named and set(named) <= samples, (named, samples)


@time_machine.travel(datetime(2026, 11, 23, 22, 0, tzinfo=KST), tick=False)
def test_a_dry_run_at_night_runs_at_once_and_says_what_a_live_send_would_do(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env={"BROADCAST_INLINE": "1"})  # dry run: the default
    install(app).put(NOTICE)
    seed(app, 10)
    cli = app.test_cli_runner()
    out = cli.invoke(args=["broadcast", "create", "--notice", "NTC-1"]).output
    assert "보내는 때  지금 — 모의 발송은 조용한 시간에도 바로 돌아요" in out
    assert "실제 발송이면 2026-11-24 08:00 KST (조용한 시간" in out
    assert "방식       모의 발송 (아무것도 보내지 않아요" in out
    bid = bc(app).list()[0]["id"]
    result = cli.invoke(args=["broadcast", "send", bid, "--yes"])
    assert result.exit_code == 0, result.output
    assert "조용한 시간이에요" not in result.output and not http.calls
    assert "— 완료" in result.output
    assert "모의 발송      10" in result.output
    assert "아무것도 보내거나 전달하지 않았어요" in result.output
    assert "전달됨" not in result.output
    report = bc(app).report(bid)
    assert report["status"] == "done" and report["delivered"] == 0 and report["simulated"] == 10
    listing = cli.invoke(args=["broadcast", "list"]).output
    assert "10 (모의)" in listing and "(모의 발송)" in listing


def test_a_flask_chat_user_can_be_a_test_recipient_by_name(make_app, http):
    app = make_app(env={"BROADCAST_INLINE": "1"})  # the simulator is no Kakao bot id
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    cli = app.test_cli_runner()
    chat = cli.invoke(args=["chat"], input="/user 김사장\n/whoami\n/quit\n").output
    from bot.conversation.simulator import sim_user_id

    key = sim_user_id("김사장")
    assert "지금 사용자: 김사장" in chat and f"사용자 키(botUserKey): {key}" in chat
    out = cli.invoke(args=["broadcast", "create", "--notice", "NTC-1",
                           "--test-users", "김사장"]).output
    assert f"테스트 사용자 '김사장' = flask chat 사용자, 키 {key}" in out
    meta = bc(app).list()[0]
    assert meta["test_users"] == [key] and meta["recipients"] == 1
    out = cli.invoke(args=["broadcast", "create", "--notice", "NTC-1",
                           "--test-users", key]).output  # the key itself works as before
    assert bc(app).list()[0]["recipients"] == 1


# -- duplicates and dead workers (issue #14, break 7) ------------------------------------------
def test_a_call_resent_after_an_unknown_outcome_is_reported_as_possibly_duplicated(live, http):
    seed(live, 250)
    bid = bc(live).create("NTC-1")["id"]

    def killed_on_second(n):
        if n == 2:  # Kakao got the batch; the worker dies before reading the answer
            raise WorkerKilled()

    mock_kakao(http, on_talk=killed_on_second)
    with pytest.raises(WorkerKilled):
        send(live, bid)
    # No push receipt arrives within BROADCAST_RECEIPT_WAIT: the batch is sent once more.
    assert send(live, bid).status == "done"
    assert len(posted(http)) == 4  # batch 0, batch 1 (lost answer), batch 1 again, batch 2
    report = bc(live).report(bid)
    assert report["unconfirmed"] == 0
    assert report["possibly_duplicated"] == 100 and report["resent_calls"] == 1
    shown = live.test_cli_runner().invoke(args=["broadcast", "status", bid]).output
    assert "가능한 중복 100명: 결과를 모른 채 다시 보낸 호출 1번에 들어 있어요" in shown


def test_a_clean_run_reports_no_possible_duplicates(live, http):
    seed(live, 150)
    bid = bc(live).create("NTC-1")["id"]
    mock_kakao(http)
    assert send(live, bid).status == "done"
    report = bc(live).report(bid)
    assert report["possibly_duplicated"] == 0 and report["resent_calls"] == 0
    shown = live.test_cli_runner().invoke(args=["broadcast", "status", bid]).output
    assert "가능한 중복" not in shown


def test_a_dead_workers_lock_is_taken_over_within_its_short_ttl(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env={**LIVE, "BROADCAST_LOCK_TTL": "0.5"})
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    seed(app, 5)
    bid = bc(app).create("NTC-1")["id"]
    bc(app).store.update(bid, status="sending", started_at=NOON)
    assert bc(app).store.acquire(bid, 0.5)  # what a SIGKILLed worker leaves: no heartbeat
    mock_kakao(http)
    assert send(app, bid).status == "busy"
    time.sleep(0.6)
    assert send(app, bid).status == "done" and len(posted_users(http)) == 5
    assert BroadcastSettings().lock_ttl <= 10  # by default too, seconds rather than minutes


def test_a_running_worker_keeps_its_lock_past_the_ttl_by_heartbeat(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env={**LIVE, "BROADCAST_LOCK_TTL": "0.3"})
    install(app).put(NOTICE)
    svc_of(app).clock = Clock(NOON)
    seed(app, 150)
    bid = bc(app).create("NTC-1")["id"]
    rivals = []

    def slow_call(n):
        if n == 1:
            time.sleep(1.0)  # three TTLs inside one call
            rivals.append(bc(app).store.acquire(bid, 0.3))

    mock_kakao(http, on_talk=slow_call)
    assert send(app, bid).status == "done"
    assert rivals == [None]  # nobody could take the broadcast from the live worker
    assert not svc_of(app).redis.exists(svc_of(app).keys.broadcast_lock(bid))  # released
