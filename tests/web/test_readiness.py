"""GET /readyz names the dependency that is down; /healthz stays the cheap liveness probe."""

from __future__ import annotations

import os
import signal
import time

from bot.core.config import ROOT
from tests.support.redis_server import RedisServer
from tests.support.wallet_helpers import HTTP_SETTINGS


def test_all_ready(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ready" and body["down"] == []
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["wallet"] == {"ok": True, "backend": "sandbox"}
    assert body["checks"]["templates"] == {"ok": True, "failing": [], "serving_last_good": []}


def test_a_frozen_redis_is_not_ready_and_named(make_app, tmp_path):
    server = RedisServer(tmp_path)
    app = make_app(REDIS_URL=server.url, REDIS_BREAKER_COOLDOWN=5.0)
    client = app.test_client()
    try:
        assert client.get("/readyz").status_code == 200
        os.kill(server.proc.pid, signal.SIGSTOP)
        started = time.monotonic()
        first = client.get("/readyz")
        second = client.get("/readyz")
        took = time.monotonic() - started
        assert first.status_code == second.status_code == 503
        assert first.get_json()["down"][0] == "redis"
        assert second.get_json()["checks"]["redis"]["error"] == "breaker_open"
        assert took < 1.0  # one socket timeout, then the breaker answers
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
        server.stop()


def test_an_open_wallet_breaker_is_degraded_but_ready(make_app, http):
    app = make_app(env=dict(HTTP_SETTINGS))
    breaker = app.extensions["bot"].services.wallet.breaker
    for _ in range(3):
        breaker.failure()
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["down"] == ["wallet"] and body["checks"]["wallet"]["breaker"] == "open"


def test_a_template_that_never_loaded_is_not_ready(make_app, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "broken.yaml").write_text("text: [unclosed\n", encoding="utf-8")
    app = make_app(TEMPLATES_DIR=os.pathsep.join([str(tmp_path), str(ROOT / "templates")]))
    app.extensions["bot"].templates.warm()
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["down"] == ["templates"]
    assert body["checks"]["templates"]["failing"] == ["x/broken"]
