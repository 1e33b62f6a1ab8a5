"""A frozen Redis (SIGSTOP): one timeout opens the breaker, every other request gets the polite
apology at once, one probe at a time checks, and the bot recovers by itself after SIGCONT.

A real redis-server on a loopback port (tests/redis_server.py), stopped and continued.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from bot.core.redis_breaker import CLOSED, OPEN, RedisBreaker, breaker_of
from tests.support.payloads import make_payload
from tests.support.redis_server import RedisServer

UNAVAILABLE = "점검"  # common/unavailable: "지금 시스템 점검 중이라 …"


@pytest.fixture
def server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    os.kill(server.proc.pid, signal.SIGCONT)  # never leave a stopped process behind
    server.stop()


@pytest.fixture
def app(make_app, server):
    return make_app(REDIS_URL=server.url, REDIS_BREAKER_COOLDOWN=0.5, REDIS_SOCKET_TIMEOUT=0.3)


def _say(client, text: str = "처음으로", user: str = "u-frozen") -> tuple[str, float]:
    started = time.monotonic()
    body = client.post("/skill/fallback", json=make_payload(text, user)).get_json()
    return str(body), time.monotonic() - started


def test_a_frozen_redis_costs_one_timeout_then_apologies_are_instant(app, server):
    client = app.test_client()
    assert UNAVAILABLE not in _say(client)[0]
    os.kill(server.proc.pid, signal.SIGSTOP)
    first, first_took = _say(client)
    assert UNAVAILABLE in first and first_took < 1.0  # one socket timeout (0.3 s), no more
    quick = [_say(client, user=f"u-{i}") for i in range(20)]
    assert all(UNAVAILABLE in body for body, _ in quick)
    assert max(took for _, took in quick) < 0.1  # the breaker answers without Redis
    assert breaker_of(app.extensions["bot"].services.redis).state == OPEN


def test_it_probes_after_the_cooldown_and_recovers_by_itself(app, server):
    client = app.test_client()
    os.kill(server.proc.pid, signal.SIGSTOP)
    _say(client)
    time.sleep(0.6)  # cooldown over: the next request probes (and waits one timeout)
    body, took = _say(client)
    assert UNAVAILABLE in body and 0.25 < took < 1.0
    assert _say(client)[1] < 0.1  # reopened: instant again
    os.kill(server.proc.pid, signal.SIGCONT)
    time.sleep(0.6)
    body, took = _say(client)
    assert UNAVAILABLE not in body and took < 0.5
    assert breaker_of(app.extensions["bot"].services.redis).state == CLOSED


def test_a_stopped_redis_under_parallel_load_answers_everyone_within_a_second(app, server):
    client_errors: list[float] = []
    os.kill(server.proc.pid, signal.SIGSTOP)

    def hammer(n: int) -> None:
        client = app.test_client()
        for i in range(15):
            body, took = _say(client, user=f"u-{n}-{i}")
            if UNAVAILABLE not in body or took >= 1.0:
                client_errors.append(took)
            time.sleep(0.05)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client_errors == []


def test_only_one_probe_at_a_time_and_a_lost_probe_is_replaced():
    now = [100.0]
    breaker = RedisBreaker(cooldown=1.0, probe_ttl=2.0, clock=lambda: now[0])
    a, b = object(), object()
    breaker.timed_out(a)
    with pytest.raises(Exception, match="breaker open"):
        breaker.before(a)
    now[0] += 1.0
    breaker.before(a)  # a probes
    with pytest.raises(Exception, match="breaker open"):
        breaker.before(b)  # b does not, while a's probe is out
    now[0] += 2.5  # a never reported back (its caller died)
    breaker.before(b)  # b takes the probe over
    breaker.answered(a)  # a late answer of the old probe does not close it
    assert breaker.state == OPEN
    breaker.answered(b)
    assert breaker.state == CLOSED
    breaker.before(a)


def test_a_refused_connection_does_not_open_the_breaker(make_app, tmp_path):
    server = RedisServer(tmp_path)
    app = make_app(REDIS_URL=server.url)
    server.stop()  # down, not frozen: connections are refused at once
    client = app.test_client()
    assert UNAVAILABLE in _say(client)[0]
    assert breaker_of(app.extensions["bot"].services.redis).state == CLOSED
