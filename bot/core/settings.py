"""Typed settings per feature: frozen dataclasses, each field named after its variable.

bot/core/config.py builds them (it is the only reader of the environment) and hands them
to the features as `services.features`; no feature parses a setting by hand. A value
arrives as an environment string or, from tests and benches, already typed; an empty
string means "unset" (the default). A number that is not one stops the app at start-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from .clock import KST

S = TypeVar("S", bound="Settings")

MAX_BATCH = 100  # Kakao: at most 100 unique users per Event API call
VAT_TENTHS = 11  # price × 1.1, kept in integer tenths so no float rounding creeps in
TRUE = ("1", "true", "yes", "on")


def env(name: str, default: Any, kind: type | None = None) -> Any:
    """A field read from the variable `name` (its type: `kind`, else the default's)."""
    return field(default=default, metadata={"env": name, "kind": kind or type(default)})


def _clock_time(text: str) -> time:
    hours, _, minutes = str(text).partition(":")
    return time(int(hours), int(minutes or 0))


def convert(name: str, kind: type, raw: Any) -> Any:
    """An environment string as `kind` (a typed value passes through)."""
    if not isinstance(raw, str) or kind is str:
        return raw
    if kind is bool:
        return raw.strip().lower() in TRUE
    if kind is time:
        return _clock_time(raw)
    if kind in (int, float):
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {raw!r}") from None
        return int(number) if kind is int else number
    return raw


class Settings:
    """A feature's settings: built from a mapping of variable names to values."""

    @classmethod
    def from_mapping(cls: type[S], values: Mapping[str, Any]) -> S:
        """Read every field's variable from `values`; missing or empty keeps the default."""
        given = {}
        for f in fields(cls):  # type: ignore[arg-type]
            raw = values.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            given[f.name] = convert(f.metadata["env"], f.metadata["kind"], raw)
        return cls(**given)

    @classmethod
    def variables(cls) -> tuple[str, ...]:
        """The names of the variables this feature reads."""
        return tuple(f.metadata["env"] for f in fields(cls))  # type: ignore[arg-type]

    def as_env(self) -> dict[str, Any]:
        """The settings under their variable names (unset optional ones left out)."""
        return {f.metadata["env"]: getattr(self, f.name) for f in fields(self)  # type: ignore
                if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class WalletSettings(Settings):
    """The 비즈월렛 backend (bot/wallet) and the wallet skill's heads-ups."""

    backend: str = env("WALLET_BACKEND", "sandbox")  # sandbox | http
    api_url: str | None = env("WALLET_API_URL", None, str)
    api_token: str | None = env("WALLET_API_TOKEN", None, str)
    connect_timeout: float = env("WALLET_CONNECT_TIMEOUT", 0.3)  # seconds
    read_timeout: float = env("WALLET_READ_TIMEOUT", 0.8)  # 2 × connect + read < the budget
    cache_ttl: int = env("WALLET_CACHE_TTL", 600)  # seconds a last good answer may stand in
    breaker_failures: int = env("WALLET_BREAKER_FAILURES", 3)  # consecutive, to open it
    breaker_cooldown: float = env("WALLET_BREAKER_COOLDOWN", 30.0)  # seconds without calls
    callback_timeout: float = env("WALLET_CALLBACK_TIMEOUT", 20.0)  # a callback job's wait
    concurrency: int = env("WALLET_CONCURRENCY", 3)  # lookups in flight per process
    sandbox_free_cash_days: int = env("SANDBOX_FREE_CASH_DAYS", 90)  # demo expiry (미확인)
    low_free_cash: int = env("WALLET_LOW_FREE_CASH", 30_000)  # won: heads-up below this
    expiry_warn_days: int = env("WALLET_EXPIRY_WARN_DAYS", 14)  # heads-up this soon

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", self.backend.strip().lower())


@dataclass(frozen=True)
class CallbackSettings(Settings):
    """Kakao callbacks: slow answers POSTed later (bot/conversation/callbacks.py)."""

    mode: str = env("CALLBACK_MODE", "")  # inline | rq; unset: rq when RQ has a Redis
    hosts: str = env("KAKAO_CALLBACK_HOSTS", "kakao.com")  # allowed callback origins, comma list
    post_timeout: float = env("CALLBACK_POST_TIMEOUT", 5.0)  # total deadline of the POST
    min_delay: float = env("CALLBACK_MIN_DELAY", 1.0)  # a POST racing the ack may be refused
    workers: int = env("CALLBACK_WORKERS", 4)  # in-process executor threads (embedded mode)
    queue_limit: int = env("CALLBACK_QUEUE_LIMIT", 32)  # jobs in process before callbacks stop
    queue: str = env("CALLBACK_QUEUE", "danggol-callbacks")  # the RQ queue

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", self.mode.strip().lower())


@dataclass(frozen=True)
class IntakeSettings(Settings):
    """The outside endpoint applications are POSTed to (bot/applications/service.py)."""

    url: str = env("APPLICATION_INTAKE_URL", "")  # unset: applications stay in Redis only
    token: str | None = env("APPLICATION_INTAKE_TOKEN", None, str)  # Bearer token
    timeout: float = env("APPLICATION_INTAKE_TIMEOUT", 1.0)  # read timeout, seconds

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", self.url.strip())


@dataclass(frozen=True)
class NoticeSettings(Settings):
    """Support notices: the 기업마당 importer, the samples, the list's page size."""

    bizinfo_key: str | None = env("BIZINFO_API_KEY", None, str)  # unset: the samples load
    bizinfo_url: str | None = env("BIZINFO_API_URL", None, str)  # unset: bizinfo.DEFAULT_URL
    bizinfo_timeout: float = env("BIZINFO_TIMEOUT", 20.0)  # read timeout, seconds
    bizinfo_page_size: int = env("BIZINFO_PAGE_SIZE", 100)
    bizinfo_pause: float = env("BIZINFO_PAUSE", 1.5)  # seconds between pages
    bizinfo_max_pages: int = env("BIZINFO_MAX_PAGES", 30)
    sample_file: str | None = env("NOTICES_SAMPLE_FILE", None, str)  # unset: data/ samples
    page_size: int = env("NOTICES_PAGE_SIZE", 5)  # notices per list card (1–10)


@dataclass(frozen=True)
class FaqSettings(Settings):
    """The FAQ's score bands (unset: the matcher's calibrated ones) and follow-up window."""

    high: float | None = env("FAQ_HIGH", None, float)
    low: float | None = env("FAQ_LOW", None, float)
    follow_up_seconds: float = env("FAQ_FOLLOW_UP_SECONDS", 600.0)


@dataclass(frozen=True)
class BroadcastSettings(Settings):
    """Every BROADCAST_* / KAKAO_* knob a broadcast uses, with embedded-mode defaults."""

    mode: str = env("BROADCAST_MODE", "dry-run")  # dry-run | live
    api_base: str = env("KAKAO_BOT_API", "https://bot-api.kakao.com")
    bot_id: str = env("KAKAO_BOT_ID", "")
    rest_api_key: str = env("KAKAO_REST_API_KEY", "")
    event_name: str = env("KAKAO_EVENT_NAME", "notice_push")
    rate: float = env("BROADCAST_RATE", 5.0)  # Event API calls per second (0 = unpaced)
    batch_size: int = env("BROADCAST_BATCH_SIZE", MAX_BATCH)
    max_attempts: int = env("BROADCAST_MAX_ATTEMPTS", 5)
    backoff: float = env("BROADCAST_BACKOFF", 0.5)  # seconds before the 1st retry; doubles
    backoff_max: float = env("BROADCAST_BACKOFF_MAX", 30.0)
    connect_timeout: float = env("BROADCAST_CONNECT_TIMEOUT", 3.0)
    read_timeout: float = env("BROADCAST_READ_TIMEOUT", 10.0)
    poll_interval: float = env("BROADCAST_POLL_INTERVAL", 5.0)  # seconds between status rounds
    poll_timeout: float = env("BROADCAST_POLL_TIMEOUT", 1800.0)  # stop waiting for results
    receipt_wait: float = env("BROADCAST_RECEIPT_WAIT", 600.0)  # for an unconfirmed call
    unconfirmed: str = env("BROADCAST_UNCONFIRMED", "resend")  # resend | hold, after that wait
    lock_ttl: float = env("BROADCAST_LOCK_TTL", 5.0)  # renewed by a heartbeat while running
    quiet_start: time = env("BROADCAST_QUIET_START", time(20, 50))
    quiet_end: time = env("BROADCAST_QUIET_END", time(8, 0))
    unit_price: int = env("BROADCAST_UNIT_PRICE", 15)  # won per message, VAT excluded
    consent_max_days: int = env("BROADCAST_CONSENT_MAX_DAYS", 730)  # 정보통신망법 §50⑧
    queue: str = env("BROADCAST_QUEUE", "danggol")  # the RQ queue (intake retries use it too)
    wallet_business: str = env("BROADCAST_WALLET_BUSINESS", "")  # the centre's wallet
    # Run jobs in this process instead of RQ; unset: when RQ has no Redis (embedded mode,
    # or a cluster without RQ_REDIS_URL). config.py resolves it.
    inline: bool | None = env("BROADCAST_INLINE", None, bool)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", self.mode.lower())
        object.__setattr__(self, "unconfirmed", self.unconfirmed.lower())
        object.__setattr__(self, "api_base", self.api_base.rstrip("/"))
        object.__setattr__(self, "batch_size", max(1, min(MAX_BATCH, self.batch_size)))
        object.__setattr__(self, "max_attempts", max(1, self.max_attempts))

    # -- money ---------------------------------------------------------------
    def cost(self, recipients: int) -> int:
        """Wallet cost in won: recipients × price × 1.1, the total's fraction rounded up."""
        return math.ceil(recipients * self.unit_price * VAT_TENTHS / 10)

    @property
    def dry_run(self) -> bool:
        """Nothing is sent: quiet hours (which protect recipients) do not hold a dry run."""
        return self.mode != "live"

    # -- quiet hours ---------------------------------------------------------
    def is_quiet(self, ts: float) -> bool:
        """Whether `ts` falls in the no-send window (20:50–08:00 KST by default)."""
        now = datetime.fromtimestamp(ts, KST).time()
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= now < end
        return now >= start or now < end  # the window wraps midnight

    def next_open(self, ts: float) -> float:
        """The first moment at or after `ts` outside quiet hours."""
        if not self.is_quiet(ts):
            return ts
        now = datetime.fromtimestamp(ts, KST)
        opening = datetime.combine(now.date(), self.quiet_end, KST)
        if opening <= now:
            opening += timedelta(days=1)
        return opening.timestamp()


@dataclass(frozen=True)
class Features:
    """Every feature's settings, on `services.features`."""

    wallet: WalletSettings = field(default_factory=WalletSettings)
    callbacks: CallbackSettings = field(default_factory=CallbackSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    notices: NoticeSettings = field(default_factory=NoticeSettings)
    faq: FaqSettings = field(default_factory=FaqSettings)
    broadcast: BroadcastSettings = field(default_factory=BroadcastSettings)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Features:
        """Every feature's settings from one mapping of variable names."""
        return cls(**{f.name: f.default_factory().from_mapping(values)  # type: ignore[misc]
                      for f in fields(cls)})

    @classmethod
    def variables(cls) -> tuple[str, ...]:
        """Every variable the features read."""
        return tuple(name for f in fields(cls)
                     for name in f.default_factory().variables())  # type: ignore[misc]

    def as_env(self) -> dict[str, Any]:
        """Every set value under its variable name."""
        return {k: v for f in fields(self) for k, v in getattr(self, f.name).as_env().items()}

    def with_inline(self, inline: bool) -> Features:
        """Broadcast jobs' default place resolved (when BROADCAST_INLINE is unset)."""
        if self.broadcast.inline is not None:
            return self
        return replace(self, broadcast=replace(self.broadcast, inline=inline))
