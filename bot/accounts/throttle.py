"""Login throttling: failed attempts counted per account and per client address."""

from __future__ import annotations

import redis

from ..core.keys import Keys


class LoginThrottle:
    """After `limit` failures an account (or `address_limit` an address) waits out `window`."""

    def __init__(self, client: redis.Redis, keys: Keys, limit: int, address_limit: int,
                 window: int) -> None:
        self.redis = client
        self.keys = keys
        self.limit = limit
        self.address_limit = address_limit
        self.window = window

    def blocked(self, name: str, address: str) -> int:
        """Seconds until a login may be tried again (0: allowed now)."""
        keys = self._keys(name, address)
        with self.redis.pipeline(transaction=False) as pipe:
            for key, _ in keys:
                pipe.get(key)
                pipe.ttl(key)
            values = pipe.execute()
        wait = 0
        for i, (_, limit) in enumerate(keys):
            count, ttl = int(values[2 * i] or 0), int(values[2 * i + 1] or 0)
            if count >= limit:
                wait = max(wait, ttl if ttl > 0 else self.window)
        return wait

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt for the account and the address.

        The two counters are independent (and may live on different cluster slots), so the
        pipeline is not a transaction: each key's SET NX + INCR still starts its window first.
        """
        with self.redis.pipeline(transaction=False) as pipe:
            for key, _ in self._keys(name, address):
                pipe.set(key, 0, ex=self.window, nx=True)  # the window starts at the first
                pipe.incr(key)
            pipe.execute()

    def succeeded(self, name: str) -> None:
        """A right password clears the account's count (the address keeps its own)."""
        self.redis.delete(self.keys.console_login_failures("user", name.strip().lower()))

    def _keys(self, name: str, address: str) -> list[tuple[str, int]]:
        return [(self.keys.console_login_failures("user", name.strip().lower()), self.limit),
                (self.keys.console_login_failures("addr", address), self.address_limit)]
