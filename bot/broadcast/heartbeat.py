"""Keeps a running worker's broadcast lock alive; a dead worker's lock lapses in seconds.

The lock is short-lived (BROADCAST_LOCK_TTL, 5 s by default) and a thread renews
it every third of that while the worker runs — through quiet waits, delivery
polling and the receipt wait alike. A worker killed with SIGKILL stops renewing,
so the next `send` takes over within one TTL instead of refusing for minutes.
"""

from __future__ import annotations

import logging
import threading

import redis

log = logging.getLogger(__name__)

# Renew only our own lock: another worker's token is left alone.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class Heartbeat:
    """A daemon thread renewing one lock until stopped (or until the lock is lost)."""

    def __init__(self, client: redis.Redis, key: str, token: str, ttl: float) -> None:
        self.client = client
        self.key = key
        self.token = token
        self.ttl = ttl
        self.lost = threading.Event()  # set when the lock was found taken or gone
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lock-heartbeat:{key}",
                                        daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.ttl)

    def _beat(self) -> None:
        interval = max(self.ttl / 3, 0.05)
        while not self._stop.wait(interval):
            try:
                renewed = self.client.eval(_RENEW, 1, self.key, self.token,
                                           int(self.ttl * 1000))
            except redis.RedisError as exc:  # a blip: the next beat tries again within TTL
                log.warning("broadcast lock heartbeat failed: %s", type(exc).__name__)
                continue
            if not renewed:
                log.error("broadcast lock %s was lost; the worker stops at its next call",
                          self.key)
                self.lost.set()
                return
