"""자주 묻는 질문. Kakao block: 자주 묻는 질문 (skill `faq`); free text arrives via `fallback`.

The FAQ itself is bot/faq (services.faq): this module shows its menu and lets it
answer the free text the router did not claim. Templates: faq/<id>, faq_ui/*.
"""

from __future__ import annotations

from bot.conversation import router
from bot.conversation.registry import Vocabulary, answers_free_text, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services

# The FAQ menu's own names, typed whole (compared after router.normalise).
MENU_WORDS = ("자주묻는질문", "faq", "질문목록", "자주하는질문", "질문더보기")


@skill("faq", answers_to=Vocabulary(exact=MENU_WORDS, about=False, order=60))
def faq(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the FAQ topics to browse (or answer an entry chip tapped in a block)."""
    return svc.faq.browse(req, session, svc)


@answers_free_text(order=20)
def answer_free_text(req: SkillRequest, session: Session, svc: Services) -> Reply | None:
    """A question the FAQ knows; None (logged as unanswered) when it does not."""
    # A question naming a skill's subject ("친구 800명이면 얼마예요?") gets the FAQ's sure
    # answer only; else the fallback hands it to that skill (router.named).
    sure_only = router.named(req.utterance) is not None
    return svc.faq.answer(req.utterance, req, session, svc, sure_only=sure_only)
