"""A circuit breaker whose state lives in Redis, so every gunicorn worker shares it.

Closed: calls go through; `threshold` consecutive failures open it. Open: no
calls for `cooldown` seconds (merchants get the cached answer at once instead of
waiting for timeouts). Half-open: after the cooldown exactly one caller (a Redis
SET NX probe) tries the service; success closes the breaker, failure reopens it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class Breaker:
    """Shared failure counter and open-until time for one outside service."""

    def __init__(self, client: redis.Redis, key: str, probe_key: str,
                 clock: Callable[[], float], threshold: int = 3, cooldown: float = 30.0,
                 probe_ttl: float = 5.0) -> None:
        self.redis = client
        self.key = key
        self.probe_key = probe_key
        self.clock = clock
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.probe_ttl = probe_ttl
        # Forget stale failures eventually, but never while the breaker is open.
        self.ttl = int(cooldown * 2 + 300)

    def _open_until(self) -> float:
        return float(self.redis.hget(self.key, "open_until") or 0)

    def state(self) -> str:
        """closed, open, or half-open (cooldown over, waiting for a probe's result)."""
        open_until = self._open_until()
        if not open_until:
            return CLOSED
        return OPEN if self.clock() < open_until else HALF_OPEN

    def allow(self) -> bool:
        """Whether this caller may call the service now."""
        state = self.state()
        if state == CLOSED:
            return True
        if state == OPEN:
            return False
        # Half-open: one trial call for all workers; the probe key expires if its caller dies.
        return bool(self.redis.set(self.probe_key, "1", nx=True,
                                   px=int(self.probe_ttl * 1000)))

    def success(self) -> None:
        """The service answered: close the breaker."""
        self.redis.delete(self.key, self.probe_key)

    def failure(self) -> None:
        """The service failed: count it, and open (or reopen) the breaker when due."""
        if self._open_until():  # a half-open probe failed: wait another cooldown
            self._trip()
            return
        failures = self.redis.hincrby(self.key, "failures", 1)
        self.redis.expire(self.key, self.ttl)
        if failures >= self.threshold:
            self._trip()

    def _trip(self) -> None:
        self.redis.hset(self.key, mapping={"open_until": f"{self.clock() + self.cooldown:.3f}",
                                           "failures": 0})
        self.redis.expire(self.key, self.ttl)
        self.redis.delete(self.probe_key)
        log.warning("wallet service breaker open for %.0fs", self.cooldown)
