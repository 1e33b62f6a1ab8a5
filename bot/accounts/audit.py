"""The audit log: who changed what in the console, when, with the before and after."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis

from ..core.keys import Keys

KEEP = 20_000  # newest entries kept
MAX_VALUE = 20_000  # characters of one before/after value kept (a whole template fits)


@dataclass(frozen=True)
class AuditEntry:
    """One change made through the console."""

    at: float
    who: str
    action: str  # e.g. template.save, application.approve, user.add
    target: str  # what was changed (template name, receipt, account…)
    before: Any = None
    after: Any = None


def _clip(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[:MAX_VALUE] + "…"
    return value


class AuditLog:
    """Append-only (trimmed to KEEP) list of AuditEntry in Redis, newest first."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def record(self, who: str, action: str, target: str, before: Any = None, after: Any = None,
               now: float | None = None) -> AuditEntry:
        """Write one entry."""
        entry = AuditEntry(now or time.time(), who, action, target, _clip(before), _clip(after))
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self.keys.console_audit(), json.dumps(asdict(entry), ensure_ascii=False,
                                                             default=str))
            pipe.ltrim(self.keys.console_audit(), 0, KEEP - 1)
            pipe.execute()
        return entry

    def recent(self, limit: int = 100, offset: int = 0, who: str | None = None,
               action: str | None = None) -> list[AuditEntry]:
        """The newest entries, optionally only one person's or one kind of action."""
        raw = self.redis.lrange(self.keys.console_audit(), offset, offset + limit * 5 - 1
                                if (who or action) else offset + limit - 1)
        entries = [AuditEntry(**json.loads(r)) for r in raw]
        if who:
            entries = [e for e in entries if e.who == who]
        if action:
            entries = [e for e in entries if e.action.startswith(action)]
        return entries[:limit]
