"""Hand-off to a human (Kakao's 상담 연결). Kakao block: 상담원 연결. Templates: operator/*."""

from __future__ import annotations

from bot.conversation.registry import Vocabulary, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services

# A person asked for, however it is put ("상담원이랑 통화 돼요?" is a request too).
OPERATOR_WORDS = ("상담원", "상담사", "사람이랑", "사람과", "직원연결", "상담연결", "전화상담")


@skill("operator", read_only=True,
       answers_to=Vocabulary(requests=OPERATOR_WORDS, about=False, order=20))
def operator(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Offer the operator button and the centre's contact hours."""
    return Reply.of("operator/connect")
