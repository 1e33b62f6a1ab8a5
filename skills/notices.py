"""지원사업 공고 for merchants: list, filter, page, search, explain, and notice alerts.

Kakao blocks: 지원사업 공고 (skill `notices`; the fallback routes 공고/지원사업/정책자금/
알림 받기/알림 끄기 here too) and 공고 상세 (skill `notice`). Templates: notices/*.
Our buttons carry clientExtra {"notices": {...}} (filters, page, menu, subscribe) or
{"notice_id": ...}; their message texts also work when typed, through the router.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, replace
from functools import lru_cache
from typing import Any

from bot.conversation import korean, router
from bot.conversation.registry import SKILLS, Vocabulary, answers_free_text, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.core.clock import today_of
from bot.kakao import SkillRequest
from bot.notices.store import (
    CATEGORIES,
    CATEGORY_SYNONYMS,
    NATIONWIDE,
    OTHER_CATEGORY,
    REGIONS,
    Notice,
    NoticeStore,
    Query,
    notice_context,
    region_of,
    without_regions,
)
from bot.services import Services
from skills.fallback import AWAITING

log = logging.getLogger(__name__)

EXTRA = "notices"  # clientExtra key of our quick replies
EXTRA_ID = "notice_id"  # clientExtra key of a "자세히 보기" button
SKILL = "notices"
SESSION_KEY = "notices"  # the last listing, for a typed "다음 공고"
# session.data: what was shown last — {"id": a notice, or None for the list, "at": time}. The
# next few questions are about it (skills/notice_followup.py).
SUBJECT_KEY = "notice_subject"
PREFS_TTL = 400 * 24 * 3600  # the remembered 지역 lives as long as the user profile

# -- matching keywords (compared after router.normalise: no spaces, lower case) ---------------
NEXT_WORDS = ("다음",)
UNSUBSCRIBE_WORDS = ("알림끄기", "알림꺼", "알림해제", "알림중지", "알림그만", "알림취소",
                     "수신거부", "알림안받")
SUBSCRIBE_WORDS = ("알림받기", "알림받을", "알림신청", "알림설정", "알림켜")
CONSENT_WORDS = ("동의",)
# The consent chips' labels typed instead of tapped ("모든 분야 동의", "금융 동의").
CHIP_CONSENT_WORDS = ("분야동의", *(f"{c}동의" for c in CATEGORIES))
# After the alerts offer, a plain yes means every 분야 (the first chip).
YES_TO_OFFER = frozenset(("네", "예", "넵", "응", "좋아요", "동의", "동의해요", "동의합니다",
                          "동의할게요", "받을게요", "받을래요", "모든분야", "전체"))
CATEGORY_MENU_WORDS = ("분야선택", "분야별", "분야고르")
REGION_MENU_WORDS = ("지역선택", "지역별", "지역고르", "지역변경", "지역바꾸")
REGION_MORE_WORDS = ("다른지역",)
ALL_WORDS = ("전체공고", "모든공고", "전체분야", "모든분야", "공고전체")
# What the fallback's router sends here: the alerts asked for (even as a question), and the
# notices' subject, which a command asks for ("공고 보여줘") and a question asks the FAQ
# about first ("지원사업 공고는 어디서 봐요?").
ALERT_WORDS = tuple(w for w in (*UNSUBSCRIBE_WORDS, *SUBSCRIBE_WORDS) if w.startswith("알림"))
NOTICE_TOPICS = ("지원사업공고", "공고", "지원사업", "정책자금", "대출지원")
# "수신거부" is the merchant's own opt-out of the alerts, unless the message is about their
# customers opting out of the merchant's ads (광고 규칙: the FAQ's, never the alerts').
OPT_OUT_WORD = "수신거부"
CUSTOMER_WORDS = ("손님", "고객", "광고", "단골", "구독자", "친구들")
# "공고 뭐 있어?", "대출 지원 있나요?": asking what is open is asking for the list.
_WHAT_IS_OPEN = re.compile(r"(뭐|무슨|어떤거|어떤게)?"
                           r"(있어|있나|있어요|있나요|있습니까|있을까요|없어|없나요)$")
MAX_LIST_REQUEST_WORDS = 5


def _opts_out_of_alerts(text: str) -> bool:
    key = router.normalise(text)
    return OPT_OUT_WORD in key and not _has(key, CUSTOMER_WORDS)


def _asks_what_is_open(text: str) -> bool:
    key = router.normalise(text)
    return (len(text.split()) <= MAX_LIST_REQUEST_WORDS and _has(key, NOTICE_TOPICS)
            and bool(_WHAT_IS_OPEN.search(key)))
# Morphemes that say "show me notices" rather than what about (korean.tokens output).
STOP_TOKENS = frozenset((
    "공고", "공고문", "지원사업", "지원", "사업", "있", "없", "알리", "알", "보이", "보", "주",
    "하", "되", "다음", "상세", "목록", "신청", "뭐", "무엇", "어떤", "어떻", "좀", "것", "거",
    "수", "관련", "정보", "찾", "싶", "받", "궁금", "요즘", "지금", "현재", "최근", "이번", "올해",
    "소상공인", "사장", "사장님", "저", "제", "나", "우리", "전체", "모든", "모두", "분야", "지역",
    "선택", "혜택", "프로그램", "알림", "가능", "해당", "그", "이", "더", "또", "요",
))
# Words that make a short free-text message a notice search even without 공고/지원사업.
TOPIC_WORDS = frozenset((
    *[c for c in CATEGORIES if c != OTHER_CATEGORY],
    *[w for words in CATEGORY_SYNONYMS.values() for w in words],
    "교육", "정책", "판로", "마케팅", "디지털", "수출", "재창업", "컨설팅",
))
MAX_TOPIC_TOKENS = 3  # longer messages are questions for the FAQ, not a search
REGION_PAGES = ((NATIONWIDE, "서울", "경기", "인천", "부산", "대구", "광주", "대전", "울산"),
                ("세종", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"))
_NOTICE_ID = re.compile(r"(?<![A-Za-z0-9_])([A-Z]{2,10}_[A-Za-z0-9_\-]{2,50})")
# A typed reference to the list just shown: "자세히 보기", "2번 자세히", "두 번째 공고 보여줘".
_ORDINALS = ("첫", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열")
_LIST_REFERENCE = re.compile(
    r"^(?:(\d{1,2})번|(" + "|".join(_ORDINALS) + r")번?째)?(?:공고|거|것|꺼|껏|걸)?"
    r"(?:를|을|은|는)?(?:좀)?"
    r"(?P<detail>자세히|상세|자세한내용|상세내용|내용)?"
    r"(?:보기|볼래요|볼게요|보여줘|보여주세요|보여줘요|알려줘|알려주세요|알려줘요|봐줘|요)?$")


def _store(svc: Services) -> NoticeStore:
    return svc.notices


def _page_size(svc: Services) -> int:
    return max(1, min(10, svc.features.notices.page_size))


# -- the remembered region ---------------------------------------------------------------------
def remembered_region(svc: Services, user_id: str, session: Session | None = None
                      ) -> str | None:
    """The 지역 this merchant chose last (kept beyond the short-lived session).

    Read from `session.fetched` when the pipeline brought the prefs with the lock.
    """
    key = svc.keys.notice_prefs(user_id)
    fields = session.fetched.get(key) if session is not None else None
    if fields is not None:
        return fields.get("region") or None
    return svc.redis.hget(key, "region") or None


def remember_region(svc: Services, user_id: str, region: str) -> None:
    """Keep the merchant's 지역 for later listings and alert subscriptions."""
    key = svc.keys.notice_prefs(user_id)
    pipe = svc.redis.pipeline(transaction=False)
    pipe.hset(key, mapping={"region": region, "updated_at": f"{svc.clock():.0f}"})
    pipe.expire(key, PREFS_TTL)
    pipe.execute()


