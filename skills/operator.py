"""Hand-off to a human (Kakao's 상담 연결). Kakao block: 상담원 연결. Templates: operator/*."""

from __future__ import annotations

from bot.kakao import SkillRequest
from bot.pipeline import Services
from bot.registry import skill
from bot.reply import Reply
from bot.session import Session


@skill("operator", read_only=True)
def operator(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Offer the operator button and the centre's contact hours."""
    return Reply.of("operator/connect")
