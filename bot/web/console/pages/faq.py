"""Placeholder (being written)."""

from __future__ import annotations

from ..auth import area
from ..blueprint import bp


@bp.get("/faq")
@area("faq")
def faq_index() -> str:
    """Placeholder."""
    return "준비 중"
