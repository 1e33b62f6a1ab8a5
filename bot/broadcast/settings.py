"""Broadcast settings (read from the app config) and the quiet-hours calendar."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot.core.clock import KST
from bot.core.redisconn import rq_url

MAX_BATCH = 100  # Kakao: at most 100 unique users per Event API call
VAT_TENTHS = 11  # price × 1.1, kept in integer tenths so no float rounding creeps in


def _num(cfg: Mapping[str, Any], name: str, default: float) -> float:
    value = cfg.get(name)
    return default if value in (None, "") else float(value)


def _clock_time(text: str) -> time:
    hours, _, minutes = str(text).partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class BroadcastSettings:
    """Every BROADCAST_* / KAKAO_* knob a broadcast uses, with embedded-mode defaults."""

    mode: str = "dry-run"  # dry-run | live
    api_base: str = "https://bot-api.kakao.com"
    bot_id: str = ""
    rest_api_key: str = ""
    event_name: str = "notice_push"
    rate: float = 5.0  # Event API calls per second (0 = unpaced)
    batch_size: int = MAX_BATCH
    max_attempts: int = 5
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    backoff_max: float = 30.0
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    poll_interval: float = 5.0  # seconds between task-status rounds
    poll_timeout: float = 1800.0  # give up waiting for Kakao's delivery results after this
    receipt_wait: float = 600.0  # seconds to wait for push receipts of an unconfirmed call
    unconfirmed: str = "resend"  # resend | hold: what to do when that wait ends with none
    lock_ttl: float = 5.0  # renewed by a heartbeat while the worker runs
    quiet_start: time = time(20, 50)
    quiet_end: time = time(8, 0)
    unit_price: int = 15  # won per message, VAT excluded
    consent_max_days: int = 730  # 정보통신망법 §50⑧: ad consent is reconfirmed every 2 years
    queue: str = "danggol"
    inline: bool = True  # run the job in this process (embedded mode) instead of RQ

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> BroadcastSettings:
        """Read the settings from a Flask config mapping (env strings or typed values)."""
        inline = cfg.get("BROADCAST_INLINE")
        return cls(
            mode=str(cfg.get("BROADCAST_MODE") or "dry-run").lower(),
            api_base=str(cfg.get("KAKAO_BOT_API") or cls.api_base).rstrip("/"),
            bot_id=str(cfg.get("KAKAO_BOT_ID") or ""),
            rest_api_key=str(cfg.get("KAKAO_REST_API_KEY") or ""),
            event_name=str(cfg.get("KAKAO_EVENT_NAME") or cls.event_name),
            rate=_num(cfg, "BROADCAST_RATE", cls.rate),
            batch_size=max(1, min(MAX_BATCH, int(_num(cfg, "BROADCAST_BATCH_SIZE", MAX_BATCH)))),
            max_attempts=max(1, int(_num(cfg, "BROADCAST_MAX_ATTEMPTS", cls.max_attempts))),
            backoff=_num(cfg, "BROADCAST_BACKOFF", cls.backoff),
            backoff_max=_num(cfg, "BROADCAST_BACKOFF_MAX", cls.backoff_max),
            connect_timeout=_num(cfg, "BROADCAST_CONNECT_TIMEOUT", cls.connect_timeout),
            read_timeout=_num(cfg, "BROADCAST_READ_TIMEOUT", cls.read_timeout),
            poll_interval=_num(cfg, "BROADCAST_POLL_INTERVAL", cls.poll_interval),
            poll_timeout=_num(cfg, "BROADCAST_POLL_TIMEOUT", cls.poll_timeout),
            receipt_wait=_num(cfg, "BROADCAST_RECEIPT_WAIT", cls.receipt_wait),
            unconfirmed=str(cfg.get("BROADCAST_UNCONFIRMED") or cls.unconfirmed).lower(),
            lock_ttl=_num(cfg, "BROADCAST_LOCK_TTL", cls.lock_ttl),
            quiet_start=_clock_time(cfg.get("BROADCAST_QUIET_START") or "20:50"),
            quiet_end=_clock_time(cfg.get("BROADCAST_QUIET_END") or "08:00"),
            unit_price=int(_num(cfg, "BROADCAST_UNIT_PRICE", cls.unit_price)),
            consent_max_days=int(_num(cfg, "BROADCAST_CONSENT_MAX_DAYS", cls.consent_max_days)),
            queue=str(cfg.get("BROADCAST_QUEUE") or cls.queue),
            # Embedded mode (no REDIS_URL), or a cluster without RQ_REDIS_URL, has no RQ
            # worker: run jobs in the CLI itself.
            inline=(str(inline).lower() in ("1", "true", "yes", "on")) if inline not in (
                None, "") else not rq_url(cfg),
        )

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
