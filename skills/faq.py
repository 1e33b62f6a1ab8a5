"""자주 묻는 질문. Kakao block: 자주 묻는 질문 (skill `faq`); free text arrives via `fallback`.

The FAQ itself is bot/faq (services.faq): this module shows its menu and lets it
answer the free text the router did not claim. Templates: faq/<id>, faq_ui/*.
"""

from __future__ import annotations

from bot.conversation.registry import answers_free_text, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services


@skill("faq")
def faq(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the FAQ topics to browse (or answer an entry chip tapped in a block)."""
    return svc.faq.browse(req, session, svc)


@answers_free_text(order=20)
def answer_free_text(req: SkillRequest, session: Session, svc: Services) -> Reply | None:
    """A question the FAQ knows; None (logged as unanswered) when it does not."""
    return svc.faq.answer(req.utterance, req, session, svc)
