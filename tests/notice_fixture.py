"""A small in-Redis stand-in for the notices feature's store (`svc.ext["notices"]`).

Only the narrow interface broadcasts depend on: `get(notice_id) -> dict | None`.
The integrator replaces it with the real notice store after merging.
"""

from __future__ import annotations

import json
from typing import Any

import redis


class FixtureNotices:
    """Notices kept as JSON strings under the test prefix."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, notice_id: str) -> str:
        return f"{self.prefix}:fixture-notice:{notice_id}"

    def put(self, notice: dict[str, Any]) -> dict[str, Any]:
        """Store a notice (must carry `id`)."""
        self.redis.set(self._key(str(notice["id"])), json.dumps(notice, ensure_ascii=False))
        return notice

    def get(self, notice_id: str) -> dict[str, Any] | None:
        """The notice, or None."""
        raw = self.redis.get(self._key(str(notice_id)))
        return json.loads(raw) if raw else None


def install(app: Any) -> FixtureNotices:
    """Attach the fixture store to an app's services as ext['notices']."""
    svc = app.extensions["bot"].services
    notices = FixtureNotices(svc.redis, svc.keys.prefix)
    svc.ext["notices"] = notices
    return notices
