"""GET /readyz: which dependency is down, as JSON; 200 when this instance can answer, else 503.

/healthz stays the cheap liveness probe. Readiness looks at each dependency:
- redis: the per-process breaker (an open breaker is reported at once, without waiting on
  a frozen Redis) and a PING within the socket timeout. Down → 503: without Redis no
  conversation works (merchants get the polite apology).
- wallet: the wallet service's breaker (shared in Redis); open or half-open is reported as
  degraded with 200, because merchants still get the cached balance or a polite apology
  and every instance shares that breaker: failing readiness on it would take all of them
  out of the load balancer at once.
- templates: files that do not load. A file served from its last good version is degraded
  (200); a file with no good version fails its answers, so that is 503 — typically a bad
  deploy that should not take traffic.
"""

from __future__ import annotations

import json
from typing import Any

import redis
from flask import Blueprint, Flask, Response, current_app

from bot.conversation.pipeline import REDIS_FAILURES
from bot.core.redis_breaker import OPEN, breaker_of
from bot.services import Services

bp = Blueprint("readiness", __name__)


def _redis(client: redis.Redis) -> dict[str, Any]:
    breaker = breaker_of(client)
    info: dict[str, Any] = {"breaker": breaker.snapshot() if breaker else None}
    if breaker is not None and breaker.state == OPEN:
        return {**info, "ok": False, "error": "breaker_open"}
    try:
        client.ping()
    except REDIS_FAILURES as exc:
        return {**info, "ok": False, "error": type(exc).__name__}
    return {**info, "ok": True}


def _wallet(services: Services) -> dict[str, Any]:
    backend = services.wallet
    breaker = getattr(backend, "breaker", None)
    if backend is None or breaker is None:
        return {"ok": True, "backend": "sandbox" if getattr(backend, "sandbox", False)
                else None}
    try:
        state = breaker.state()
    except redis.RedisError:
        return {"ok": False, "backend": "http", "breaker": "unknown"}
    return {"ok": state == "closed", "backend": "http", "breaker": state}


def _templates(store: Any) -> dict[str, Any]:
    problems = store.problems()
    failing = [p.name for p in problems if not p.serving_last_good]
    stale = [p.name for p in problems if p.serving_last_good]
    return {"ok": not problems, "failing": failing, "serving_last_good": stale}


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: one entry per dependency; 503 only when this instance cannot answer."""
    bot = current_app.extensions["bot"]
    checks = {"redis": _redis(bot.services.redis), "wallet": _wallet(bot.services),
              "templates": _templates(bot.templates)}
    down = [name for name, check in checks.items() if not check["ok"]]
    fatal = not checks["redis"]["ok"] or bool(checks["templates"]["failing"])
    status = "not_ready" if fatal else ("degraded" if down else "ready")
    body = {"status": status, "down": down, "checks": checks, "version": bot.version}
    return Response(json.dumps(body, ensure_ascii=False), status=503 if fatal else 200,
                    mimetype="application/json; charset=utf-8")


def init_app(app: Flask, services: Services) -> None:
    """Register GET /readyz."""
    app.register_blueprint(bp)
