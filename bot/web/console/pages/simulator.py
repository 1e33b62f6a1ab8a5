"""/console/simulator: a KakaoTalk-like chat with the real pipeline, as a test user.

Each turn goes through the same pipeline and renderer as Kakao's calls (only the
HTTP layer is skipped); beside it the console shows the templates rendered, the
skill, the outcome and the session/form state afterwards.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import redirect, render_template, request, url_for

from ....answers.render import reply_rendered
from ....conversation import router, simulator
from ....conversation.reply import Reply
from ....kakao import PayloadError, parse_payload
from .. import access
from ..auth import actor, area
from ..blueprint import bp

AREA = "simulator"
KEEP_TURNS = 60  # turns of transcript kept per test user
TRANSCRIPT_TTL = 24 * 3600
NAME = re.compile(r"^[\w가-힣 .-]{1,20}$")


def _sim_name(raw: str | None) -> str:
    name = (raw or "").strip() or "테스트"
    return name if NAME.match(name) else "테스트"


def user_key(name: str) -> str:
    """The fake Kakao user key of a console test user (never a real merchant's)."""
    return simulator.sim_user_id(f"console:{name}")


def _key(name: str) -> str:
    return access.services().keys.console_chat(actor(), user_key(name))


def transcript(name: str) -> list[dict[str, Any]]:
    """The turns of this account's chat with a test user, oldest first."""
    raw = access.services().redis.lrange(_key(name), 0, -1)
    return [json.loads(r) for r in raw]


def converse(name: str, text: str, extra: dict[str, Any] | None, skill: str) -> dict[str, Any]:
    """One message through the pipeline; the turn as the page shows it."""
    bot = access.bot()
    uid = user_key(name)
    replies: list[Reply] = []

    def heard(_sender: Any, reply: Reply | None = None, **_: Any) -> None:
        replies.append(reply)

    try:
        req = parse_payload(simulator.payload(text, uid, extra))
    except PayloadError:
        result_reply, outcome = Reply.of("common/bad_request"), "bad_payload"
    else:
        result = bot.pipeline.run(skill, req)
        result_reply, outcome = result.reply, result.outcome
    with reply_rendered.connected_to(heard, sender=bot.renderer):
        response = bot.renderer.to_kakao(result_reply)
    session = bot.services.sessions.load(uid)
    turn = {
        "text": text if skill == "fallback" else None, "skill": skill, "outcome": outcome,
        "route": router.route(text) if skill == "fallback" else None,
        "templates": [p.template for p in result_reply.parts],
        "response": response,
        "dialog": session.dialog,
        "data": {k: v for k, v in session.data.items() if not k.startswith("_")},
    }
    svc = access.services()
    with svc.redis.pipeline(transaction=True) as pipe:
        pipe.rpush(_key(name), json.dumps(turn, ensure_ascii=False, default=str))
        pipe.ltrim(_key(name), -KEEP_TURNS, -1)
        pipe.expire(_key(name), TRANSCRIPT_TTL)
        pipe.execute()
    return turn


def reset(name: str) -> None:
    """Forget the test user's session, drafts and transcript (like `/reset` in flask chat)."""
    svc = access.services()
    uid = user_key(name)
    svc.sessions.clear(uid)
    for key in svc.redis.scan_iter(svc.keys.draft(uid, "*")):
        svc.redis.delete(key)
    svc.redis.delete(_key(name))


@bp.get("/simulator")
@area(AREA)
def simulator_page() -> str:
    """The chat with one test user; opens with the welcome block on a fresh start."""
    name = _sim_name(request.args.get("user"))
    turns = transcript(name)
    if not turns:
        turns = [converse(name, simulator.OPENING, None, "welcome")]
    return render_template("console/simulator.html", name=name, turns=turns,
                           tap=url_for("console.simulator_say", user=name))


@bp.post("/simulator/say")
@area(AREA)
def simulator_say() -> Any:
    """A typed message or a tapped button: the new turn (htmx) or the whole page."""
    name = _sim_name(request.args.get("user") or request.form.get("user"))
    text = (request.form.get("text") or "").strip()[:1000]
    try:
        extra = json.loads(request.form.get("extra") or "{}")
    except ValueError:
        extra = {}
    if text:
        turn = converse(name, text, extra if isinstance(extra, dict) else {}, "fallback")
    else:
        turn = None
    if request.headers.get("HX-Request"):
        if turn is None:
            return ""
        return render_template("console/_turn.html", turn=turn, oob=True,
                               tap=url_for("console.simulator_say", user=name))
    return redirect(url_for("console.simulator_page", user=name))


@bp.post("/simulator/reset")
@area(AREA)
def simulator_reset() -> Any:
    """Start over with the same test user."""
    name = _sim_name(request.form.get("user"))
    reset(name)
    return redirect(url_for("console.simulator_page", user=name))
