"""Jinja filters the console pages share; their Korean words are in messages.yaml."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...applications.fields import REVENUE_CODES  # the form's choices
from ...core.clock import KST
from . import messages
from .blueprint import bp

# The stored revenue codes back to the choices merchants tapped (the form's own wording).
REVENUE_LABELS = {code: choice for choice, code in REVENUE_CODES.items()}


@bp.app_template_filter("kst")
def kst(moment: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Epoch seconds as a KST time ('-' when unset)."""
    if not moment:
        return "-"
    return datetime.fromtimestamp(float(moment), KST).strftime(fmt)


@bp.app_template_filter("comma")
def comma(value: Any) -> str:
    """1234567 → 1,234,567."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@bp.app_template_filter("label")
def label(value: Any, kind: str) -> str:
    """A code as staff read it (roles, statuses, skip reasons): `labels:` in messages.yaml."""
    if kind == "revenue":
        return REVENUE_LABELS.get(str(value), str(value))
    return messages.label(value, kind)


@bp.app_template_filter("problem")
def problem(found: Any) -> str:
    """A check's problem in Korean (its code's wording in messages.yaml)."""
    return messages.describe(found)
