"""HTTP layer: POST /skill/<name> and GET /healthz. Only HTTP concerns live here."""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

from bot.answers.templating import render_deadline
from bot.conversation.pipeline import Result
from bot.conversation.registry import SKILLS
from bot.conversation.reply import Reply
from bot.core.keys import user_hash
from bot.core.logs import safe_name
from bot.kakao import PayloadError, parse_payload
from bot.kakao.untrusted import needs_cleaning, too_deep
from bot.services import Services

from .flood import FloodGuard

bp = Blueprint("webhook", __name__)
log = logging.getLogger("bot.request")


# X-Request-Id is copied into every log line, so only a plain token is taken from outside.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The answer of very last resort, for when even the pre-rendered apology cannot be sent
# (templates unreadable at start-up or the app half-built): the one merchant-visible text
# kept in Python, because at that point no template can be read.
MINIMAL_RESPONSE = json.dumps({"version": "2.0", "template": {"outputs": [{"simpleText": {
    "text": "죄송해요, 잠시 문제가 생겼어요. 잠시 후 다시 말씀해 주세요."}}]}},
    ensure_ascii=False, separators=(",", ":"))
KAKAO_MIME = "application/json; charset=utf-8"


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                    status=status, mimetype=KAKAO_MIME)


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": code, "message": message}, status)


def request_id_of(header: str | None) -> str:
    """The caller's X-Request-Id when it is a plain token, else a fresh one."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex[:16]


def skill_label(name: str) -> str:
    """A skill name fit for the logs: known names as they are, others masked and cut."""
    return name if name in SKILLS else f"unknown:{safe_name(name)}"


def _authorised(cfg: Any) -> bool:
    secret = cfg.get("KAKAO_SKILL_SECRET")
    if not secret:
        return True
    sent = request.headers.get("X-Skill-Secret", "")
    return hmac.compare_digest(sent.encode("utf-8", "replace"), secret.encode("utf-8"))


def _bot_allowed(cfg: Any, bot_id: str | None) -> bool:
    expected = cfg.get("KAKAO_BOT_ID")
    if not expected:
        return True
    return (bot_id or "").rstrip("!") == expected.rstrip("!")


def _bad_body(bot: Any, code: str) -> Response:
    """HTTP 400 for a body that is no SkillPayload, still with a valid Kakao answer."""
    response = Response(bot.renderer.to_json(Reply.of("common/bad_request")), status=400,
                        mimetype=KAKAO_MIME)
    response.headers["X-Skill-Error"] = code  # machine-readable reason for whoever sent it
    return response


def _last_resort() -> Response:
    """The apology, rendered at start-up; a constant body if even that is unavailable."""
    try:
        body = current_app.extensions["bot"].renderer.last_resort_json()
    except Exception:
        body = MINIMAL_RESPONSE
    return Response(body, mimetype=KAKAO_MIME)


@bp.post("/skill/<name>")
def skill_endpoint(name: str) -> Response:
    """Answer one Kakao skill call: always a valid 2.0 body, never an HTTP 500."""
    started = time.perf_counter()
    request_id = request_id_of(request.headers.get("X-Request-Id"))
    try:
        return _answer(name, request_id, started)
    except Exception:
        # Whatever escaped (a bug, hostile input we did not foresee): Kakao still gets
        # the apology, and the log says what happened.
        log.exception("skill request failed; answering the apology", extra={
            "request_id": request_id, "skill": skill_label(name), "outcome": "crash",
            "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
        g.skill_outcome = "crash"  # counted by bot/web/metrics.py
        return _last_resort()


def _answer(name: str, request_id: str, started: float) -> Response:
    cfg = current_app.config
    bot = current_app.extensions["bot"]
    label = skill_label(name)
    limit = cfg["MAX_BODY_BYTES"]
    if (request.content_length or 0) > limit:
        return _bad_body(bot, "body_too_large")
    if not _authorised(cfg):
        log.warning("rejected: bad skill secret", extra={"request_id": request_id, "skill": label})
        return _error(401, "unauthorized", "missing or wrong X-Skill-Secret header")
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        return _bad_body(bot, "body_too_large")
    if too_deep(raw):
        return _bad_body(bot, "too_deep")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _bad_body(bot, "invalid_json")
    if not isinstance(body, dict):
        return _bad_body(bot, "invalid_json")

    user = "-"
    try:
        req = parse_payload(body, clean=needs_cleaning(raw))  # most bodies need no walk
    except PayloadError as exc:
        result = Result(Reply.of("common/bad_request"), f"bad_payload:{exc.missing}")
    else:
        user = user_hash(req.user_id)
        if not _bot_allowed(cfg, req.bot_id):
            log.warning("rejected: foreign bot id", extra={"request_id": request_id})
            return _error(403, "forbidden", "this skill server serves another bot")
        flood = current_app.extensions.get("flood")
        if flood is None:  # one per worker process, made on its first request
            flood = current_app.extensions.setdefault("flood", FloodGuard.from_config(cfg))
        if not flood.allow(user):
            result = Result(Reply.of("common/slow_down"), "flood")
        else:
            result = bot.pipeline.run(name, req)
    g.skill_outcome = result.outcome  # counted by bot/web/metrics.py
    # The reply is rendered within what is left of the skill budget (templating.deadline).
    with render_deadline(started + float(cfg.get("SKILL_BUDGET", 2.0))):
        body_out = bot.renderer.to_json(result.reply)
    response = Response(body_out, mimetype=KAKAO_MIME)  # encodes here: inside the guard
    log.info("skill", extra={
        "request_id": request_id, "skill": label, "user": user, "outcome": result.outcome,
        "template": result.reply.template,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
    return response


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
