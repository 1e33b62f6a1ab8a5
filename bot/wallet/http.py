"""The wallet service client: `GET {WALLET_API_URL}/wallets/{business_number}`.

Built to answer inside the skill's 2-second budget whatever the service does:
(connect, read) timeouts and a total deadline for the whole lookup (a service
that drips its answer is cut off, bot/core/http_deadline.py), one retry on connection
errors only, a Redis circuit breaker shared by all workers, a bulkhead so that at
most a few skill threads of a process wait on the service (bot/core/bulkhead.py), and
the last good answer kept in Redis for a short while and shown (with its time)
when the service fails.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import redis
import requests

from bot.answers.filters import mask_bizno
from bot.core import bulkhead
from bot.core.http_deadline import call, deadline_in
from bot.core.keys import Keys

from . import FOUND, NOT_FOUND, STALE, UNAVAILABLE, Lookup, Wallet, parse_wallet, wallet_from_dict
from .breaker import Breaker

log = logging.getLogger(__name__)


class ServiceFailure(Exception):
    """The service did not give a usable answer; `reason` names how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WalletNotFound(Exception):
    """The service knows no wallet for this business number (HTTP 404)."""


class HttpWallet:
    """Wallet backend over the wallet service's HTTP API."""

    sandbox = False

    def __init__(self, base_url: str, token: str, client: redis.Redis, keys: Keys,
                 clock: Callable[[], float], breaker: Breaker, *,
                 connect_timeout: float = 0.3, read_timeout: float = 0.8,
                 cache_ttl: int = 600, session: requests.Session | None = None,
                 total_timeout: float | None = None, concurrency: int = 3) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.redis = client
        self.keys = keys
        self.clock = clock
        self.breaker = breaker
        self.timeout = (connect_timeout, read_timeout)
        # The whole lookup (both attempts) ends by then, however the service answers.
        self.total_timeout = total_timeout or 2 * connect_timeout + read_timeout
        self.bulkhead = bulkhead.Bulkhead("wallet", concurrency)
        self.cache_ttl = cache_ttl
        self.session = session or requests.Session()  # keep-alive: no TLS handshake per lookup

    def url(self, business_number: str) -> str:
        """The wallet resource of one business."""
        return f"{self.base_url}/wallets/{business_number}"

    def lookup(self, business_number: str, total: float | None = None) -> Lookup:
        """Fresh answer, else the cached one, else UNAVAILABLE; never raises for the service.

        `total` overrides the lookup's total deadline (a callback job may wait longer).
        """
        with self.bulkhead.enter() as entered:
            if not entered:  # enough threads already wait on the service: do not add one
                log.warning("wallet bulkhead full (%d calls in flight)", self.bulkhead.limit)
                return self._fallback(business_number, "busy")
            if not self.breaker.allow():
                return self._fallback(business_number, "breaker_open")
            # A patient caller waits for the whole answer: the read timeout grows with it.
            timeout = (self.timeout[0], max(total, self.timeout[1])) if total else self.timeout
            return self._call(business_number, deadline_in(total or self.total_timeout),
                              timeout)

    def _call(self, business_number: str, deadline: float,
              timeout: tuple[float, float]) -> Lookup:
        try:
            wallet = self._fetch(business_number, deadline, timeout)
        except WalletNotFound:
            if bulkhead.abandoned():
                return self._gave_up(business_number)
            self.breaker.success()  # the service works; this business simply has no wallet
            self.redis.delete(self.keys.wallet_cache(business_number))
            return Lookup(NOT_FOUND, reason="not_found")
        except ServiceFailure as failure:
            self.breaker.failure()
            return self._fallback(business_number, failure.reason)
        if bulkhead.abandoned():
            return self._gave_up(business_number)
        now = self.clock()
        self.breaker.success()
        self.redis.set(self.keys.wallet_cache(business_number),
                       json.dumps({"wallet": wallet.to_dict(), "at": now}), ex=self.cache_ttl)
        return Lookup(FOUND, wallet, now)

    def _gave_up(self, business_number: str) -> Lookup:
        """The budget guard abandoned this turn while we waited: too slow counts as failed."""
        log.warning("wallet answer came after the turn was given up; counted as a failure")
        self.breaker.failure()
        return self._fallback(business_number, "abandoned")

    def _get(self, business_number: str, deadline: float,
             timeout: tuple[float, float]) -> requests.Response:
        """GET with timeouts; a connection error (nothing was served) is retried once."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        for attempt in (1, 2):
            try:
                return call(self.session, "GET", self.url(business_number), deadline=deadline,
                            timeout=timeout, headers=headers, allow_redirects=False)
            except requests.ConnectionError as exc:  # includes ConnectTimeout
                if attempt == 2:
                    log.warning("wallet service unreachable: %s", type(exc).__name__)
                    raise ServiceFailure("connection") from None
            except requests.Timeout:  # read timeout or deadline: the service is slow
                log.warning("wallet service timed out (read %.1fs, total %.1fs)",
                            self.timeout[1], self.total_timeout)
                raise ServiceFailure("timeout") from None
            except requests.RequestException as exc:
                log.warning("wallet service request failed: %s", type(exc).__name__)
                raise ServiceFailure("request") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, business_number: str, deadline: float,
               timeout: tuple[float, float]) -> Wallet:
        """One checked answer of the service."""
        response = self._get(business_number, deadline, timeout)
        status = response.status_code
        if status == 404:
            raise WalletNotFound(business_number)
        if status in (401, 403):
            log.error("wallet service refused our credentials (HTTP %s): "
                      "check WALLET_API_TOKEN and WALLET_API_URL", status)
            raise ServiceFailure("unauthorized")
        if status != 200:
            log.warning("wallet service answered HTTP %s", status)
            raise ServiceFailure(f"http_{status}")
        try:
            wallet = parse_wallet(response.json())
        except ValueError as exc:  # invalid JSON or a body off the contract
            log.error("wallet service sent a malformed answer: %s", str(exc)[:200])
            raise ServiceFailure("malformed") from None
        if wallet.business_number != business_number:
            # Never show one business another business's wallet.
            log.error("wallet service answered for %s when asked for %s",
                      mask_bizno(wallet.business_number), mask_bizno(business_number))
            raise ServiceFailure("mismatch")
        return wallet

    def _fallback(self, business_number: str, reason: str) -> Lookup:
        """The last good answer (STALE) if still cached, else UNAVAILABLE."""
        raw = self.redis.get(self.keys.wallet_cache(business_number))
        try:
            cached = json.loads(raw) if raw else None
            if cached:
                return Lookup(STALE, wallet_from_dict(cached["wallet"]), float(cached["at"]),
                              reason)
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable wallet cache entry dropped")
            self.redis.delete(self.keys.wallet_cache(business_number))
        return Lookup(UNAVAILABLE, reason=reason)
