"""The application's fields, declared once: the form's questions and what each one stores.

One `Field` per question of the 지원금 신청 form: its step (label, question template,
parser that validates the answer, quick replies, help), how the review shows the answer
(`show`, which templates/apply/review.yaml switches on) and the stored columns it yields
(`Column`: name, type, encoder, how staff listings mask it). The form (skills/apply.py),
storage, intake JSON and CSV export (service.py), the review and the console all read
this table; a new field is one entry here (plus its attribute on `Application`).

No Flask, no Redis: the parsers reach the store through the turn's services.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.answers.filters import mask_bizno, mask_phone
from bot.conversation import understand
from bot.conversation.dialog import Invalid, Step, Turn
from bot.conversation.reply import Reply
from bot.core.text import key
from bot.merchants import bizno

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

YES_NO = ("네", "아니요")  # other ways to say yes / not yet: bot/conversation/understand.py
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
def says(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` is one of `words` (ignoring width, spacing and trailing punctuation)."""
    wanted = key(text, fold=True)
    return bool(wanted) and wanted in {key(w, fold=True) for w in words}


def _now(turn: Turn) -> float:
    """The services' clock when the form runs in the app (tests freeze it), else real time."""
    clock = getattr(turn.env, "clock", None) if turn.env is not None else None
    return float(clock()) if callable(clock) else time.time()


# -- parsers: each validates one answer (Invalid re-asks with its template) ----------
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
    existing = services.applications.active_for_business(digits)
    if existing is None:
        return
    mine = existing.visible_to(request.user_id, services.merchants)
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
        if says(turn.text, (choice,)):
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
    if says(turn.text, YES_NO[:1]) or understand.yes(turn.text):
        return True
    if says(turn.text, YES_NO[1:]) or understand.no(turn.text):
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
    if says(turn.text, PRIVACY_CHOICES[:1] + PRIVACY_YES) or understand.yes(turn.text):
        return {"agreed": True, "at": _now(turn)}
    declined = says(turn.text, PRIVACY_CHOICES[1:] + PRIVACY_NO) or understand.no(turn.text)
    raise Invalid("apply/privacy_required", {"declined": declined})


def parse_alerts(turn: Turn) -> dict[str, Any]:
    """The optional 지원사업 알림 수신 동의, with its time when given."""
    if says(turn.text, ALERT_CHOICES[1:] + ALERT_NO) or understand.no(turn.text):
        return {"agreed": False, "at": None}
    if says(turn.text, ALERT_CHOICES[:1] + ALERT_YES) or understand.yes(turn.text):
        return {"agreed": True, "at": _now(turn)}
    raise Invalid("apply/invalid_alerts")


# -- the declaration ------------------------------------------------------------------
class Kind(StrEnum):
    """A stored column's type: how it is written to Redis, read back and exported."""

    TEXT = "text"
    FLAG = "flag"  # bool: "1"/"0" in Redis, "yes"/"no" in exports
    TIME = "time"  # epoch seconds: "%.3f" in Redis, ISO 8601 (KST) in exports


class Show(StrEnum):
    """How the review shows an answer (templates/apply/review.yaml has the wording)."""

    TEXT = "text"
    BIZNO = "bizno"  # masked business number
    PHONE = "phone"  # masked phone
    READY = "ready"  # 준비됨 / 아직
    CONSENT = "consent"  # 동의함 / 동의 안 함
    ALERTS = "alerts"  # 받음 / 받지 않음


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Column:
    """One stored field of an application, taken from its question's answer."""

    name: str  # Redis hash field, intake JSON key, CSV column, `Application` attribute
    kind: Kind = Kind.TEXT
    encode: Callable[[Any], Any] = _same  # the form's answer -> the stored value
    mask: Callable[[Any], str] | None = None  # staff listings and CSV unless unmasked


@dataclass(frozen=True)
class Field:
    """One question of the application form and the columns its answer fills."""

    step: Step
    columns: tuple[Column, ...]


