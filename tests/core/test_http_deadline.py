"""The total deadline of outbound calls, against real dripping servers on loopback."""

from __future__ import annotations

import pytest
import requests

from bot.core.http_deadline import DeadlineExceeded, call, deadline_in
from tests.support.slow_http import DripServer, timed


@pytest.fixture(autouse=True)
def _loopback(http):
    """Real sockets: let `responses` pass loopback calls through."""
    http.add_passthru("http://127.0.0.1")


def test_a_dripping_body_is_cut_at_the_deadline():
    with DripServer(interval=0.5) as server:
        # The read timeout alone never fires: every byte comes within 0.8 s.
        result, took = timed(call, requests.Session(), "GET", server.base + "/x",
                             deadline=deadline_in(1.0), timeout=(0.3, 0.8))
    assert isinstance(result, DeadlineExceeded) and isinstance(result, requests.Timeout)
    assert 0.9 <= took < 1.4


def test_dripping_headers_are_cut_at_the_deadline_too():
    with DripServer(interval=0.3, drip_headers=True) as server:
        result, took = timed(call, None, "POST", server.base + "/x", json={"a": 1},
                             deadline=deadline_in(0.8), timeout=(0.3, 0.8))
    assert isinstance(result, DeadlineExceeded)
    assert took < 1.2


def test_a_quick_answer_passes_and_the_session_is_reused():
    session = requests.Session()
    with DripServer({"ok": True}, interval=0) as server:
        for _ in range(3):
            response = call(session, "GET", server.base + "/x", deadline=deadline_in(2),
                            timeout=(0.3, 0.8))
            assert response.status_code == 200 and response.json() == {"ok": True}
    assert server.requests_seen == 3


def test_the_read_timeout_still_applies_within_the_deadline():
    with DripServer(delay=3) as server:
        result, took = timed(call, None, "GET", server.base + "/x", deadline=deadline_in(5),
                             timeout=(0.3, 0.4))
    assert isinstance(result, requests.ReadTimeout) and not isinstance(result, DeadlineExceeded)
    assert took < 1.0


def test_no_time_left_sends_nothing():
    with DripServer(interval=0) as server:
        result, took = timed(call, None, "GET", server.base + "/x",
                             deadline=deadline_in(-0.1), timeout=(0.3, 0.8))
    assert isinstance(result, DeadlineExceeded) and server.requests_seen == 0


def test_the_error_names_the_host_only():
    with DripServer(interval=0.5) as server:
        result, _ = timed(call, None, "GET", server.base + "/wallets/1208147521",
                          deadline=deadline_in(0.5), timeout=(0.3, 0.8))
    assert "1208147521" not in str(result) and "127.0.0.1" in str(result)
