"""Questions about the notice (or the list) just shown: what, who, when, how, where to ask.

Right after a notice's detail or a list, the next few messages are about it: "마감 언제에요?",
"저도 신청되나요 이거", "라이브커머스가 뭔데요", "이거 쉽게 설명좀", "세번째꺼 자세히", "부산",
"지역 선택". skills/notices.py remembers what it showed (session.data[SUBJECT_KEY], with its
time); for SUBJECT_SECONDS the fallback asks this module right after the list reference
("2번 자세히") and before the FAQ. Answers come only from the notice's own fields (templates
notices/about, notices/about_list); a question the notice does not answer is left to the FAQ.
"""

from __future__ import annotations

from typing import Any

from bot.conversation import korean, router
from bot.conversation.registry import answers_free_text
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.core.clock import today_of
from bot.kakao import SkillRequest
from bot.notices.store import CATEGORIES, Notice, index_tokens, notice_context, region_of
from bot.services import Services
from skills import notices as nt

SUBJECT_SECONDS = 600  # the subject is forgotten after 10 quiet minutes
MAX_WORDS = 8  # a longer message is a question of its own, not about "this"

# Matching keywords (compared after router.normalise: no spaces). The first aspect whose
# words appear wins, so "언제까지 신청해요" is about the deadline, not how to apply.
ASPECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("when", ("마감", "언제까지", "기한", "기간", "언제", "며칠", "디데이", "날짜")),
    ("contact", ("문의", "전화", "연락", "담당", "물어보")),
    ("how", ("어떻게신청", "신청방법", "신청하는법", "어디서신청", "접수방법", "어떻게해", "방법",
             "서류", "어디서", "어디로")),
    ("who", ("저도", "나도", "우리도", "저희도", "대상", "누가", "자격", "해당되", "해당돼",
             "신청되", "신청돼", "신청할수있", "받을수있", "가능한가", "가능해", "가능할까")),
    ("what", ("뭔데", "뭐예요", "뭐에요", "뭔가요", "뭐야", "뭐죠", "무슨", "무엇", "설명", "쉽게",
              "내용", "뜻", "어떤거", "어떤건")),
)
# "It": the message points at what was just shown.
DEICTIC = ("이거", "이건", "이게", "그거", "그건", "그게", "이공고", "그공고", "이사업", "여기",
           "저도", "나도", "우리도", "저희도")
# Morphemes that only say which part is asked about (korean.tokens output): not a topic.
ASPECT_TOKENS = frozenset((
    "마감", "언제", "기한", "기간", "며칠", "날짜", "문의", "전화", "연락", "연락처", "담당",
    "어떻게", "어떡", "방법", "어디", "서류", "누구", "누가", "대상", "자격", "해당", "설명",
    "쉽", "내용", "뜻", "뭐", "무엇", "무슨", "어떤", "이거", "이건", "그거", "좀", "까지",
    "접수", "디데이", "가능", "물어보", "물", "되", "하", "있", "없", "수", "저희", "우리",
))
# "문의는 어디로" asks where to ask, not how: said before ASPECTS are read.
CONTACT_FIRST = ("문의", "연락처", "전화번호")
# What a term question ends with: "라이브커머스가 뭔데요", "스마트오더란".
_TERM_ENDINGS = ("가", "이", "은", "는", "란", "이란", "이라는게", "라는게", "라는")
REGION_SUFFIXES = ("", "요", "이요", "지역", "지역이요", "지역요", "에요", "이에요", "쪽", "쪽이요")


def subject(session: Session, now: float) -> dict[str, Any] | None:
    """What was shown last ({"id": notice or None for the list}), while it is recent."""
    memory = session.data.get(nt.SUBJECT_KEY)
    if not isinstance(memory, dict):
        return None
    at = memory.get("at")
    if not isinstance(at, int | float) or not 0 <= now - at <= SUBJECT_SECONDS:
        return None
    return memory


def aspect_of(key: str) -> str | None:
    """Which part of a notice the message asks about (key: router.normalise'd text)."""
    if any(word in key for word in CONTACT_FIRST):
        return "contact"
    for aspect, words in ASPECTS:
        if any(word in key for word in words):
            return aspect
    return None


