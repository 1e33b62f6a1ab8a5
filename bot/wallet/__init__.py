"""Merchant wallets (비즈월렛): one interface, two backends.

`WALLET_BACKEND=http` talks to the wallet service (bot/wallet/http.py);
`sandbox` (the default) keeps an embedded ledger in Redis (bot/wallet/sandbox.py)
so the whole journey works offline. Both answer `lookup(business_number)` with a
`Lookup`; skills never see HTTP or Redis details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol


class Status(StrEnum):
    """A wallet's state, as the wallet service spells it."""

    ACTIVE = "ACTIVE"  # 사용중
    SUSPENDED = "SUSPENDED"  # 사용중지
    BLOCKED = "BLOCKED"  # 정지


class Outcome(StrEnum):
    """What a lookup found."""

    FOUND = "found"  # a fresh answer from the backend
    STALE = "stale"  # the service failed; this is its last good answer (see Lookup.as_of)
    NOT_FOUND = "not_found"  # no wallet for this business number
    UNAVAILABLE = "unavailable"  # the service failed and nothing recent is cached


ACTIVE, SUSPENDED, BLOCKED = Status
STATUSES = tuple(Status)
FOUND, STALE, NOT_FOUND, UNAVAILABLE = Outcome


class MalformedWallet(ValueError):
    """The wallet data does not have the agreed shape."""


@dataclass(frozen=True)
class Wallet:
    """One business's wallet; amounts in whole won."""

    business_number: str
    status: str
    free_balance: int  # 무상캐시 left
    free_granted: int  # 무상캐시 granted in total
    free_activated: bool  # 사용하기 pressed: only then does free cash count and get spent
    free_expires_at: str | None  # ISO date (or datetime) the free cash expires
    paid_balance: int  # 유상캐시
    updated_at: str | None = None  # ISO datetime of the balance, as the backend reports it

    @property
    def usable(self) -> int:
        """What can pay for messages now: 유상캐시 plus activated 무상캐시."""
        return self.paid_balance + (self.free_balance if self.free_activated else 0)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the cache."""
        return asdict(self)


@dataclass(frozen=True)
class Lookup:
    """A backend's answer for one business number."""

    outcome: Outcome
    wallet: Wallet | None = None
    as_of: float | None = None  # epoch seconds the answer came from the backend
    reason: str = ""  # why a lookup failed (timeout, http_500, malformed, breaker_open…)


class WalletBackend(Protocol):
    """What the wallet skill needs from a backend."""

    sandbox: bool

    def lookup(self, business_number: str, total: float | None = None) -> Lookup:
        """Return the wallet of a business (never raises for service trouble).

        `total` (seconds) lets a caller with more time than a skill turn wait longer.
        """
        ...


def _amount(value: Any, name: str) -> int:
    """A whole, non-negative number of won (JSON booleans and fractions refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedWallet(f"{name} must be a non-negative integer, got {type(value).__name__}")
    return value


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedWallet(f"{name} must be an object")
    return value


def _optional_text(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise MalformedWallet(f"{name} must be a string or null")


def parse_wallet(data: Any) -> Wallet:
    """Validate the service's JSON (README, "Wallet service contract") into a Wallet."""
    body = _mapping(data, "body")
    status = body.get("status")
    if status not in STATUSES:
        raise MalformedWallet(f"status must be one of {STATUSES}")
    number = body.get("business_number")
    if not isinstance(number, str) or not number.isdigit() or len(number) != 10:
        raise MalformedWallet("business_number must be 10 digits")
    free = _mapping(body.get("free_cash"), "free_cash")
    paid = _mapping(body.get("paid_cash"), "paid_cash")
    activated = free.get("activated")
    if not isinstance(activated, bool):
        raise MalformedWallet("free_cash.activated must be true or false")
    return Wallet(
        business_number=number,
        status=status,
        free_balance=_amount(free.get("balance"), "free_cash.balance"),
        free_granted=_amount(free.get("granted"), "free_cash.granted"),
        free_activated=activated,
        free_expires_at=_optional_text(free.get("expires_at"), "free_cash.expires_at"),
        paid_balance=_amount(paid.get("balance"), "paid_cash.balance"),
        updated_at=_optional_text(body.get("updated_at"), "updated_at"),
    )


def wallet_from_dict(data: Mapping[str, Any]) -> Wallet:
    """Rebuild a cached Wallet (the inverse of Wallet.to_dict)."""
    return Wallet(**{k: data[k] for k in Wallet.__dataclass_fields__ if k in data})
