"""Hand-off to a human (Kakao's 상담 연결). Kakao block: 상담원 연결. Templates: operator/*."""

from __future__ import annotations

from bot.conversation.registry import skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services


@skill("operator", read_only=True)
def operator(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Offer the operator button and the centre's contact hours."""
    return Reply.of("operator/connect")
