"""Wallet balance and what it is worth in messages. Kakao block: 월렛 잔액 (skill `wallet`).

Templates: wallet/* — balance, heads_up, estimate, ask_friends, friends_invalid,
not_linked, not_found, unavailable. A merchant only ever sees the wallet of the
business linked to their own user key (svc.merchants); nothing they type can
name another business. Free text reaches this skill through the fallback's
router ("잔액", "친구 500명에게 보내면?") or, right after "친구가 몇 명이에요?",
through the fallback's AWAITING hand-over (a bare "500").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.conversation import callbacks, router
from bot.conversation.registry import SKILLS, Vocabulary, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.core.clock import KST, days_left, today_of
from bot.kakao import SkillRequest
from bot.services import Services
from bot.wallet import ACTIVE, FOUND, NOT_FOUND, STALE, Lookup, Wallet, pricing
from skills.fallback import AWAITING

SKILL = "wallet"
# Matching keywords (after router.normalise): the merchant asks for the cost calculator.
CALCULATOR_WORDS = ("비용계산", "발송비용", "보내면얼마", "몇명에게", "몇명한테", "계산기")
CALCULATOR_QUESTION_WORDS = 6  # a longer question with a count asks the FAQ first
_NUMBERS = re.compile(r"[0-9][0-9,.]*|[일이삼사오육칠팔구십백천]+\s*(?:만|억)|[만억]\s*원")
# The balance asked for, even as a question ("캐시 얼마 남았어요?").
BALANCE_WORDS = ("잔액", "월렛잔액", "캐시얼마", "남은캐시", "캐시남은", "잔고", "내월렛",
                 "월렛확인", "월렛조회", "지갑잔액")
# "얼마 남았어요?" asks for the balance, unless the message prices a plan of its own: "친구
# 2,000명, 30만원으로 몇 번 보내고 얼마 남아요?" is what is left of that budget (the FAQ's sum).
LEFT_WORDS = ("얼마남",)
EXTRA_KEY, EXTRA_ASK = "wallet", "ask_friends"  # clientExtra of the calculator quick reply
FRIENDS_PARAM = "friends"  # an Open Builder block parameter may carry the count
MISSED = "wallet_missed"  # session.data: the friend-count question was already re-asked
CALLBACK_JOB = "wallet.balance"
SLOW_REASONS = ("timeout", "busy")  # the service is slow, not broken: worth waiting for


# -- the skill ---------------------------------------------------------------------
def _names_a_count(text: str) -> bool:
    return pricing.friend_count(text) is not None


def _asks_to_price_a_count(text: str) -> bool:
    """A calculator request: a friend count, asked alone ("500명에게 보내면 얼마예요?").

    A question that says more (a budget, a second count, a rule: "30만원이면 몇 번",
    "소수점은 어케 계산해요") is for the FAQ, which words the rule with the numbers.
    """
    if not _names_a_count(text):
        return False
    if not router.is_question(text):
        return True
    return len(text.split()) <= CALCULATOR_QUESTION_WORDS and len(_NUMBERS.findall(text)) <= 1


def _asks_what_is_left(text: str) -> bool:
    """'캐시 얼마 남았어요?' — not the rest of a budget the message itself names."""
    if not any(word in router.normalise(text) for word in LEFT_WORDS):
        return False
    return not (_names_a_count(text) and len(_NUMBERS.findall(text)) >= 2)


def _claims(text: str) -> bool:
    return _asks_to_price_a_count(text) or _asks_what_is_left(text)


@skill(SKILL, answers_to=Vocabulary(requests=BALANCE_WORDS, topics=CALCULATOR_WORDS,
                                    claims=_claims, mentions=_names_a_count,
                                    order=40),
       prefetch=("merchant",))
def wallet(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the balance, ask for a friend count, or price a broadcast."""
    link = session.fetched.get(svc.keys.merchant(req.user_id))  # read with the lock
    # A wallet phrase ("잔액") from the wallet block itself is a new request, not the answer.
    asked = session.data.pop(AWAITING, None) == SKILL and router.route(req.utterance) is None
    if req.client_extra.get(EXTRA_KEY) == EXTRA_ASK:
        return ask_friends(session)
    # A count in the sentence wins: '친구 500명한테 보내면 얼마야' needs no question back.
    friends = _param_friends(req) or pricing.friend_count(req.utterance, bare=asked)
    if friends is not None:
        session.data.pop(MISSED, None)
        return estimate(friends, req, svc, link)
    if _asks_calculator(req.utterance):
        return ask_friends(session)
    if asked:
        return _not_a_count(req, session, svc)
    return balance(req, svc, link)


