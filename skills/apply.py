"""지원금 신청: the step-by-step application form and its status check.

Kakao blocks: 지원금 신청 (skill `apply`), 신청 현황 (skill `apply-status`); the fallback
router also sends "신청", "지원금 받고 싶어요" and "신청 현황", "언제 들어와요?" here.
Templates: apply/*. Flow diagram: skills/apply.mmd. Storage, receipts and intake
delivery: bot/applications/service.py.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.applications import service as applications
from bot.applications.service import GRANT_AMOUNT, Application
from bot.conversation import dialog, understand
from bot.conversation.dialog import Form, Invalid, Step, Turn
from bot.conversation.pipeline import open_form
from bot.conversation.registry import Vocabulary, register_form, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.merchants import bizno
from bot.services import Services
from skills.fallback import AWAITING, CLAIMS

FORM_NAME = "apply"
# The form's name in the shared dialog/* templates ("…작성을 취소했어요") is the operators'
# setting; without it those templates fall back to their own generic word (신청서).
TITLE_SETTING = "apply_form_title"

# The intro's 시작하기 button sends START_WORDS[0] with clientExtra {"apply": "start"}.
START_EXTRA = ("apply", "start")
START_WORDS = ("지원금 신청 시작", "신청 시작", "시작하기", "시작할게요")
# session.data: when the intro was shown. A go-ahead in the merchant's own words ("시작",
# "네", "할게요") within INTRO_SECONDS starts the form (bot/understand.py reads it).
INTRO_AT = "apply_intro_at"
INTRO_SECONDS = 600

# Step labels: "<label> 수정" (review buttons, typed) reopens that step, so they are matched.
LABEL_BIZNO = "사업자등록번호"
LABEL_NAME = "상호"
LABEL_OWNER = "대표자명"
LABEL_REVENUE = "연매출"
LABEL_CHANNEL = "카카오톡 채널"
LABEL_BIZ_CHANNEL = "비즈니스 채널"
LABEL_WALLET = "비즈월렛"
LABEL_PHONE = "휴대폰 번호"
LABEL_PRIVACY = "개인정보 동의"
LABEL_ALERTS = "알림 수신"

# Quick-reply choices (matched as typed or tapped) and the codes stored for the intake.
REVENUE_UNDER_3 = "3억 원 이하"
REVENUE_3_TO_10 = "3억~10억 원"
REVENUE_OVER_10 = "10억 원 초과"
REVENUE_NEW = "개업 6개월 미만"
REVENUE_CHOICES = (REVENUE_UNDER_3, REVENUE_3_TO_10, REVENUE_OVER_10, REVENUE_NEW)
REVENUE_CODES = {REVENUE_UNDER_3: "under_300m", REVENUE_3_TO_10: "300m_to_1b",
                 REVENUE_OVER_10: "over_1b", REVENUE_NEW: "new_business"}
NEW_BUSINESS_WORDS = ("개업", "신규", "6개월", "창업")
EOK = "억"  # 100,000,000 won, as merchants type amounts ("5억", "12억 정도")
MAN = "만"  # 10,000 won ("8000만 원")

YES_NO = ("네", "아니요")  # other ways to say yes / not yet: bot/understand.py
PRIVACY_CHOICES = ("동의합니다", "동의하지 않아요")
PRIVACY_YES = ("동의", "동의해요", "동의할게요")
PRIVACY_NO = ("동의 안 함", "동의 안해요", "거부", "싫어요")
ALERT_CHOICES = ("알림 받기", "받지 않기")
# Merchants who just agreed to the privacy step often answer "동의" here too.
ALERT_YES = ("받을게요", "받기", "알림 받을게요", "받을래요", "알림 받을래요", "받고 싶어요",
             *PRIVACY_CHOICES[:1], *PRIVACY_YES)
ALERT_NO = ("안 받을게요", "필요 없어요", "괜찮아요", "받지 않을게요", "안 받을래요", "안 받아요",
            *PRIVACY_CHOICES[1:], *PRIVACY_NO)

# 80 단체·다단계, 82 비영리법인, 83 국가·지자체, 84 외국법인, 89 종교단체: program-facts names
# no exclusion for any of them, so the form goes on and says the centre will check.
CONSULT_KINDS = ("group", "nonprofit", "government", "foreign", "religious")

_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(com|net|kr|co|org|io|me|shop|store)\b",
                  re.IGNORECASE)
_NAME_PUNCTUATION = set(" &()[].,'’·-_/+!#~:")
_SEARCH_ID = re.compile(r"@?([0-9A-Za-z가-힣._-]{1,15})")
_CHANNEL_URL = re.compile(r"(?:https?://)?pf\.kakao\.com/(_[0-9A-Za-z]{2,30})(?:/[\w/]*)?/?",
                          re.IGNORECASE)
_PHONE_NOISE = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"010\d{8}")
_AMOUNT = re.compile(rf"(\d+(?:\.\d+)?)\s*({EOK}|{MAN})")


# -- matching helpers ---------------------------------------------------------------
def _key(text: str) -> str:
    """Normalised, spaces removed: how typed answers are compared with the choices."""
    return dialog.normalise(unicodedata.normalize("NFKC", text or "")).replace(" ", "")


def _is(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` is one of `words` (ignoring spacing and trailing punctuation)."""
    key = _key(text)
    return bool(key) and key in {_key(w) for w in words}


