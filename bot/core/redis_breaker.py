"""A per-process circuit breaker on the Redis connection: a frozen Redis costs one timeout, not one
per request.

A Redis that stops answering (a stopped process, a saturated host, a network partition that
drops packets) is worse than one that is down: every command waits out the socket timeout,
and a sync gunicorn worker that spends that long on each request falls behind the traffic
until Kakao's 5 seconds pass for everyone queued. So the first timeout opens the breaker: for
`cooldown` seconds every command of this process fails at once with `RedisUnavailable` (a
`redis.ConnectionError`, answered with the polite common/unavailable like any Redis error)
without touching the socket. Then one command at a time is let through as the probe: if
Redis answers, the breaker closes; if not, it stays open for another cooldown.

Only timeouts open it. A refused connection fails fast by itself, and a dropped idle connection
is a normal event that must not cost a second of apologies; but while the breaker is
half-open, any error of the probe keeps it open. The state is per process on purpose: it
needs no shared store (the shared store is what is failing) and each worker learns in one
timeout.

redis-py loads only with the first guarded client (`guard()`, called by connect()), so this
module stays as light as the rest of bot/core.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import metrics

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

CLOSED, OPEN = "closed", "open"


@functools.cache
def unavailable_error() -> type[Exception]:
    """RedisUnavailable: a redis.ConnectionError, so callers answer it like any Redis error."""
    import redis

    class RedisUnavailable(redis.ConnectionError):
        """The breaker is open: the command was not sent."""

    RedisUnavailable.__module__ = __name__
    return RedisUnavailable


def __getattr__(name: str) -> Any:
    if name == "RedisUnavailable":  # made on first use: it subclasses redis's own error
        return unavailable_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class RedisBreaker:
    """Open after a timeout; after `cooldown` seconds, one probe at a time tests recovery."""

    def __init__(self, cooldown: float = 1.0, probe_ttl: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown = cooldown
        self.probe_ttl = probe_ttl  # a probe that never reports back is replaced after this
        self.clock = clock
        self.state = CLOSED
        self.open_until = 0.0
        self.opened_at: float | None = None
        self._probe: object | None = None  # the connection sending the probe
        self._probe_since = 0.0
        self._lock = threading.Lock()

    def before(self, conn: object) -> None:
        """Let `conn` use the socket now, or raise RedisUnavailable at once."""
        if self.state == CLOSED:  # the hot path takes no lock
            return
        with self._lock:
            if self.state == CLOSED or conn is self._probe:
                return
            now = self.clock()
            probe_lost = self._probe is not None and now - self._probe_since > self.probe_ttl
            if now >= self.open_until and (self._probe is None or probe_lost):
                self._probe, self._probe_since = conn, now  # half-open: this one probes
                return
        raise unavailable_error()("redis breaker open: not waiting for an unresponsive Redis")

    def timed_out(self, conn: object) -> None:
        """A command waited out its socket timeout: open (or keep open) the breaker."""
        with self._lock:
            was = self.state
            now = self.clock()
            self.state, self.open_until, self._probe = OPEN, now + self.cooldown, None
            if was == CLOSED:
                self.opened_at = now
        if was == CLOSED:
            metrics.breaker_state("redis", True)
            log.error("redis did not answer in time: failing fast for %.1fs, then probing",
                      self.cooldown)

    def errored(self, conn: object) -> None:
        """Another connection error: only a failed probe counts (see the module docstring)."""
        if self.state != CLOSED and conn is self._probe:
            self.timed_out(conn)

    def answered(self, conn: object) -> None:
        """Redis answered this connection: a successful probe closes the breaker."""
        if self.state == CLOSED:
            return
        with self._lock:
            if self.state == CLOSED or conn is not self._probe:
                return  # a reply that was already on its way when the breaker opened
            down = self.clock() - (self.opened_at or self.clock())
            self.state, self._probe, self.opened_at = CLOSED, None, None
        metrics.breaker_state("redis", False)
        log.warning("redis answers again after %.1fs: breaker closed", down)

    def snapshot(self) -> dict[str, Any]:
        """State for the readiness check."""
        return {"state": self.state,
                "retry_in": round(max(self.open_until - self.clock(), 0.0), 2)
                if self.state == OPEN else 0.0}


@functools.cache
def _guarded_mixin() -> type:
    """The mixin class (made once, when the first client is guarded: it needs redis)."""
    import redis

    class _GuardedConnection:
        """Mixed in before a redis-py connection class: every socket use asks the breaker first."""

        breaker: RedisBreaker  # set on the generated subclass (see guard())

        def connect_check_health(self, *args: Any, **kwargs: Any) -> Any:
            """Connect (TCP, then AUTH/SELECT) unless the breaker is open."""
            self.breaker.before(self)
            try:
                return super().connect_check_health(*args, **kwargs)  # type: ignore[misc]
            except redis.TimeoutError:
                self.breaker.timed_out(self)
                raise
            except redis.ConnectionError:
                self.breaker.errored(self)
                raise

        def send_packed_command(self, command: Any, check_health: bool = True) -> None:
            """Send unless the breaker is open."""
            self.breaker.before(self)
            try:
                super().send_packed_command(command, check_health)  # type: ignore[misc]
            except redis.TimeoutError:
                self.breaker.timed_out(self)
                raise
            except redis.ConnectionError:
                self.breaker.errored(self)
                raise

        def read_response(self, *args: Any, **kwargs: Any) -> Any:
            """Read a reply; a timeout opens the breaker, an answer closes a probing one."""
            try:
                response = super().read_response(*args, **kwargs)  # type: ignore[misc]
            except redis.TimeoutError:
                self.breaker.timed_out(self)
                raise
            except redis.ConnectionError:
                self.breaker.errored(self)
                raise
            except redis.ResponseError:
                self.breaker.answered(self)  # an error reply is still an answer
                raise
            self.breaker.answered(self)
            return response

    return _GuardedConnection


def guarded_class(base: type, breaker: RedisBreaker) -> type:
    """A connection class like `base` whose every socket use asks `breaker` first."""
    return type(f"Guarded{base.__name__}", (_guarded_mixin(), base), {"breaker": breaker})


def guard(client: redis.Redis, breaker: RedisBreaker) -> redis.Redis:
    """Put `breaker` in front of every connection `client`'s pool will make."""
    pool = client.connection_pool
    pool.connection_class = guarded_class(pool.connection_class, breaker)
    pool.disconnect()  # connections made before this point would bypass the breaker
    client.breaker = breaker  # type: ignore[attr-defined]  # for /readyz
    return client


def breaker_of(client: redis.Redis) -> RedisBreaker | None:
    """The breaker guard() put on `client`, if any."""
    return getattr(client, "breaker", None)