def _asks_calculator(text: str) -> bool:
    key = router.normalise(text)
    return any(word in key for word in CALCULATOR_WORDS)


def _param_friends(req: SkillRequest) -> int | None:
    value = req.param(FRIENDS_PARAM)
    if isinstance(value, dict):  # sys.number entity: {"amount": 500, "unit": null}
        value = value.get("amount")
    return pricing.friend_count(str(value), bare=True) if value not in (None, "") else None


def ask_friends(session: Session) -> Reply:
    """Ask how many friends; the fallback hands the next free text back to this skill."""
    session.data[AWAITING] = SKILL
    session.data.pop(MISSED, None)
    return Reply.of("wallet/ask_friends")


def _not_a_count(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """The answer was no count: a question goes to the FAQ; else re-ask once, then let go."""
    detour = svc.interrupt(req, session)
    answer = detour(req.utterance) if detour else None
    if answer is not None:
        return answer
    if session.data.pop(MISSED, False):
        return SKILLS["fallback"](req, session, svc)  # as if we had never asked
    session.data[AWAITING] = SKILL
    session.data[MISSED] = True
    return Reply.of("wallet/friends_invalid", {"said": req.utterance[:40]})


def _lookup(req: SkillRequest, svc: Services, total: float | None = None,
            link: Mapping[str, str] | None = None) -> tuple[str | None, Lookup | None]:
    """The merchant's own business and its wallet (None, None without a verified link).

    `link`: the user's merchant hash when the pipeline already read it.
    """
    number = svc.merchants.verified_business_of(req.user_id, link)
    if not number:
        return None, None
    return number, svc.wallet.lookup(number, total)


def balance(req: SkillRequest, svc: Services, link: Mapping[str, str] | None = None) -> Reply:
    """The balance; when the service was too slow, a callback may bring the fresh one later."""
    reply, found = _balance(req, svc, link=link)
    if found is not None and found.reason in SLOW_REASONS:
        # The quick reply (cached balance or apology) stays the answer unless the request
        # allows a callback: then "확인하고 있어요" now and this job's answer within a minute.
        return reply.deferring(CALLBACK_JOB)
    return reply


@callbacks.job(CALLBACK_JOB)
def balance_later(req: SkillRequest, svc: Services, patience: float) -> Reply:
    """The callback job: the same balance, waiting up to WALLET_CALLBACK_TIMEOUT for it."""
    total = min(svc.features.wallet.callback_timeout, patience)
    return _balance(req, svc, total)[0]


def _balance(req: SkillRequest, svc: Services, total: float | None = None,
             link: Mapping[str, str] | None = None) -> tuple[Reply, Lookup | None]:
    """The merchant's wallet: 무상캐시, 유상캐시, state, and what it pays for."""
    number, found = _lookup(req, svc, total, link)
    return _balance_reply(number, found, req, svc, link), found


def _balance_reply(number: str | None, found: Lookup | None, req: SkillRequest,
                   svc: Services, link: Mapping[str, str] | None = None) -> Reply:
    if number is None and svc.merchants.business_of(req.user_id, link):
        return Reply.of("wallet/not_verified")  # applied, not yet approved: show nothing
    if number is None or found is None:
        return Reply.of("wallet/not_linked")
    if found.outcome == NOT_FOUND:
        return Reply.of("wallet/not_found", {"business_number": number})
    if found.outcome not in (FOUND, STALE) or found.wallet is None:
        return Reply.of("wallet/unavailable", {"reason": found.reason})
    view = wallet_view(found, svc)
    reply = Reply.of("wallet/balance", view)
    heads_up = heads_up_of(view, svc)
    return reply.then(Reply.of("wallet/heads_up", heads_up).quiet()) if heads_up else reply


def estimate(friends: int, req: SkillRequest, svc: Services,
             link: Mapping[str, str] | None = None) -> Reply:
    """Cost of one broadcast to `friends` friends and how many the balance still pays for."""
    number, found = _lookup(req, svc, link=link)
    wallet = found.wallet if found is not None and found.outcome in (FOUND, STALE) else None
    usable = _today_usable(wallet, svc) if wallet else None
    kinds = {kind: pricing.estimate(friends, usable, kind) for kind in pricing.PRICES}
    return Reply.of("wallet/estimate", {
        "friends": friends,
        "general": vars(kinds[pricing.GENERAL]),
        "target": vars(kinds[pricing.TARGET]),
        "budget": _budget(req.utterance, friends),
        "usable": usable,
        "state": wallet.status.lower() if wallet else None,  # active | suspended | blocked
        "linked": number is not None,
        "wallet_known": wallet is not None,
        "stale": found is not None and found.outcome == STALE,
        "as_of": found.as_of if found else None,
        "free_waiting": bool(wallet and _waiting_free(wallet, svc)),
    })


def _budget(text: str, friends: int) -> dict[str, Any] | None:
    """The sends a budget named in the message pays for ("30만원이면 몇 번"), by kind; for
    the grant also without VAT (whether VAT is taken from 무상캐시 is 미확인: give both)."""
    amount = pricing.budget(text or "")
    if amount is None:
        return None
    paid = pricing.paid_in(text)
    return {"amount": amount, "paid": paid, **{
        f"{kind}{suffix}": pricing.broadcasts_for(amount, friends, kind, vat)
        for kind in pricing.PRICES
        for suffix, vat in (("", True), ("_no_vat", False)) if vat or not paid}}


# -- views -------------------------------------------------------------------------
def _free_left(w: Wallet, svc: Services) -> tuple[int, int | None]:
    """무상캐시 still valid today and the days to its expiry (negative once past)."""
    days = days_left(w.free_expires_at, today_of(svc.clock()))
    return (0 if days is not None and days < 0 else w.free_balance), days


def _waiting_free(w: Wallet, svc: Services) -> int:
    """무상캐시 that waits for 사용하기 (0 once pressed, or when the wallet cannot send)."""
    return 0 if w.free_activated or w.status != ACTIVE else _free_left(w, svc)[0]


def _today_usable(w: Wallet, svc: Services) -> int:
    """유상캐시 plus activated, unexpired 무상캐시; nothing when the wallet is not 사용중."""
    if w.status != ACTIVE:  # 사용중지 / 정지: no spending at all (program-facts §1.6)
        return 0
    free, _ = _free_left(w, svc)
    return w.paid_balance + (free if w.free_activated else 0)


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=KST)).timestamp()


