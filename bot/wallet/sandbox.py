"""The embedded wallet: a small ledger in Redis with the rules of program-facts §1.6.

- 무상캐시 arrives un-activated; it counts and is spent only after 사용하기 (activate),
  and it expires at the end of its 만료일 (the sandbox's expiry is a demo value,
  SANDBOX_FREE_CASH_DAYS — the program's real expiry is 미확인).
- Spending takes 무상캐시 before 유상캐시.
- 사용중 (ACTIVE): charge and spend; 사용중지 (SUSPENDED): charge, no spend;
  정지 (BLOCKED): neither.
Every change runs in a WATCH/MULTI transaction, so concurrent workers never lose
an update, and leaves a ledger entry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import redis

from bot.answers.filters import mask_bizno
from bot.core.clock import KST, today_of
from bot.core.keys import Keys

from . import ACTIVE, BLOCKED, FOUND, NOT_FOUND, STATUSES, Lookup, Wallet

log = logging.getLogger(__name__)

LEDGER_LENGTH = 200  # entries kept per wallet
FREE_GRANT = 300_000  # won: the program's 무상캐시 when a paid event carries no amount


class SpendRefused(Exception):
    """A sandbox change the wallet's rules do not allow; `reason` names the rule."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        # no_wallet | not_active | blocked | insufficient | nothing_to_activate
        self.reason = reason


@dataclass(frozen=True)
class Spent:
    """How a spend was paid."""

    free: int
    paid: int


# A change maps the current fields to (fields to set, ledger entry), or None: nothing to do.
Change = Callable[[dict[str, str]], tuple[dict[str, Any], dict[str, Any]] | None]