# -- reading the request -----------------------------------------------------------------------
def _has(key: str, words: tuple[str, ...]) -> bool:
    return any(word in key for word in words)


def _extra(req: SkillRequest) -> dict[str, Any]:
    value = req.client_extra.get(EXTRA) if req.client_extra else None
    return value if isinstance(value, dict) else {}


def notice_id_in(req: SkillRequest) -> str | None:
    """The notice a button or message points at: clientExtra, a block param, or the text."""
    for value in (req.client_extra.get(EXTRA_ID) if req.client_extra else None,
                  req.param(EXTRA_ID)):
        if isinstance(value, str) and value.strip():
            return value.strip()
    match = _NOTICE_ID.search(req.utterance or "")
    return match.group(1) if match else None


@lru_cache(maxsize=1024)
def search_words(text: str) -> tuple[str, ...]:
    """What a message asks about: its content morphemes minus 'show me'-words and 지역.

    Kept per process for the texts seen most: most requests are the menu's own words
    ("지원사업 공고", "공고 더 보기"), and a Kiwi analysis costs more than the listing.
    """
    words = [t for t in korean.tokens(without_regions(text)) if t not in STOP_TOKENS]
    return tuple(dict.fromkeys(words))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _last_query(session: Session) -> Query | None:
    """The listing this session showed last (its page included), if it remembers one."""
    last = session.data.get(SESSION_KEY)
    if not isinstance(last, dict):
        return None
    return Query(last.get("category"), last.get("region"), tuple(last.get("words") or ()),
                 _int(last.get("page"), 1), str(last.get("label") or ""))


