"""Placeholder (being written)."""

from __future__ import annotations

from ..auth import area
from ..blueprint import bp


@bp.get("/stats")
@area("stats")
def stats_page() -> str:
    """Placeholder."""
    return "준비 중"