def wallet_view(found: Lookup, svc: Services) -> dict[str, Any]:
    """Template values for wallet/balance (plain JSON values only)."""
    w = found.wallet
    if w is None:
        raise ValueError("wallet_view needs a lookup with a wallet")
    free, days = _free_left(w, svc)
    usable = _today_usable(w, svc)
    waiting = _waiting_free(w, svc)
    return {
        "business_number": w.business_number,
        "state": w.status.lower(),  # active | suspended | blocked
        "free": {
            "balance": free, "granted": w.free_granted, "used": max(w.free_granted - free, 0),
            "activated": w.free_activated, "expires_at": w.free_expires_at,
            "days_left": days, "expired": days is not None and days < 0 and w.free_granted > 0,
        },
        "paid": {"balance": w.paid_balance},
        "usable": usable,
        "messages": {kind: pricing.messages_for(usable, kind) for kind in pricing.PRICES},
        # what 사용하기 would add: shown while the free cash waits for it
        "messages_if_activated": ({kind: pricing.messages_for(usable + waiting, kind)
                                   for kind in pricing.PRICES} if waiting else None),
        "updated_at": _epoch(w.updated_at) or found.as_of,
        "stale": found.outcome == STALE,
        "as_of": found.as_of,
        "sandbox": bool(getattr(svc.wallet, "sandbox", False)),
    }


def heads_up_of(view: dict[str, Any], svc: Services) -> dict[str, Any] | None:
    """A gentle warning when the 무상캐시 is nearly spent or about to expire (settings)."""
    free = view["free"]
    if free["balance"] <= 0:
        return None
    low_mark = svc.features.wallet.low_free_cash
    warn_days = svc.features.wallet.expiry_warn_days
    low = free["granted"] > 0 and free["balance"] <= low_mark
    expiring = free["days_left"] is not None and 0 <= free["days_left"] <= warn_days
    if not (low or expiring):
        return None
    return {"low": low, "expiring": expiring, "balance": free["balance"],
            "days_left": free["days_left"], "expires_at": free["expires_at"],
            "activated": free["activated"], "sandbox": view["sandbox"],
            "general_left": pricing.messages_for(free["balance"], pricing.GENERAL)}
