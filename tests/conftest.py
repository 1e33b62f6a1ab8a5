"""Fixtures: a real Redis flushed around every test, outbound HTTP locked down, a Chat."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import redis as redis_lib
import responses

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each parallel worker counts its own metrics: the directory inherited from the
    # controller would let a scrape in one worker see the other's requests.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix=f"danggol-metrics-{os.environ['PYTEST_XDIST_WORKER']}-")

from bot.app import create_app  # noqa: E402  (after the metrics directory is settled)
from bot.core.config import ROOT, TestConfig  # noqa: E402
from tests.support.kakao import Chat  # noqa: E402

TEST_TEMPLATES = Path(__file__).parent / "templates"


def _worker_index() -> int:
    """pytest-xdist's worker number (gw0 → 0, gw1 → 1); 0 in a plain run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0


def _test_redis_url() -> str:
    """TEST_REDIS_URL, else REDIS_URL's server on db 15 (never the app's db), else embedded.

    Every test flushes its database, so parallel workers (`pytest -n`) never share one: on
    a server each worker takes the next database down (15, 14, …); embedded, each worker
    starts its own server. A cluster has only db 0: TEST_REDIS_URLS names one per worker
    (tests/support/cluster.py --clusters N); a single TEST_REDIS_URL is for serial runs.
    """
    if os.environ.get("TEST_REDIS_URLS"):
        urls = os.environ["TEST_REDIS_URLS"].split(",")
        if _worker_index() >= len(urls):
            raise RuntimeError(f"{_worker_index() + 1} test workers but {len(urls)} Redis URLs")
        return urls[_worker_index()]
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    url = os.environ.get("REDIS_URL")
    if url and not url.startswith("unix:"):
        parts = urlparse(url)
        db = int(os.environ.get("TEST_REDIS_DB", "15")) - _worker_index()
        if db < 1:
            raise RuntimeError("too many test workers for the server's databases")
        return urlunparse(parts._replace(path=f"/{db}"))
    if url:
        return url
    from bot.core.redisconn import embedded_url

    return embedded_url(tempfile.mkdtemp(prefix="danggol-test-redis-"))


def cluster_mode() -> bool:
    """Whether this run talks to a Redis Cluster (`.ci/run`'s pass via tests/support/cluster.py)."""
    return os.environ.get("REDIS_MODE") == "cluster"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a cluster, skip tests marked `no_cluster(reason=...)`, giving their reason."""
    if not cluster_mode():
        return
    for item in items:
        marker = item.get_closest_marker("no_cluster")
        if marker is not None:
            reason = marker.kwargs.get("reason") or "meaningless on a Redis Cluster"
            item.add_marker(pytest.mark.skip(reason=f"Redis Cluster: {reason}"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis every test talks to (real server; see _test_redis_url)."""
    return _test_redis_url()


@pytest.fixture
def rq_redis_url(redis_url: str, tmp_path: Path) -> Iterator[str]:
    """The Redis RQ queues on: the test Redis, or on a cluster a single server of its own."""
    if not cluster_mode():
        yield redis_url
        return
    from tests.support.redis_server import RedisServer

    server = RedisServer(tmp_path)  # RQ cannot use a cluster (README: RQ_REDIS_URL)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def config(redis_url: str) -> TestConfig:
    """Test configuration; tests may `replace()` fields before the app is built."""
    return TestConfig(
        REDIS_URL=redis_url,
        REDIS_MODE="cluster" if cluster_mode() else "single",
        TEMPLATES_DIR=os.pathsep.join([str(ROOT / "templates"), str(TEST_TEMPLATES)]),
    )


@pytest.fixture
def make_app(config: TestConfig):
    """Factory for apps with config overrides; every app's Redis is flushed before and after."""
    apps = []

    def factory(env=None, **overrides):
        """`overrides` replace Config fields; `env` applies variables as the environment would
        (a feature's settings too, as strings)."""
        if overrides.get("REDIS_URL", config.REDIS_URL) != config.REDIS_URL:
            # A test that brings its own Redis brings a single server (support/redis_server.py).
            overrides.setdefault("REDIS_MODE", "single")
        # warm=True, like the server: Kiwi and the FAQ index load here, not in a reply's budget
        app = create_app(replace(config, **overrides).with_env(env or {}), warm=True)
        app.extensions["bot"].services.redis.flushdb()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        bot = app.extensions["bot"]
        try:
            bot.services.redis.flushdb()
        except redis_lib.RedisError:
            pass
        bot.pipeline.close()


@pytest.fixture
def app(make_app):
    """The skill server under test."""
    return make_app()


@pytest.fixture
def redis(app) -> redis_lib.Redis:
    """The app's Redis client (decoded strings)."""
    return app.extensions["bot"].services.redis


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def chat(app) -> Chat:
    """A merchant talking to the bot: `chat.say("잔액")`."""
    return Chat(app)


@pytest.fixture(autouse=True)
def http() -> Iterator[responses.RequestsMock]:
    """Every test runs with `responses`: an unmocked outbound HTTP call fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
        unmatched = [c.request.url for c in mock.calls
                     if isinstance(c.response, Exception)
                     and "Connection refused by Responses" in str(c.response)]
        if unmatched:
            pytest.fail(f"unmocked outbound HTTP call(s): {unmatched}")


_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
    """Allow Unix sockets and loopback only: tests never reach the outside world."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if not (host in ("localhost", "::1") or str(host).startswith("127.")):
            raise AssertionError(f"test tried to connect to {address!r} outside loopback")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse raw socket connections beyond loopback (catches non-requests clients)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
