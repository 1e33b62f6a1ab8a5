"""Build the configured wallet backend (WALLET_BACKEND=sandbox|http) from the app config."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import redis

from bot.core import events
from bot.core.keys import Keys
from bot.services import Services

from . import WalletBackend
from .breaker import Breaker
from .sandbox import SandboxWallet

if TYPE_CHECKING:
    from flask import Flask


log = logging.getLogger(__name__)

SANDBOX, HTTP = "sandbox", "http"

# Defaults of the wallet settings (README, "Configuration"); env values arrive as strings.
DEFAULTS: dict[str, float | int] = {
    "WALLET_CONNECT_TIMEOUT": 0.3,  # seconds
    "WALLET_READ_TIMEOUT": 0.8,  # seconds; 2 × connect + read stays inside the budget
    "WALLET_CACHE_TTL": 600,  # seconds the last good answer may stand in for a failing service
    "WALLET_BREAKER_FAILURES": 3,  # consecutive failures that open the breaker
    "WALLET_BREAKER_COOLDOWN": 30,  # seconds without calls once open
    "WALLET_CALLBACK_TIMEOUT": 20,  # seconds a callback job may wait for the service
    "WALLET_CONCURRENCY": 3,  # lookups in flight per process (the skill pool has 8 threads)
    "SANDBOX_FREE_CASH_DAYS": 90,  # demo expiry of sandbox 무상캐시 (the real one is 미확인)
    "WALLET_LOW_FREE_CASH": 30_000,  # won: heads-up when less 무상캐시 is left
    "WALLET_EXPIRY_WARN_DAYS": 14,  # days: heads-up when the 무상캐시 expires this soon
}


# Share of SKILL_BUDGET a misconfigured lookup is cut back to (2 × connect + read), and the
# most one connect attempt may take of it.
WALLET_BUDGET_SHARE = 0.75
WALLET_CONNECT_SHARE = 0.15


def setting(config: Mapping[str, Any], name: str) -> float:
    """A numeric wallet setting from the config, falling back to its default."""
    value = config.get(name)
    if value is None or value == "":
        return DEFAULTS[name]
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def build(config: Mapping[str, Any], client: redis.Redis, keys: Keys,
          clock: Callable[[], float]) -> WalletBackend:
    """The backend WALLET_BACKEND names; a misconfiguration stops the app at start-up."""
    kind = (config.get("WALLET_BACKEND") or SANDBOX).strip().lower()
    if kind == SANDBOX:
        return SandboxWallet(client, keys, clock, int(setting(config, "SANDBOX_FREE_CASH_DAYS")))
    if kind != HTTP:
        raise ValueError(f"WALLET_BACKEND must be {SANDBOX!r} or {HTTP!r}, not {kind!r}")
    url, token = config.get("WALLET_API_URL"), config.get("WALLET_API_TOKEN")
    if not url or not token:
        raise ValueError("WALLET_BACKEND=http needs WALLET_API_URL and WALLET_API_TOKEN")
    connect = setting(config, "WALLET_CONNECT_TIMEOUT")
    read = setting(config, "WALLET_READ_TIMEOUT")
    budget = float(config.get("SKILL_BUDGET") or 2.0)
    if 2 * connect + read >= budget:
        # Capped rather than only warned about: within budget the merchant still gets the
        # cached (STALE) balance; past it, only the pipeline's generic apology.
        capped_connect = min(connect, budget * WALLET_CONNECT_SHARE)
        capped_read = max(budget * WALLET_BUDGET_SHARE - 2 * capped_connect, 0.1)
        log.warning("wallet timeouts (%.1fs connect ×2 + %.1fs read) exceed the %.1fs budget; "
                    "using %.2fs + %.2fs", connect, read, budget, capped_connect, capped_read)
        connect, read = capped_connect, capped_read
    breaker = Breaker(client, keys.wallet_breaker(), keys.wallet_probe(), clock,
                      threshold=int(setting(config, "WALLET_BREAKER_FAILURES")),
                      cooldown=setting(config, "WALLET_BREAKER_COOLDOWN"),
                      probe_ttl=2 * connect + read + 1)
    from .http import HttpWallet  # requests loads only for the HTTP backend

    return HttpWallet(url, token, client, keys, clock, breaker, connect_timeout=connect,
                      read_timeout=read, cache_ttl=int(setting(config, "WALLET_CACHE_TTL")),
                      concurrency=int(setting(config, "WALLET_CONCURRENCY")))


def init_app(app: Flask, services: Services) -> None:
    """Install the configured backend and `flask wallet`; the sandbox credits paid applications."""
    backend = build(services.config, services.redis, services.keys, lambda: services.clock())
    services.wallet = backend
    if isinstance(backend, SandboxWallet):
        # blinker holds a bound method weakly: connected exactly as long as the backend lives.
        events.application_paid.connect(backend.on_application_paid, sender=services)
