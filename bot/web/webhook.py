"""HTTP layer: POST /skill/<name> and GET /healthz. Only HTTP concerns live here."""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from bot.conversation.pipeline import Result
from bot.conversation.reply import Reply
from bot.core.keys import user_hash
from bot.kakao import PayloadError, parse_payload
from bot.services import Services

bp = Blueprint("webhook", __name__)
log = logging.getLogger("bot.request")


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                    status=status, mimetype="application/json; charset=utf-8")


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": code, "message": message}, status)


def _authorised(cfg: Any) -> bool:
    secret = cfg.get("KAKAO_SKILL_SECRET")
    if not secret:
        return True
    sent = request.headers.get("X-Skill-Secret", "")
    return hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8"))


def _bot_allowed(cfg: Any, bot_id: str | None) -> bool:
    expected = cfg.get("KAKAO_BOT_ID")
    if not expected:
        return True
    return (bot_id or "").rstrip("!") == expected.rstrip("!")


@bp.post("/skill/<name>")
def skill_endpoint(name: str) -> Response:
    """Answer one Kakao skill call: always HTTP 200 with a valid 2.0 body for Kakao JSON."""
    started = time.perf_counter()
    cfg = current_app.config
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    limit = cfg["MAX_BODY_BYTES"]
    if (request.content_length or 0) > limit:
        return _error(400, "body_too_large", f"body over {limit} bytes")
    if not _authorised(cfg):
        log.warning("rejected: bad skill secret", extra={"request_id": request_id, "skill": name})
        return _error(401, "unauthorized", "missing or wrong X-Skill-Secret header")
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        return _error(400, "body_too_large", f"body over {limit} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", "the body must be a JSON object")
    if not isinstance(body, dict):
        return _error(400, "invalid_json", "the body must be a JSON object")

    bot = current_app.extensions["bot"]
    user = "-"
    try:
        req = parse_payload(body)
    except PayloadError as exc:
        result = Result(Reply.of("common/bad_request"), f"bad_payload:{exc.missing}")
    else:
        user = user_hash(req.user_id)
        if not _bot_allowed(cfg, req.bot_id):
            log.warning("rejected: foreign bot id", extra={"request_id": request_id})
            return _error(403, "forbidden", "this skill server serves another bot")
        result = bot.pipeline.run(name, req)
    body_out = bot.renderer.to_json(result.reply)
    log.info("skill", extra={
        "request_id": request_id, "skill": name, "user": user, "outcome": result.outcome,
        "template": result.reply.template,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
    return Response(body_out, mimetype="application/json; charset=utf-8")


@bp.get("/healthz")
def healthz() -> Response:
    """Load-balancer probe: Redis reachability and the running version."""
    bot = current_app.extensions["bot"]
    try:
        redis_ok = bool(bot.services.redis.ping())
    except Exception:
        redis_ok = False
    body = {"status": "ok" if redis_ok else "degraded", "redis": redis_ok, "version": bot.version}
    return _json(body, 200 if redis_ok else 503)


def init_app(app: Flask, services: Services) -> None:
    """Register the webhook blueprint."""
    app.register_blueprint(bp)
