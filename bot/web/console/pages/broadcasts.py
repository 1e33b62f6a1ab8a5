"""Placeholder (being written)."""

from __future__ import annotations

from ..auth import area
from ..blueprint import bp


@bp.get("/broadcasts")
@area("broadcasts")
def broadcasts_index() -> str:
    """Placeholder."""
    return "준비 중"
