"""Greeting and main menu. Kakao block: 웰컴 블록. Templates: welcome/*."""

from __future__ import annotations

from bot.kakao import SkillRequest
from bot.pipeline import Services
from bot.registry import skill
from bot.reply import Reply
from bot.session import Session


@skill("welcome", read_only=True)
def welcome(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Greet the merchant and show the main menu."""
    return Reply.of("welcome/greeting", {"is_friend": req.is_friend})
