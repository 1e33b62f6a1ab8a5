"""The centre's wallet beside a broadcast, in Korean for staff (console, `flask broadcast`)."""

from __future__ import annotations

from bot.core import wording

from .service import Funds


def funds_note(funds: Funds) -> str:
    """Why the centre's wallet went unchecked or falls short, or that its balance is old."""
    reason = funds.reason
    if reason == "no_setting":
        return wording.text("funds.no_setting")
    if reason == "bad_setting":
        return wording.text("funds.bad_setting")
    if reason == "lookup_not_found":
        return wording.text("funds.not_found")
    if reason.startswith("lookup_"):
        return wording.text("funds.unavailable")
    if reason == "inactive" and funds.values.get("status") == "BLOCKED":
        return wording.text("funds.blocked")
    if reason == "inactive":
        return wording.text("funds.suspended")
    if reason == "stale":
        return wording.text("funds.stale")
    return ""
