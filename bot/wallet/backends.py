"""Build the configured wallet backend (WALLET_BACKEND=sandbox|http) from its settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import redis

from bot.core import events
from bot.core.keys import Keys
from bot.core.settings import WalletSettings
from bot.services import Services

from . import WalletBackend
from .breaker import Breaker
from .sandbox import SandboxWallet

if TYPE_CHECKING:
    from flask import Flask


log = logging.getLogger(__name__)

SANDBOX, HTTP = "sandbox", "http"

# Share of SKILL_BUDGET a misconfigured lookup is cut back to (2 × connect + read), and the
# most one connect attempt may take of it.
WALLET_BUDGET_SHARE = 0.75
WALLET_CONNECT_SHARE = 0.15


def build(settings: WalletSettings, budget: float, client: redis.Redis, keys: Keys,
          clock: Callable[[], float]) -> WalletBackend:
    """The backend WALLET_BACKEND names; a misconfiguration stops the app at start-up."""
    kind = settings.backend or SANDBOX
    if kind == SANDBOX:
        return SandboxWallet(client, keys, clock, settings.sandbox_free_cash_days)
    if kind != HTTP:
        raise ValueError(f"WALLET_BACKEND must be {SANDBOX!r} or {HTTP!r}, not {kind!r}")
    url, token = settings.api_url, settings.api_token
    if not url or not token:
        raise ValueError("WALLET_BACKEND=http needs WALLET_API_URL and WALLET_API_TOKEN")
    connect, read = settings.connect_timeout, settings.read_timeout
    if 2 * connect + read >= budget:
        # Capped rather than only warned about: within budget the merchant still gets the
        # cached (STALE) balance; past it, only the pipeline's generic apology.
        capped_connect = min(connect, budget * WALLET_CONNECT_SHARE)
        capped_read = max(budget * WALLET_BUDGET_SHARE - 2 * capped_connect, 0.1)
        log.warning("wallet timeouts (%.1fs connect ×2 + %.1fs read) exceed the %.1fs budget; "
                    "using %.2fs + %.2fs", connect, read, budget, capped_connect, capped_read)
        connect, read = capped_connect, capped_read
    breaker = Breaker(client, keys.wallet_breaker(), keys.wallet_probe(), clock,
                      threshold=settings.breaker_failures,
                      cooldown=settings.breaker_cooldown,
                      probe_ttl=2 * connect + read + 1)
    from .http import HttpWallet  # requests loads only for the HTTP backend

    return HttpWallet(url, token, client, keys, clock, breaker, connect_timeout=connect,
                      read_timeout=read, cache_ttl=settings.cache_ttl,
                      concurrency=settings.concurrency)


def init_app(app: Flask, services: Services) -> None:
    """Install the configured backend and `flask wallet`; the sandbox credits paid applications."""
    backend = build(services.features.wallet, float(services.config["SKILL_BUDGET"]),
                    services.redis, services.keys, lambda: services.clock())
    services.wallet = backend
    if isinstance(backend, SandboxWallet):
        # blinker holds a bound method weakly: connected exactly as long as the backend lives.
        events.application_paid.connect(backend.on_application_paid, sender=services)