def _now(turn: Turn) -> float:
    """The services' clock when the form runs in the app (tests freeze it), else real time."""
    clock = getattr(turn.env, "clock", None) if turn.env is not None else None
    return float(clock()) if callable(clock) else time.time()


# -- parsers ------------------------------------------------------------------------
def parse_bizno(turn: Turn) -> dict[str, Any]:
    """Accept a well-formed 사업자등록번호 that has no active application yet."""
    number = bizno.parse(turn.text)
    if number is None:
        reason = "checksum" if bizno.normalise(turn.text) else "format"
        raise Invalid("apply/invalid_bizno", {"reason": reason})
    if number.kind == "unknown":
        raise Invalid("apply/invalid_bizno", {"reason": "code"})
    _refuse_duplicate(turn, number.digits)
    return {"number": number.digits, "kind": number.kind, "code": number.code,
            "corporation": number.is_corporation}


def _refuse_duplicate(turn: Turn, digits: str) -> None:
    """Stop early when the business already applied; only its own user sees the receipt."""
    services = getattr(turn.env, "services", None)
    request = getattr(turn.env, "request", None)
    if services is None or request is None:
        return  # the pure engine (no app): the submit's atomic claim still guards
    existing = applications.store_of(services).active_for_business(digits)
    if existing is None:
        return
    mine = _may_see(existing, request.user_id, services)
    raise Invalid("apply/already_applied", {
        "mine": mine, "receipt": existing.receipt if mine else None,
        "status": existing.status if mine else None})


def _name(turn: Turn, low: int, high: int, template: str) -> str:
    """A shop or person name: sane length, letters present, no links or emoji."""
    text = " ".join(unicodedata.normalize("NFKC", turn.text or "").split())
    if not text:
        raise Invalid(template, {"reason": "empty", "min": low, "max": high})
    if _URL.search(text):
        raise Invalid(template, {"reason": "url", "min": low, "max": high})
    if any(not (ch.isalnum() or ch in _NAME_PUNCTUATION) for ch in text) or not any(
            ch.isalnum() for ch in text):
        raise Invalid(template, {"reason": "characters", "min": low, "max": high})
    if not low <= len(text) <= high:
        raise Invalid(template, {"reason": "length", "min": low, "max": high,
                                 "length": len(text)})
    return text


def parse_business_name(turn: Turn) -> str:
    """상호: 1–40 characters."""
    return _name(turn, 1, 40, "apply/invalid_business_name")


