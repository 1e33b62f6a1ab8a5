"""A wallet service that drips its answer: the merchant still hears back within the budget,
the breaker counts it, and skills that never call the wallet are not slowed at all.

Real dripping servers on loopback (tests/slow_http.py), the real app and pipeline.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core import bulkhead
from tests.support.kakao import Chat
from tests.support.payloads import make_payload
from tests.support.slow_http import DripServer, timed
from tests.support.wallet_helpers import BIZ, HTTP_SETTINGS, wallet_json


@pytest.fixture
def drip(http):
    """A wallet service that sends headers, then one body byte every 0.5 s."""
    with DripServer(wallet_json(), interval=0.5) as server:
        http.add_passthru(server.base)
        yield server


@pytest.fixture
def app(make_app, drip):
    return make_app(env={**HTTP_SETTINGS, "WALLET_API_URL": drip.base})


def _failures(app) -> int:
    services = app.extensions["bot"].services
    return int(services.redis.hget(services.keys.wallet_breaker(), "failures") or 0)


def test_a_dripping_wallet_answers_politely_inside_the_budget_and_counts(app):
    app.extensions["bot"].services.merchants.link("u-drip", BIZ, "staff")
    said, took = timed(Chat(app, "u-drip").say, "잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "timeout"
    assert took < 2.0
    assert _failures(app) == 1  # the breaker saw it (it opens after 3)


def test_three_drips_open_the_breaker_then_answers_are_instant(app, drip):
    app.extensions["bot"].services.merchants.link("u-drip", BIZ, "staff")
    chat = Chat(app, "u-drip")
    for _ in range(3):
        chat.say("잔액")
    seen = drip.requests_seen
    said, took = timed(chat.say, "잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "breaker_open"
    assert took < 0.5 and drip.requests_seen == seen


def _post(app, skill: str, utterance: str, user: str) -> tuple[dict, float]:
    client = app.test_client()
    started = time.monotonic()
    response = client.post(f"/skill/{skill}", json=make_payload(utterance, user))
    return response.get_json(), time.monotonic() - started


def test_a_dripping_wallet_does_not_starve_other_skills(make_app, drip):
    # Breaker effectively off, so every wallet request really calls the dripping service.
    app = make_app(env={**HTTP_SETTINGS, "WALLET_API_URL": drip.base,
                          "WALLET_BREAKER_FAILURES": "1000"})
    users = [f"u-w{i}" for i in range(12)]
    for user in users:
        app.extensions["bot"].services.merchants.link(user, BIZ, "staff")
    with ThreadPoolExecutor(max_workers=16) as pool:
        wallet = [pool.submit(_post, app, "wallet", "잔액", u) for u in users]
        time.sleep(0.3)  # every skill thread that can wait on the wallet now does
        welcome = [pool.submit(_post, app, "welcome", "안녕", f"u-h{i}") for i in range(4)]
        menu = [pool.submit(_post, app, "fallback", "처음으로", f"u-m{i}") for i in range(4)]
        others = [f.result() for f in welcome + menu]
        wallets = [f.result() for f in wallet]
    assert all(took < 1.0 for _, took in others), [round(t, 2) for _, t in others]
    texts = [str(body) for body, _ in others]
    assert not any("처리하고 있어요" in t for t in texts)  # no common/busy apology
    assert all(took < 2.0 for _, took in wallets), [round(t, 2) for _, t in wallets]
    assert drip.requests_seen <= 3 * 2  # the bulkhead (3) let no more calls through


def test_a_call_the_guard_abandoned_counts_as_a_failure_even_if_it_succeeds(make_app, http):
    # The service answers properly but only after the turn was given up.
    with DripServer(wallet_json(), interval=0, delay=0.6) as server:
        http.add_passthru(server.base)
        app = make_app(env={**HTTP_SETTINGS, "WALLET_API_URL": server.base,
                              "WALLET_READ_TIMEOUT": "1.0"})
        backend = app.extensions["bot"].services.wallet
        given_up = threading.Event()
        threading.Timer(0.2, given_up.set).start()  # the budget guard fires mid-call
        with bulkhead.turn(given_up):
            found = backend.lookup(BIZ)
    assert found.reason == "abandoned"
    assert _failures(app) == 1


# -- every other outbound call has its total deadline too --------------------------------
def test_a_dripping_intake_fails_the_attempt_in_time_and_keeps_it_queued(make_app, http):
    from bot.applications import service as apps
    from tests.applications.test_applications import fields

    with DripServer({"ok": True}, interval=0.5) as server:
        http.add_passthru(server.base)
        app = make_app(env={"APPLICATION_INTAKE_URL": server.base + "/applications"})
        services = app.extensions["bot"].services
        store = apps.store_of(services)
        receipt = store.submit(fields(), "u-1", services.clock(), queue=True).application.receipt
        intake = apps.intake_of(services, in_skill=True)
        delivered, took = timed(apps.deliver, store, intake, receipt)
    assert delivered is False and took < 1.8  # connect 0.5 + read 1.0 is also the total
    assert store.outbox() == [receipt]  # `applications retry` delivers it later


def test_a_dripping_event_api_is_an_unknown_outcome_in_time_and_not_resent(http):
    from bot.broadcast.sender import UNKNOWN, EventApi
    from bot.broadcast.settings import BroadcastSettings

    with DripServer({"taskId": "t-1", "status": "SUCCESS"}, interval=0.5) as server:
        http.add_passthru(server.base)
        api = EventApi(BroadcastSettings(mode="live", api_base=server.base, bot_id="bot-1",
                                         rest_api_key="k", rate=0, connect_timeout=0.3,
                                         read_timeout=1.0))
        result, took = timed(api.send, ["u-1", "u-2"], {"notice_id": "N-1"})
        task, task_took = timed(api.task, "t-1")
    assert result.outcome == UNKNOWN and result.reason == "read timeout" and took < 1.8
    assert server.requests_seen == 2  # one POST (never repeated blindly), one task query
    assert task is None and task_took < 1.8


def test_a_dripping_bizinfo_feed_stops_the_page_in_time(http):
    from bot.notices.bizinfo import BizinfoClient, BizinfoError

    with DripServer({"jsonArray": []}, interval=0.5) as server:
        http.add_passthru(server.base)
        client = BizinfoClient("key", url=server.base + "/api", read_timeout=1.0)
        result, took = timed(client.page, 1, 10)
    assert isinstance(result, BizinfoError) and "timed out" in str(result)
    assert took < 2.5  # connect (≤ read) + read
