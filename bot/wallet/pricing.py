"""Message arithmetic for channel messages: exact integer won, no floats.

Kakao's help centre (program-facts §1.5): 소진 비용 = 발송수 × 15원 (일반) or 20원 (타겟)
× 1.1 (VAT), fractions of a won rounded up. The rounding applies to one send
(발송) as a whole — one broadcast to N friends — not to each single message:
500 friends × 15원 × 1.1 = 8,250원 exactly (per-message rounding would give
500 × 17 = 8,500원, which contradicts Kakao's formula and the program's example).
VAT is included by default: whether Kakao takes it from 무상캐시 is 미확인, so the bot
quotes the cautious (higher) figure, and beside it the figure without VAT where the budget is
the grant (`vat=False`; §1.5 "What 300,000원 buys": give both).

Also here: reading a friend count out of free text ("친구 500명에게 보내면?", "천 명",
"1,200명", "1.2만 명") and a budget ("30만원이면 몇 번", "십만 원으로").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core import numbers

GENERAL = "general"  # 일반메시지: to all friends
TARGET = "target"  # 타겟메시지: to a friend group
PRICES: dict[str, int] = {GENERAL: 15, TARGET: 20}  # won per message, VAT excluded
VAT_NUMERATOR, VAT_DENOMINATOR = 11, 10  # × 1.1
MAX_FRIENDS = 10_000_000  # larger counts are not a channel's friends but a typo

# -- reading counts: matching keywords -----------------------------------------
PEOPLE = "명"  # counter word for people
FRIEND = "친구"
APPROX_WORDS = ("약", "대략", "한")  # "약 500명", "한 500명"
TRAILING_WORDS = ("정도", "쯤", "이요", "요", "이에요", "예요", "입니다")
# After "N명", one of these (or nothing) makes it a recipient count: '500명에게', '500명?'.
# Anything else ('직원 5명인데') is not about friends unless 친구 is in the sentence.
RECIPIENT_MARKS = ("에게", "한테", "께", "보내", "발송", "이면", "이라면", "일때", "일 때",
                   "정도", "쯤", "이요", "이에요", "입니다", "요")
_UNITS = "".join(numbers.SMALL_UNITS) + "만"  # a friend count's units: '1.2만', '2천5백'
_DIGIT_LED = re.compile(rf"(?:[0-9][0-9,.]*[{_UNITS}]*)+")  # '500', '1,200', '1.2만', '1천2백'
_AFTER_FRIEND = re.compile(rf"{FRIEND}\D{{0,4}}?({_DIGIT_LED.pattern})")  # '친구 500이에요'
_WINDOW = 12  # characters before 명 that may hold the number
_EDGE = " \t\n.,!?~"  # what may surround a number: spaces and end punctuation
WON = "원"  # currency word after a budget: '30만원', '30만 원'
MIN_BUDGET, MAX_BUDGET = 1_000, 100_000_000  # a unit price (15원) or a revenue is no budget
# A budget paid in by the merchant: VAT is charged on it, so only the VAT figure holds.
PAID_WORDS = ("충전", "유상")


@dataclass(frozen=True)
class Estimate:
    """What one broadcast to `friends` friends costs and how often a balance pays for it."""

    kind: str
    friends: int
    price: int  # won per message before VAT
    cost: int  # won for one broadcast, VAT included, rounded up
    broadcasts: int | None  # whole broadcasts the balance pays for (None: no balance known)


def send_cost(count: int, kind: str = GENERAL, vat: bool = True) -> int:
    """Won for one send to `count` recipients: ceil(count × price × 1.1), exact.

    `vat=False`: count × price, the figure for 무상캐시 should Kakao take no VAT from it
    (미확인, §1.5: "give both").
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not vat:
        return count * PRICES[kind]
    raw = count * PRICES[kind] * VAT_NUMERATOR
    return -(-raw // VAT_DENOMINATOR)


def messages_for(balance: int, kind: str = GENERAL, vat: bool = True) -> int:
    """How many messages a balance pays for: the largest n with send_cost(n) <= balance."""
    if balance <= 0:
        return 0
    if not vat:
        return balance // PRICES[kind]
    # ceil(n·p·11/10) <= B  ⇔  n·p·11 <= 10·B  (B is a whole number of won)
    return balance * VAT_DENOMINATOR // (PRICES[kind] * VAT_NUMERATOR)


def broadcasts_for(balance: int, friends: int, kind: str = GENERAL, vat: bool = True) -> int:
    """How many whole broadcasts to `friends` friends a balance pays for."""
    cost = send_cost(friends, kind, vat)
    if cost == 0:
        return 0
    return max(balance, 0) // cost


def estimate(friends: int, balance: int | None, kind: str = GENERAL) -> Estimate:
    """Cost of one broadcast and, when the balance is known, how many are left."""
    cost = send_cost(friends, kind)
    left = None if balance is None else broadcasts_for(balance, friends, kind)
    return Estimate(kind, friends, PRICES[kind], cost, left)


# -- reading counts --------------------------------------------------------------
def korean_number(text: str) -> int | None:
    """Read '500', '1,200', '1.2만', '천', '2천5백', '삼백', '1만 2천' as a whole number.

    A space may only follow 만 ('1만 2천'), so '친구 천' is never read as 구천.
    """
    return numbers.read(text, strict_spaces=True)


def _valid(value: int | None) -> int | None:
    return value if value is not None and 0 < value <= MAX_FRIENDS else None


def _number_before(text: str, end: int) -> int | None:
    """The longest number that ends right before `end` ('1만 2천명' → 12000)."""
    window = text[max(0, end - _WINDOW):end].rstrip()
    if FRIEND in window:  # '친구천명': the 구 of 친구 is not a numeral
        window = window.rsplit(FRIEND, 1)[1]
    for start in range(len(window)):
        if window[start].isspace() or (start and window[start - 1] in "0123456789,."):
            continue  # never start inside a number: '1.5명' is not 5
        value = korean_number(window[start:])
        if value is not None:
            return value
    return None


def _before_people(text: str, end: int) -> int | None:
    """A friend count ending right before the 명 at `end`."""
    return _valid(_number_before(text, end))


def budget(text: str) -> int | None:
    """The won amount a message plans to spend ('30만원이면 몇 번', '십만 원으로'), if any.

    Only an amount written with 원, between a unit price and a year's revenue.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    for at in (m.start() for m in re.finditer(WON, folded)):
        value = _number_before(folded, at)
        if value is not None and MIN_BUDGET <= value <= MAX_BUDGET:
            return value
    return None


def paid_in(text: str) -> bool:
    """Whether the budget is cash the merchant tops up (VAT is charged on it)."""
    return any(word in text for word in PAID_WORDS)


def _bare(text: str) -> int | None:
    """A reply that is only a number: '500', '천 명', '약 500명 정도요'."""
    text = text.strip(_EDGE)
    for word in APPROX_WORDS:
        if text.startswith(word + " "):
            text = text[len(word):].strip()
    for word in sorted(TRAILING_WORDS, key=len, reverse=True):
        if text.endswith(word):
            text = text[: -len(word)].strip()
            break
    return _valid(korean_number(text.removesuffix(PEOPLE).strip(_EDGE)))


def friend_count(text: str, bare: bool = False) -> int | None:
    """The number of friends a message talks about ('친구 500명에게 보내면?' → 500).

    Without `bare`, a number counts only with 명 or right after 친구, so '30만원'
    or a 사업자등록번호 is never taken for a friend count; `bare` (the bot has just
    asked "how many friends?") also accepts a plain '500'.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    about_friends = FRIEND in folded
    for at in (m.start() for m in re.finditer(PEOPLE, folded)):
        tail = folded[at + len(PEOPLE):].lstrip(_EDGE)
        if not (about_friends or not tail or tail.startswith(RECIPIENT_MARKS)):
            continue
        value = _before_people(folded, at)
        if value is not None:
            return value
    for match in _AFTER_FRIEND.finditer(folded):
        value = _valid(korean_number(match.group(1).rstrip(",.")))
        if value is not None:
            return value
    return _bare(folded) if bare else None
