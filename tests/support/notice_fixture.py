"""Seed the real notice store (`svc.notices`) from short test records."""

from __future__ import annotations

from typing import Any

from bot.notices.store import NATIONWIDE, from_fields


class SeedNotices:
    """Turns a test record (id, title, org, category, region(s), url, deadline) into a Notice."""

    def __init__(self, app: Any) -> None:
        self.store = app.extensions["bot"].services.notices

    def put(self, record: dict[str, Any]) -> dict[str, Any]:
        """Save the record as a real notice through the notice store."""
        regions = record.get("regions") or [record.get("region")]
        fields = {
            "id": record["id"], "title": record["title"], "url": record.get("url"),
            "agency": record.get("org"), "category": record.get("category"),
            "regions": [r for r in regions if r and r != NATIONWIDE],
            "period": f"2026-01-01 ~ {record['deadline']}" if record.get("deadline") else "상시",
            "target": "소상공인",
        }
        self.store.put(from_fields(fields, source="manual"))
        return record


def install(app: Any) -> SeedNotices:
    """The seeding helper for an app (the real store is already installed by create_app)."""
    return SeedNotices(app)
