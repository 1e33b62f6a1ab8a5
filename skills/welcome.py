"""Greeting and main menu. Kakao block: 웰컴 블록. Templates: welcome/*."""

from __future__ import annotations

from bot.conversation.registry import Vocabulary, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services

# Whole messages that open the main menu (compared after router.normalise).
MENU_WORDS = ("처음으로", "메뉴", "메인메뉴", "시작", "홈", "처음", "안녕", "안녕하세요",
              "안녕하세여", "안녕하십니까", "하이", "헬로", "hi", "hello", "반가워요", "반갑습니다")


@skill("welcome", read_only=True,
       answers_to=Vocabulary(exact=MENU_WORDS, about=False, order=10))
def welcome(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Greet the merchant and show the main menu."""
    return Reply.of("welcome/greeting", {"is_friend": req.is_friend})