def _query_from(req: SkillRequest, session: Session, svc: Services) -> tuple[Query, bool]:
    """The listing asked for, and whether the 지역 was given now (to remember it)."""
    extra, key = _extra(req), router.normalise(req.utterance)
    if {"category", "region", "q", "page"} & set(extra):
        category = extra.get("category") if extra.get("category") in CATEGORIES else None
        region = extra.get("region") if extra.get("region") in (*REGIONS, NATIONWIDE) else None
        label = str(extra.get("q") or "").strip()
        page = max(1, _int(extra.get("page"), 1))
        return Query(category, region, search_words(label), page, label), bool(region)
    last = _last_query(session)
    if _has(key, NEXT_WORDS) and last is not None:
        return replace(last, page=last.page + 1), False
    region = region_of(req.utterance)
    words = () if _has(key, ALL_WORDS) else search_words(req.utterance)
    if len(words) == 1 and words[0] in CATEGORIES:
        return Query(words[0], region), region is not None
    joined = "".join(words)
    label = joined if joined in key else " ".join(words)
    return Query(None, region, words, 1, label), region is not None


# -- answers -----------------------------------------------------------------------------------
def show_list(query: Query, req: SkillRequest, session: Session, svc: Services) -> Reply:
    """A carousel page of open notices for the filters, soonest deadline first."""
    today = today_of(svc.clock())
    store = _store(svc)
    ids = store.query(query, today)
    size = _page_size(svc)
    pages = max(1, -(-len(ids) // size))
    page = min(query.page, pages)
    shown = store.many(ids[(page - 1) * size:page * size])
    session.data[SESSION_KEY] = {**asdict(query), "words": list(query.words), "page": page}
    session.data[SUBJECT_KEY] = {"id": None, "at": svc.clock()}
    context = {
        "notices": [notice_context(n, today) for n in shown],
        "total": len(ids), "page": page, "pages": pages, "first": (page - 1) * size + 1,
        "last": (page - 1) * size + len(shown), "has_more": page < pages, "next_page": page + 1,
        "category": query.category or "", "region": query.region or "",
        "q": query.label or " ".join(query.words),
        "any_sample": any(n.source == "sample" for n in shown),
    }
    return Reply.of("notices/list" if shown else "notices/empty", context)


def show_detail(notice_id: str, svc: Services, session: Session | None = None) -> Reply:
    """One notice explained in plain words (closed ones say so); it becomes the subject."""
    notice: Notice | None = _store(svc).get(notice_id)
    if notice is None or notice.hidden:
        return Reply.of("notices/not_found", {"id": notice_id})
    if session is not None:
        session.data[SUBJECT_KEY] = {"id": notice.id, "at": svc.clock()}
    return Reply.of("notices/detail", notice_context(notice, today_of(svc.clock())))


def pick_category(region: str | None) -> Reply:
    """Quick replies to filter by 분야."""
    return Reply.of("notices/pick_category", {"categories": list(CATEGORIES),
                                              "region": region or ""})


def pick_region(more: bool, region: str | None) -> Reply:
    """Quick replies to filter by 지역 (two pages: Kakao shows at most 10 chips)."""
    return Reply.of("notices/pick_region", {"regions": list(REGION_PAGES[1 if more else 0]),
                                            "more": more, "region": region or ""})


def offer_alerts(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Explain the alerts and ask for consent (분야 chips); a typed yes comes back here."""
    session.data[AWAITING] = SKILL
    current = svc.subscriptions.get(req.user_id)
    active = current is not None and current.active
    return Reply.of("notices/subscribe", {
        "categories": list(CATEGORIES), "region": remembered_region(svc, req.user_id) or "",
        "subscribed": active, "current": list(current.categories) if active and current else []})


def start_alerts(req: SkillRequest, svc: Services) -> Reply:
    """Record consent (time kept) for the chosen 분야 and the remembered 지역."""
    tapped = _extra(req).get("category")
    # A chip carries one 분야; typed, every 분야 named counts ("금융이랑 내수요", "금융, 수출").
    chosen = [tapped] if tapped in CATEGORIES else [
        c for c in CATEGORIES if c in (req.utterance or "")]
    current = svc.subscriptions.get(req.user_id)
    if not chosen:
        categories: list[str] = []
    elif current and current.active and current.categories:
        categories = sorted({*current.categories, *chosen}, key=CATEGORIES.index)
    else:
        categories = chosen
    region = remembered_region(svc, req.user_id)
    regions = [region] if region and region != NATIONWIDE else []
    sub = svc.subscriptions.subscribe(req.user_id, categories=categories, regions=regions,
                                      now=svc.clock(), source="notices")
    return Reply.of("notices/subscribed", {"categories": list(sub.categories),
                                           "regions": list(sub.regions),
                                           "consent_at": sub.consent_at})


def stop_alerts(req: SkillRequest, svc: Services) -> Reply:
    """Opt out of notice alerts (the record keeps the time)."""
    stopped = svc.subscriptions.unsubscribe(req.user_id, svc.clock())
    return Reply.of("notices/unsubscribed", {"was_subscribed": stopped})


# -- skills ------------------------------------------------------------------------------------
@skill(SKILL, answers_to=Vocabulary(requests=(*ALERT_WORDS, CHIP_CONSENT_WORDS[0]),
                                    topics=NOTICE_TOPICS, claims=_asks_what_is_open,
                                    mentions=_opts_out_of_alerts,
                                    order=50),
       prefetch=("notice_prefs",))
def notices(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """List, filter, page, search and explain notices; start or stop notice alerts."""
    notice_id = notice_id_in(req)
    if notice_id:
        return show_detail(notice_id, svc, session)
    referred = answer_list_reference(req, session, svc)  # "세 번째 공고" after a list
    if referred is not None:
        return referred
    extra, key = _extra(req), router.normalise(req.utterance)
    offered = session.data.pop(AWAITING, None) == SKILL and router.route(req.utterance) is None
    subscribe = extra.get("subscribe")
    if subscribe == "off" or _has(key, UNSUBSCRIBE_WORDS):
        return stop_alerts(req, svc)
    if subscribe == "confirm" or (_has(key, SUBSCRIBE_WORDS) and _has(key, CONSENT_WORDS)) or \
            _has(key, CHIP_CONSENT_WORDS) or (offered and _answers_offer(key)):
        return start_alerts(req, svc)
    if offered:  # the offer was left unanswered: read the text as if never asked
        return SKILLS["fallback"](req, session, svc)
    if subscribe or _has(key, SUBSCRIBE_WORDS):
        return offer_alerts(req, session, svc)
    region = remembered_region(svc, req.user_id, session)
    menu = extra.get("menu")
    if menu == "category" or (not menu and _has(key, CATEGORY_MENU_WORDS)):
        return pick_category(region)
    if menu in ("region", "region-more") or (not menu and _has(key, REGION_MENU_WORDS)):
        return pick_region(menu == "region-more" or _has(key, REGION_MORE_WORDS), region)
    query, region_given = _query_from(req, session, svc)
    if region_given and query.region:
        remember_region(svc, req.user_id, query.region)
    elif query.region is None and region:
        query = replace(query, region=region)
    return show_list(query, req, session, svc)


@skill("notice")
def notice(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """One notice in detail (a 자세히 보기 button); without an id, the list."""
    notice_id = notice_id_in(req)
    if notice_id:
        return show_detail(notice_id, svc, session)
    return notices(req, session, svc)


@answers_free_text(order=30)  # '수출', '교육': a short notice search
def answer_topic(req: SkillRequest, session: Session, svc: Services) -> Reply | None:
    """For the fallback: a short message about a 분야 ('수출', '교육') becomes a notice search."""
    words = search_words(req.utterance)
    if not words or len(words) > MAX_TOPIC_TOKENS or not TOPIC_WORDS & set(words):
        return None
    return notices(req, session, svc)


@answers_free_text(order=10)  # '2번 자세히' after a notice list
def answer_list_reference(req: SkillRequest, session: Session, svc: Services) -> Reply | None:
    """For the fallback: '2번 자세히' or '자세히 보기' typed after a list shows that notice.

    Only a message that is nothing but a reference to the list counts, and only while
    the session remembers a list; '자세히' alone with several notices shown asks which.
    """
    query = _last_query(session)
    match = _LIST_REFERENCE.match(router.normalise(req.utterance))
    if query is None or match is None:
        return None
    digits, ordinal = match.group(1), match.group(2)
    if not (digits or ordinal or match.group("detail")):
        return None
    size, today = _page_size(svc), today_of(svc.clock())
    shown = _store(svc).query(query, today)[(query.page - 1) * size:][:size]
    position = int(digits) if digits else (_ORDINALS.index(ordinal) + 1 if ordinal else None)
    if position is not None and 1 <= position <= len(shown):
        return show_detail(shown[position - 1], svc, session)
    if position is None and len(shown) == 1:
        return show_detail(shown[0], svc, session)
    return Reply.of("notices/which", {
        "notices": [{**notice_context(n, today), "number": number}
                    for number, n in enumerate(_store(svc).many(shown), 1)],
        "asked": position or 0})


def _answers_offer(key: str) -> bool:
    """Whether a typed answer to the alerts offer agrees (a plain yes, or a 분야 named)."""
    return key in YES_TO_OFFER or any(c in key for c in CATEGORIES)
