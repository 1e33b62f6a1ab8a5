"""Placeholder (being written)."""

from __future__ import annotations

from ..auth import area
from ..blueprint import bp


@bp.get("/settings")
@area("settings")
def settings_page() -> str:
    """Placeholder."""
    return "준비 중"
