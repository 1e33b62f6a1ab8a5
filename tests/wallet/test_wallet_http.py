"""The wallet service client through the real app: every answer the service can give."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.support.kakao import Chat
from tests.support.wallet_helpers import (
    BIZ,
    HTTP_SETTINGS,
    OTHER_BIZ,
    TOKEN,
    WALLET_URL,
    clock_fixture,  # noqa: F401 (fixture)
    wallet_json,
)


@pytest.fixture
def app(make_app, clock):
    """The skill server on the HTTP wallet backend, clock frozen, the chat user linked."""
    app = make_app(env=dict(HTTP_SETTINGS))
    services = app.extensions["bot"].services
    services.clock = clock
    services.merchants.link("u-chat-0001", BIZ, "application")
    return app


@pytest.fixture
def backend(app):
    return app.extensions["bot"].services.wallet


def test_success_shows_the_balance_with_the_agreed_request(chat, http):
    http.get(WALLET_URL, json=wallet_json())
    said = chat.say("월렛 잔액")
    assert said.template == "wallet/balance"
    ctx = said.context
    assert ctx["business_number"] == BIZ and ctx["state"] == "active"
    assert ctx["free"]["balance"] == 241_750 and ctx["free"]["activated"] is True
    assert ctx["free"]["days_left"] == 130  # 2026-11-21 → 2027-03-31
    assert ctx["paid"]["balance"] == 20_000 and ctx["usable"] == 261_750
    assert ctx["messages"] == {"general": 15_863, "target": 11_897}
    assert ctx["stale"] is False and ctx["sandbox"] is False
    request = http.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.req_kwargs["timeout"] == (0.3, 0.8)  # connect, read
    assert "120-81-*****" in said.text and "47521" not in said.text


def test_read_timeout_is_not_retried_and_is_polite(chat, http, backend):
    http.get(WALLET_URL, body=requests.ReadTimeout("slow"))
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "timeout"
    assert len(http.calls) == 1
    assert "상담원 연결" in said.quick_replies


def test_connection_error_is_retried_once(chat, http):
    http.get(WALLET_URL, body=requests.ConnectionError("refused"))
    http.get(WALLET_URL, json=wallet_json())
    said = chat.say("잔액")
    assert said.template == "wallet/balance" and len(http.calls) == 2


def test_connection_errors_twice_give_up(chat, http, backend):
    http.get(WALLET_URL, body=requests.ConnectionError("refused"))
    assert backend.lookup(BIZ).reason == "connection"
    assert len(http.calls) == 2  # one try plus one retry, no more
    http.get(WALLET_URL, body=requests.ConnectTimeout("no SYN-ACK"))
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and len(http.calls) == 4


def test_server_error_is_not_retried(chat, http):
    http.get(WALLET_URL, status=500, json={"error": "boom"})
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "http_500"
    assert len(http.calls) == 1


def test_404_explains_how_to_create_a_wallet(chat, http):
    http.get(WALLET_URL, status=404, json={"error": "not found"})
    said = chat.say("잔액")
    assert said.template == "wallet/not_found"
    assert said.context == {"business_number": BIZ}
    assert any(b.get("webLinkUrl", "").endswith("/wallet-start") for b in said.buttons)


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_credentials_are_a_logged_configuration_error(chat, http, caplog, status):
    http.get(WALLET_URL, status=status, json={"error": "denied"})
    with caplog.at_level(logging.ERROR, logger="bot.wallet.http"):
        said = chat.say("잔액")
    assert said.template == "wallet/unavailable"
    assert said.context["reason"] == "unauthorized"
    assert any("WALLET_API_TOKEN" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("body", [
    "<html>502 Bad Gateway</html>",
    '{"business_number": "1208147521", ',
    "[]",
])
def test_malformed_json_is_handled(chat, http, body):
    http.get(WALLET_URL, body=body, status=200, content_type="application/json")
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "malformed"


@pytest.mark.parametrize("changes", [
    {"status": "FROZEN"},
    {"free_cash__balance": "241750"},
    {"free_cash__balance": 12.5},
    {"free_cash__activated": "yes"},
    {"paid_cash__balance": -1},
    {"paid_cash": None},
    {"business_number": "12081"},
])
def test_json_off_the_contract_is_malformed(backend, http, changes):
    http.get(WALLET_URL, json=wallet_json(**changes))
    assert backend.lookup(BIZ).reason == "malformed"


def test_an_answer_about_another_business_is_never_shown(chat, http):
    http.get(WALLET_URL, json=wallet_json(business_number=OTHER_BIZ))
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and said.context["reason"] == "mismatch"


def test_breaker_opens_serves_the_cached_answer_and_recovers(chat, http, backend, clock, redis,
                                                             app):
    http.get(WALLET_URL, json=wallet_json())
    assert chat.say("잔액").context["stale"] is False
    fetched_at = clock.now
    keys = app.extensions["bot"].services.keys
    assert 0 < redis.ttl(keys.wallet_cache(BIZ)) <= 600

    http.replace("GET", WALLET_URL, status=503)
    clock.now += 60
    for _ in range(3):  # three failures open the breaker
        said = chat.say("잔액")
        assert said.template == "wallet/balance"
        assert said.context["stale"] is True and said.context["as_of"] == fetched_at
        assert said.context["free"]["balance"] == 241_750
    assert len(http.calls) == 4
    assert backend.breaker.state() == "open"

    said = chat.say("잔액")  # open: no call at all, the cached answer at once
    assert said.context["stale"] is True and len(http.calls) == 4
    assert backend.lookup(BIZ).reason == "breaker_open"

    clock.now += 31  # cooldown over: one probe goes through
    http.replace("GET", WALLET_URL, json=wallet_json(paid_cash__balance=50_000))
    said = chat.say("잔액")
    assert said.context["stale"] is False and said.context["paid"]["balance"] == 50_000
    assert len(http.calls) == 5 and backend.breaker.state() == "closed"


def test_failed_probe_reopens_and_only_one_worker_probes(backend, http, clock):
    http.get(WALLET_URL, status=500)
    for _ in range(3):
        backend.lookup(BIZ)
    clock.now += 31
    assert backend.breaker.allow() is True  # this caller holds the probe …
    assert backend.breaker.allow() is False  # … so another worker does not call
    backend.breaker.failure()  # the probe failed
    assert backend.breaker.state() == "open"
    assert backend.lookup(BIZ).outcome == "unavailable"  # nothing cached, nothing called
    assert len(http.calls) == 3


def test_breaker_state_is_shared_by_all_workers(make_app, http, clock):
    one, two = (make_app(env=dict(HTTP_SETTINGS)) for _ in range(2))
    for app in (one, two):
        app.extensions["bot"].services.clock = clock
    http.get(WALLET_URL, status=500)
    for _ in range(3):
        one.extensions["bot"].services.wallet.lookup(BIZ)
    other = two.extensions["bot"].services.wallet
    assert other.breaker.state() == "open"
    assert other.lookup(BIZ).reason == "breaker_open" and len(http.calls) == 3


def test_a_not_found_answer_drops_the_cache(backend, http, redis, app):
    http.get(WALLET_URL, json=wallet_json())
    backend.lookup(BIZ)
    http.replace("GET", WALLET_URL, status=404)
    assert backend.lookup(BIZ).outcome == "not_found"
    assert redis.get(app.extensions["bot"].services.keys.wallet_cache(BIZ)) is None
    assert backend.breaker.state() == "closed"


def test_misconfiguration_stops_the_app_at_start(make_app):
    with pytest.raises(ValueError, match="WALLET_API_URL"):
        make_app(env={"WALLET_BACKEND": "http"})
    with pytest.raises(ValueError, match="WALLET_BACKEND"):
        make_app(env={"WALLET_BACKEND": "ftp"})


def test_timeouts_beyond_the_skill_budget_are_capped(make_app):
    app = make_app(env={**HTTP_SETTINGS, "WALLET_CONNECT_TIMEOUT": "1",
                          "WALLET_READ_TIMEOUT": "5"})
    connect, read = app.extensions["bot"].services.wallet.timeout
    assert 2 * connect + read <= 0.75 * float(app.config["SKILL_BUDGET"]) + 1e-9
    assert connect > 0 and read > 0
    default = make_app(env=dict(HTTP_SETTINGS)).extensions["bot"].services.wallet
    assert default.timeout == (0.3, 0.8)  # within budget: left as configured


class _SlowHandler(BaseHTTPRequestHandler):
    """A wallet service that hangs far longer than the read timeout."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        time.sleep(2.5)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_hanging_service_still_gets_a_polite_reply_inside_the_budget(make_app, http):
    server = _serve(_SlowHandler)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        http.add_passthru(base)  # a real socket on loopback: the real read timeout applies
        app = make_app(env={**HTTP_SETTINGS, "WALLET_API_URL": base})
        app.extensions["bot"].services.merchants.link("u-slow", BIZ, "staff")
        chat = Chat(app, "u-slow")
        started = time.monotonic()
        said = chat.say("잔액")
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert said.template == "wallet/unavailable" and said.context["reason"] == "timeout"
    assert elapsed < 2.0


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_default_backend_is_the_embedded_sandbox(make_app):
    backend = make_app().extensions["bot"].services.wallet
    assert backend.sandbox is True and backend.lookup(BIZ).outcome == "not_found"


def test_calculator_prices_even_when_the_service_fails(chat, http):
    http.get(WALLET_URL, status=502)
    said = chat.say("친구 500명에게 보내면?")
    assert said.template == "wallet/estimate"
    ctx = said.context
    assert ctx["general"]["cost"] == 8_250 and ctx["general"]["broadcasts"] is None
    assert ctx["linked"] is True and ctx["wallet_known"] is False


def test_calculator_uses_the_cached_balance_when_the_service_fails(chat, http):
    http.get(WALLET_URL, json=wallet_json(free_cash__balance=280_000, paid_cash__balance=0))
    chat.say("잔액")
    http.replace("GET", WALLET_URL, body=requests.ReadTimeout())
    ctx = chat.say("500명").context
    assert ctx["stale"] is True and ctx["usable"] == 280_000
    assert ctx["general"]["broadcasts"] == 33  # 280,000 // 8,250