class SandboxWallet:
    """Wallet backend over Redis hashes (keys in bot/core/keys.py)."""

    sandbox = True

    def __init__(self, client: redis.Redis, keys: Keys, clock: Callable[[], float],
                 free_days: int = 90) -> None:
        self.redis = client
        self.keys = keys
        self.clock = clock
        self.free_days = free_days

    # -- reading -----------------------------------------------------------------
    def lookup(self, business_number: str, total: float | None = None) -> Lookup:
        """The wallet as the merchant would see it now (`total` is moot: Redis is local)."""
        data = self.redis.hgetall(self.keys.wallet(business_number))
        if not data:
            return Lookup(NOT_FOUND, reason="not_found")
        return Lookup(FOUND, self._view(business_number, data), self.clock())

    def ledger(self, business_number: str, limit: int = 20) -> list[dict[str, Any]]:
        """The latest movements, newest first."""
        raw = self.redis.lrange(self.keys.wallet_ledger(business_number), 0, limit - 1)
        return [json.loads(entry) for entry in raw]

    def _today(self) -> date:
        return today_of(self.clock())

    def _free_left(self, data: dict[str, str]) -> int:
        """무상캐시 still valid (nothing once its 만료일 has passed)."""
        expires = data.get("free_expires_at")
        if expires and date.fromisoformat(expires) < self._today():
            return 0
        return int(data.get("free_balance") or 0)

    def _view(self, business_number: str, data: dict[str, str]) -> Wallet:
        updated = data.get("updated_at")
        return Wallet(
            business_number=business_number,
            status=data.get("status") or ACTIVE,
            free_balance=self._free_left(data),
            free_granted=int(data.get("free_granted") or 0),
            free_activated=data.get("free_activated") == "1",
            free_expires_at=data.get("free_expires_at") or None,
            paid_balance=int(data.get("paid_balance") or 0),
            updated_at=(datetime.fromtimestamp(float(updated), KST).isoformat()
                        if updated else None),
        )

    # -- events ------------------------------------------------------------------
    def on_application_paid(self, sender: Any, **event: Any) -> None:
        """bot.core.events.application_paid: credit the 무상캐시 once per receipt, not activated."""
        number = str(event.get("business_number") or "")
        amount = event.get("amount") or FREE_GRANT
        try:
            credited = self.credit_free(number, int(amount), receipt=event.get("receipt"))
        except (ValueError, TypeError, SpendRefused) as exc:
            log.error("sandbox credit refused for %s: %s", mask_bizno(number), exc)
            return
        log.info("sandbox wallet %s credited %s won (new: %s)", mask_bizno(number), amount,
                 credited)

    # -- changes -----------------------------------------------------------------
    def credit_free(self, business_number: str, amount: int, receipt: str | None = None,
                    days: int | None = None) -> bool:
        """Grant 무상캐시 (not activated); a receipt already credited is ignored (False)."""
        _positive(amount)
        receipts = self.keys.wallet_receipts(business_number)
        if receipt and not self.redis.sadd(receipts, receipt):
            return False  # this application was credited already (a repeated event)
        expires = (self._today() + timedelta(days=days or self.free_days)).isoformat()

        def change(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
            left = self._free_left(data)
            if left:  # a top-up of a running grant keeps its state and the later expiry
                fields = {"free_balance": left + amount,
                          "free_granted": int(data.get("free_granted") or 0) + amount,
                          "free_expires_at": max(expires, data.get("free_expires_at") or "")}
            else:  # a new grant: waits for 사용하기 again
                fields = {"free_balance": amount, "free_granted": amount,
                          "free_activated": 0, "free_expires_at": expires}
            return fields, {"kind": "credit_free", "amount": amount, "receipt": receipt,
                            "expires_at": fields["free_expires_at"]}

        try:
            return self._apply(business_number, change, create=True)
        except Exception:
            if receipt:
                self.redis.srem(receipts, receipt)  # not credited: a retry may credit it
            raise

    def credit_paid(self, business_number: str, amount: int) -> None:
        """Top up 유상캐시 (refused while the wallet is 정지)."""
        _positive(amount)

        def change(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
            if data.get("status") == BLOCKED:
                raise SpendRefused("blocked")
            return ({"paid_balance": int(data.get("paid_balance") or 0) + amount},
                    {"kind": "credit_paid", "amount": amount})

        self._apply(business_number, change, create=True)

    def activate(self, business_number: str) -> bool:
        """Press 사용하기: the free cash starts counting (cannot be undone); False if it was."""

        def change(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
            if data.get("free_activated") == "1":
                return None
            if not self._free_left(data):
                raise SpendRefused("nothing_to_activate")
            return {"free_activated": 1}, {"kind": "activate"}

        return self._apply(business_number, change)

    def spend(self, business_number: str, amount: int) -> Spent:
        """Pay `amount` won: activated 무상캐시 first, then 유상캐시; all or nothing."""
        _positive(amount)
        paid_from: list[Spent] = []

        def change(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
            if data.get("status", ACTIVE) != ACTIVE:
                raise SpendRefused("not_active")
            free = self._free_left(data) if data.get("free_activated") == "1" else 0
            paid = int(data.get("paid_balance") or 0)
            if free + paid < amount:
                raise SpendRefused("insufficient")
            from_free = min(free, amount)
            spent = Spent(from_free, amount - from_free)
            paid_from[:] = [spent]
            fields = {"paid_balance": paid - spent.paid}
            if from_free:
                fields["free_balance"] = free - from_free
            return fields, {"kind": "spend", "amount": amount, "free": spent.free,
                            "paid": spent.paid}

        self._apply(business_number, change)
        return paid_from[0]

    def set_status(self, business_number: str, status: str) -> None:
        """Switch the wallet to 사용중 / 사용중지 / 정지 (ACTIVE / SUSPENDED / BLOCKED)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        self._apply(business_number,
                    lambda data: ({"status": status}, {"kind": "status", "status": status}))

    def _apply(self, business_number: str, change: Change, create: bool = False) -> bool:
        """Run `change` on the current fields atomically and record it; False: no change."""
        key = self.keys.wallet(business_number)
        ledger = self.keys.wallet_ledger(business_number)

        def transaction(pipe: redis.client.Pipeline) -> bool:
            data = pipe.hgetall(key)
            if not data and not create:
                raise SpendRefused("no_wallet")
            changed = change(data)
            if changed is None:
                return False
            fields, entry = changed
            now = self.clock()
            if not data:
                fields = {"status": ACTIVE, "free_balance": 0, "free_granted": 0,
                          "free_activated": 0, "paid_balance": 0, "created_at": now, **fields}
            pipe.multi()
            pipe.hset(key, mapping={**fields, "updated_at": f"{now:.3f}"})
            pipe.lpush(ledger, json.dumps({"at": now, **entry}, ensure_ascii=False))
            pipe.ltrim(ledger, 0, LEDGER_LENGTH - 1)
            return True

        return bool(self.redis.transaction(transaction, key, value_from_callable=True))


def _positive(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError("amount must be a positive whole number of won")
