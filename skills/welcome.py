"""Greeting and main menu. Kakao block: 웰컴 블록. Templates: welcome/*."""

from __future__ import annotations

from bot.conversation.registry import skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services


@skill("welcome", read_only=True)
def welcome(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Greet the merchant and show the main menu."""
    return Reply.of("welcome/greeting", {"is_friend": req.is_friend})