def _consent_at(answer: Mapping[str, Any] | None) -> float | None:
    """When consent was given (None when it was not)."""
    answer = answer or {}
    return answer.get("at") if answer.get("agreed") else None


FIELDS: tuple[Field, ...] = (
    Field(Step("bizno", LABEL_BIZNO, "apply/ask_bizno", parse_bizno, help="apply/help_bizno",
               example="000-00-00000 (숫자 10자리)", sensitive=True, show=Show.BIZNO,
               aliases=("사업자번호", "사업자 번호", "등록번호")),
          (Column("business_number", encode=lambda v: v["number"], mask=mask_bizno),
           Column("entity_kind", encode=lambda v: v["kind"]))),
    Field(Step("business_name", LABEL_NAME, "apply/ask_business_name", parse_business_name,
               help="apply/help_business_name",
               aliases=("상호명", "가게 이름", "가게명", "매장 이름")),
          (Column("business_name"),)),
    Field(Step("representative", LABEL_OWNER, "apply/ask_representative",
               parse_representative, aliases=("대표자", "대표 이름", "대표님 이름", "이름")),
          (Column("representative", mask=lambda v: mask_name(str(v or ""))),)),
    Field(Step("revenue", LABEL_REVENUE, "apply/ask_revenue", parse_revenue,
               choices=REVENUE_CHOICES, help="apply/help_revenue", ends=over_limit,
               aliases=("매출",)),
          (Column("revenue_band", encode=REVENUE_CODES.__getitem__),)),
    Field(Step("channel", LABEL_CHANNEL, "apply/ask_channel", parse_channel,
               help="apply/help_channel", example="@danggol",
               aliases=("채널", "채널 아이디", "채널 주소")),
          (Column("channel"),)),
    Field(Step("business_channel", LABEL_BIZ_CHANNEL, "apply/ask_business_channel",
               parse_business_channel, choices=YES_NO, help="apply/howto_business_channel",
               show=Show.READY, aliases=("비즈니스채널",)),
          (Column("business_channel", Kind.FLAG, bool),)),
    Field(Step("bizwallet", LABEL_WALLET, "apply/ask_bizwallet", parse_bizwallet,
               choices=YES_NO, help="apply/howto_bizwallet", show=Show.READY,
               aliases=("월렛", "비즈 월렛")),
          (Column("bizwallet", Kind.FLAG, bool),)),
    Field(Step("phone", LABEL_PHONE, "apply/ask_phone", parse_phone, sensitive=True,
               example="010-1234-5678", show=Show.PHONE,
               aliases=("휴대폰", "핸드폰", "전화번호", "연락처", "번호")),
          (Column("phone", mask=mask_phone),)),
    Field(Step("privacy", LABEL_PRIVACY, "apply/ask_privacy", parse_privacy,
               choices=PRIVACY_CHOICES, help="apply/help_privacy", show=Show.CONSENT,
               aliases=("개인정보",)),
          (Column("privacy_consent_at", Kind.TIME, lambda v: v["at"]),)),
    Field(Step("alerts", LABEL_ALERTS, "apply/ask_alerts", parse_alerts, choices=ALERT_CHOICES,
               show=Show.ALERTS, aliases=("알림",)),
          (Column("alerts_consent_at", Kind.TIME, _consent_at),)),
)
STEPS: tuple[Step, ...] = tuple(f.step for f in FIELDS)
# Merchant-given columns, in the order of the form (also the intake's and the CSV's order).
COLUMNS: tuple[Column, ...] = tuple(c for f in FIELDS for c in f.columns)
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def stored(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The stored application's columns from the form's answers."""
    return {c.name: c.encode(answers.get(f.step.name)) for f in FIELDS for c in f.columns}


def mask_name(name: str) -> str:
    """'홍길동' -> '홍*동', '김철' -> '김*': enough for staff to match a call, no more."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