def parse_representative(turn: Turn) -> str:
    """대표자명: 2–20 characters."""
    return _name(turn, 2, 20, "apply/invalid_representative")


def parse_revenue(turn: Turn) -> str:
    """One of the revenue bands, tapped or typed ("5억", "8000만 원", "개업한 지 3달")."""
    for choice in REVENUE_CHOICES:
        if _is(turn.text, (choice,)):
            return choice
    text = unicodedata.normalize("NFKC", turn.text or "").replace(",", "")
    if any(word in text for word in NEW_BUSINESS_WORDS):
        return REVENUE_NEW
    match = _AMOUNT.search(text)
    if match:
        eok = float(match[1]) / (1 if match[2] == EOK else 10_000)
        if eok <= 3:
            return REVENUE_UNDER_3
        return REVENUE_3_TO_10 if eok <= 10 else REVENUE_OVER_10
    raise Invalid("apply/invalid_revenue")


def over_limit(value: Any, answers: Mapping[str, Any]) -> Reply | None:
    """End the form kindly when 연매출 is over 10억 원 (program-facts §1.2)."""
    return Reply.of("apply/over_limit") if value == REVENUE_OVER_10 else None


def parse_channel(turn: Turn) -> str:
    """The channel's 검색용 아이디 (@ optional, ≤ 15 chars) or its pf.kakao.com URL."""
    text = unicodedata.normalize("NFKC", turn.text or "").strip()
    url = _CHANNEL_URL.fullmatch(text)
    if url:
        return f"https://pf.kakao.com/{url[1]}"
    if _URL.search(text) or "/" in text:
        raise Invalid("apply/invalid_channel", {"reason": "url"})
    found = _SEARCH_ID.fullmatch(text.replace(" ", ""))
    if found is None:
        too_long = len(text.lstrip("@")) > 15
        raise Invalid("apply/invalid_channel", {"reason": "length" if too_long else "format"})
    return "@" + found[1]


def _yes_no(turn: Turn, howto: str) -> bool:
    """Yes, or for "not yet" the how-to (the step waits; 나중에 keeps the draft)."""
    if _is(turn.text, YES_NO[:1]) or understand.yes(turn.text):
        return True
    if _is(turn.text, YES_NO[1:]) or understand.no(turn.text):
        raise Invalid(howto, {"not_yet": True})
    raise Invalid("apply/invalid_yes_no")


def parse_business_channel(turn: Turn) -> bool:
    """Has the channel been converted to a 비즈니스 채널?"""
    return _yes_no(turn, "apply/howto_business_channel")


def parse_bizwallet(turn: Turn) -> bool:
    """Does the channel have a 사업자 비즈월렛?"""
    return _yes_no(turn, "apply/howto_bizwallet")


def parse_phone(turn: Turn) -> str:
    """A 010 mobile number in any common spelling; kept as 11 digits."""
    digits = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", turn.text or ""))
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    if _MOBILE.fullmatch(digits):
        return digits
    landline = digits.isdigit() and digits.startswith("0") and not digits.startswith("01")
    raise Invalid("apply/invalid_phone", {"reason": "landline" if landline else "format"})


def parse_privacy(turn: Turn) -> dict[str, Any]:
    """The required 개인정보 수집·이용 동의, with its time."""
    if _is(turn.text, PRIVACY_CHOICES[:1] + PRIVACY_YES) or understand.yes(turn.text):
        return {"agreed": True, "at": _now(turn)}
    declined = _is(turn.text, PRIVACY_CHOICES[1:] + PRIVACY_NO) or understand.no(turn.text)
    raise Invalid("apply/privacy_required", {"declined": declined})


def parse_alerts(turn: Turn) -> dict[str, Any]:
    """The optional 지원사업 알림 수신 동의, with its time when given."""
    if _is(turn.text, ALERT_CHOICES[1:] + ALERT_NO) or understand.no(turn.text):
        return {"agreed": False, "at": None}
    if _is(turn.text, ALERT_CHOICES[:1] + ALERT_YES) or understand.yes(turn.text):
        return {"agreed": True, "at": _now(turn)}
    raise Invalid("apply/invalid_alerts")


