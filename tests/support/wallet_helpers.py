"""Shared values and fixtures for the wallet tests: numbers, a frozen clock, service JSON.

Test modules import the fixtures they use (`clock_fixture`, …: pytest finds them by name).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.core.clock import KST

BIZ = "1208147521"  # valid (program-facts §2.2 example 1)
OTHER_BIZ = "1248100998"  # valid (example 2)
API = "https://wallet.test/api"
TOKEN = "test-token-123"
WALLET_URL = f"{API}/wallets/{BIZ}"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=KST).timestamp()  # a Saturday noon in Korea
HTTP_SETTINGS = {"WALLET_BACKEND": "http", "WALLET_API_URL": API, "WALLET_API_TOKEN": TOKEN}


def wallet_json(**changes: Any) -> dict[str, Any]:
    """A wallet service answer (README contract); nested keys as free_cash__balance=…."""
    body: dict[str, Any] = {
        "business_number": BIZ,
        "status": "ACTIVE",
        "free_cash": {"balance": 241_750, "granted": 300_000, "activated": True,
                      "expires_at": "2027-03-31"},
        "paid_cash": {"balance": 20_000},
        "updated_at": "2026-11-21T11:58:00+09:00",
    }
    for key, value in changes.items():
        outer, _, inner = key.partition("__")
        if inner:
            body[outer][inner] = value
        else:
            body[outer] = value
    return body


class Clock:
    """A movable clock for services.clock (`clock.now += 31`)."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    """A movable clock, not yet attached to any app."""
    return Clock()


@pytest.fixture(name="services")
def services_fixture(app: Any, clock: Clock) -> Any:
    """The app's services with the clock frozen at NOW."""
    services = app.extensions["bot"].services
    services.clock = clock
    return services


@pytest.fixture(name="sandbox")
def sandbox_fixture(services: Any) -> Any:
    """The app's sandbox wallet backend."""
    return services.wallet