@answers_free_text(order=11)  # after '2번 자세히' (10), before the FAQ (20)
def answer_followup(req: SkillRequest, session: Session, svc: Services) -> Reply | None:
    """For the fallback: a region or menu word, or a question about "it" (what was shown)."""
    now = svc.clock()
    memory = subject(session, now)
    if memory is None:
        return None
    key = router.normalise(req.utterance)
    if not key or len(req.utterance.split()) > MAX_WORDS:
        return None
    if _is_region(req.utterance, key) or _is_menu(key):
        return nt.notices(req, session, svc)  # "부산", "지역 선택": the list, filtered
    aspect = aspect_of(key)
    if aspect is None:
        return None
    notice = _notice(memory, session, svc)
    if notice is not None:
        if not _about(notice, req.utterance, key):
            return None
        memory["at"] = now  # the subject lives on while the merchant keeps asking
        context = notice_context(notice, today_of(now))
        return Reply.of("notices/about", {**context, "aspect": aspect})
    if aspect in ("when", "who") and _deictic_or_short(key, req.utterance):
        return _about_list(aspect, session, svc)
    return None


def _notice(memory: dict[str, Any], session: Session, svc: Services) -> Notice | None:
    """The notice shown last, or the only notice of the list shown last."""
    store = nt._store(svc)
    if memory.get("id"):
        found = store.get(str(memory["id"]))
        return found if found is not None and not found.hidden else None
    shown = _shown(session, svc)
    return store.get(shown[0]) if len(shown) == 1 else None


def _shown(session: Session, svc: Services) -> list[str]:
    """The ids of the list page shown last."""
    query = nt._last_query(session)
    if query is None:
        return []
    size = nt._page_size(svc)
    ids = nt._store(svc).query(query, today_of(svc.clock()))
    return ids[(query.page - 1) * size:][:size]


def _deictic_or_short(key: str, text: str) -> bool:
    """"이거 …", "저도 …", or a few words only ("마감 언제에요?")."""
    return any(word in key for word in DEICTIC) or len(text.split()) <= 3


def _about(notice: Notice, text: str, key: str) -> bool:
    """Whether the question is about this notice rather than something else.

    "이거"/"저도" point at it; a term from the notice ("라이브커머스가 뭔데요") names it; a
    question naming nothing but the part asked ("마감 언제에요?", "어떻게 신청해요?") can only
    mean it. One that names another topic ("무상캐시 유효기간은요?") is the FAQ's.
    """
    if any(word in key for word in DEICTIC):
        return True
    words = [w for w in korean.tokens(text)
             if w not in nt.STOP_TOKENS and w not in ASPECT_TOKENS and len(w) > 1]
    if not words:
        return True
    own = set(index_tokens(notice))
    return any(w in own or w in notice.title or w in notice.summary for w in words)


def _is_region(text: str, key: str) -> bool:
    """A 지역 and nothing else: "부산", "부산이요", "부산 지역", "서울특별시"."""
    region = region_of(text)
    if region is None:
        return False
    for suffix in sorted(REGION_SUFFIXES, key=len, reverse=True):
        head = key[:len(key) - len(suffix)] if suffix and key.endswith(suffix) else key
        if (suffix == "" or key.endswith(suffix)) and head and len(head) <= 7 and \
                region_of(head) == region:
            return True
    return False


def _is_menu(key: str) -> bool:
    """A list menu word typed: 지역 선택, 분야 선택, 다음 공고, 전체 공고, or a bare 분야."""
    words = (*nt.REGION_MENU_WORDS, *nt.CATEGORY_MENU_WORDS, *nt.ALL_WORDS, "다음공고",
             "더보기", "공고더보기")
    return any(word in key for word in words) or key in CATEGORIES


def _about_list(aspect: str, session: Session, svc: Services) -> Reply | None:
    """The deadline (or who may apply) of each notice on the page just shown."""
    shown = _shown(session, svc)
    if not shown:
        return None
    today = today_of(svc.clock())
    listed = [{**notice_context(n, today), "number": i}
              for i, n in enumerate(nt._store(svc).many(shown), 1)]
    return Reply.of("notices/about_list", {"notices": listed, "aspect": aspect})