# -- completion ---------------------------------------------------------------------
def application_fields(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The stored application's fields from the form's answers."""
    number = answers["bizno"]
    alerts = answers.get("alerts") or {}
    return {
        "business_number": number["number"],
        "entity_kind": number["kind"],
        "business_name": answers["business_name"],
        "representative": answers["representative"],
        "revenue_band": REVENUE_CODES[answers["revenue"]],
        "channel": answers["channel"],
        "business_channel": bool(answers["business_channel"]),
        "bizwallet": bool(answers["bizwallet"]),
        "phone": answers["phone"],
        "privacy_consent_at": answers["privacy"]["at"],
        "alerts_consent_at": alerts.get("at") if alerts.get("agreed") else None,
    }


def submit_application(answers: Mapping[str, Any], env: Any) -> Reply:
    """File the application (once per business) and hand the merchant the receipt."""
    services, request = env.services, env.request
    fields = application_fields(answers)
    alerts = bool((answers.get("alerts") or {}).get("agreed"))
    result = applications.submit(services, request.user_id, fields, alerts)
    app = result.application
    if result.created:
        return Reply.of("apply/submitted", {**status_context(app), "alerts": alerts})
    if _may_see(app, request.user_id, services):
        return Reply.of("apply/has_application", status_context(app))
    return Reply.of("apply/duplicate")


APPLY = register_form(Form(
    FORM_NAME,
    title_setting=TITLE_SETTING,
    review="apply/review",
    on_complete=submit_application,
    steps=(
        Step("bizno", LABEL_BIZNO, "apply/ask_bizno", parse_bizno, help="apply/help_bizno",
             example="000-00-00000 (숫자 10자리)", sensitive=True,
             aliases=("사업자번호", "사업자 번호", "등록번호")),
        Step("business_name", LABEL_NAME, "apply/ask_business_name", parse_business_name,
             help="apply/help_business_name",
             aliases=("상호명", "가게 이름", "가게명", "매장 이름")),
        Step("representative", LABEL_OWNER, "apply/ask_representative",
             parse_representative, aliases=("대표자", "대표 이름", "대표님 이름", "이름")),
        Step("revenue", LABEL_REVENUE, "apply/ask_revenue", parse_revenue,
             choices=REVENUE_CHOICES, help="apply/help_revenue", ends=over_limit,
             aliases=("매출",)),
        Step("channel", LABEL_CHANNEL, "apply/ask_channel", parse_channel,
             help="apply/help_channel", example="@danggol",
             aliases=("채널", "채널 아이디", "채널 주소")),
        Step("business_channel", LABEL_BIZ_CHANNEL, "apply/ask_business_channel",
             parse_business_channel, choices=YES_NO, help="apply/howto_business_channel",
             aliases=("비즈니스채널",)),
        Step("bizwallet", LABEL_WALLET, "apply/ask_bizwallet", parse_bizwallet,
             choices=YES_NO, help="apply/howto_bizwallet", aliases=("월렛", "비즈 월렛")),
        Step("phone", LABEL_PHONE, "apply/ask_phone", parse_phone, sensitive=True,
             example="010-1234-5678",
             aliases=("휴대폰", "핸드폰", "전화번호", "연락처", "번호")),
        Step("privacy", LABEL_PRIVACY, "apply/ask_privacy", parse_privacy,
             choices=PRIVACY_CHOICES, help="apply/help_privacy", aliases=("개인정보",)),
        Step("alerts", LABEL_ALERTS, "apply/ask_alerts", parse_alerts, choices=ALERT_CHOICES,
             aliases=("알림",)),
    ),
), FORM_NAME)


# -- who may see what -----------------------------------------------------------------
def _may_see(app: Application, user_id: str, svc: Services) -> bool:
    """Its own submitter, or a user verified for the business, may see an application."""
    return app.user_id == user_id or (
        svc.merchants.verified_business_of(user_id) == app.business_number)


def current_application(user_id: str, svc: Services) -> Application | None:
    """The application this user may see: their newest, else their business's active one."""
    store = applications.store_of(svc)
    own = store.of_user(user_id)
    active = next((a for a in own if a.active), None)
    if active is not None:
        return active
    linked = svc.merchants.verified_business_of(user_id)
    shared = store.active_for_business(linked) if linked else None
    return shared or (own[0] if own else None)


def status_context(app: Application) -> dict[str, Any]:
    """Plain values for the status and receipt templates (no phone, no user key)."""
    return {
        "receipt": app.receipt,
        "status": app.status,
        "business_name": app.business_name,
        "business_number": app.business_number,
        "submitted_at": app.submitted_at,
        "reviewing_at": app.changed_at(applications.REVIEWING),
        "approved_at": app.changed_at(applications.APPROVED),
        "rejected_at": app.changed_at(applications.REJECTED),
        "paid_at": app.changed_at(applications.PAID),
        "reject_reason": app.reject_reason,
        "amount": GRANT_AMOUNT,
    }


# -- skills ---------------------------------------------------------------------------
def _wants_start(req: SkillRequest) -> bool:
    """The intro's 시작하기 (by its clientExtra, or typed)."""
    key, value = START_EXTRA
    return req.client_extra.get(key) == value or _is(req.utterance, START_WORDS)


def _answers_intro(req: SkillRequest, session: Session, svc: Services) -> bool:
    """A go-ahead typed right after the intro ("시작", "네", "신청할래요")."""
    shown = session.data.get(INTRO_AT)
    recent = isinstance(shown, int | float) and 0 <= svc.clock() - shown <= INTRO_SECONDS
    return recent and understand.start(req.utterance)


# What the fallback's router sends here (compared after router.normalise, no spaces).
APPLY_WORDS = ("신청시작", "지원금신청", "신청하기", "신청할래", "신청하고싶", "신청하려",
               "캐시받고싶", "지원금받", "지원받고")
APPLY_EXACT = ("시작하기", "시작할게요", "신청")
STATUS_WORDS = ("신청현황", "접수현황", "진행상황", "심사결과", "처리현황", "접수번호", "승인됐",
                "승인되었")
# When the cash comes is a rule the FAQ states first ("캐시는 언제 들어와요?").
STATUS_TOPICS = ("언제들어와", "언제들어오", "언제입금", "언제지급")


@skill("apply", answers_to=Vocabulary(topics=APPLY_WORDS, exact=APPLY_EXACT, order=70))
def apply(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the intro, start or resume the form, or point to an existing application."""
    go_ahead = session.data.get(AWAITING) == "apply" and _answers_intro(req, session, svc)
    if session.data.get(AWAITING) == "apply":
        session.data.pop(AWAITING)
    session.data.pop(INTRO_AT, None)
    app = current_application(req.user_id, svc)
    if app is not None and app.active:
        return Reply.of("apply/has_application", status_context(app))
    if go_ahead or _wants_start(req) or svc.sessions.load_draft(req.user_id, FORM_NAME):
        return open_form(FORM_NAME, req, session, svc)
    session.data[AWAITING] = "apply"
    session.data[INTRO_AT] = svc.clock()
    return Reply.of("apply/intro", {"reapply": app is not None})


CLAIMS["apply"] = _answers_intro


@skill("apply-status",
       answers_to=Vocabulary(requests=STATUS_WORDS, topics=STATUS_TOPICS, order=30))
def apply_status(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the merchant's own application and what happens next."""
    app = current_application(req.user_id, svc)
    if app is None:
        has_draft = svc.sessions.load_draft(req.user_id, FORM_NAME) is not None
        return Reply.of("apply/status_none", {"has_draft": has_draft})
    return Reply.of("apply/status", status_context(app))


