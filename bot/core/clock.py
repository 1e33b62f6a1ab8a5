"""The project's clock: Korea's time zone and the KST dates every feature reasons in."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

KST = timezone(timedelta(hours=9))
WEEKDAYS = "월화수목금토일"  # Monday first, as datetime.weekday() counts


def to_date(value: Any) -> date | None:
    """Coerce a date, datetime, epoch seconds, or ISO / YYYYMMDD string to a KST date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return (value.astimezone(KST) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return today_of(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed.astimezone(KST) if parsed.tzinfo else parsed).date()


def today_of(now: float) -> date:
    """The KST date of an epoch time (pass svc.clock(), which tests freeze)."""
    return datetime.fromtimestamp(now, KST).date()


def today_kst() -> date:
    """Today's date in Korea, where every merchant is."""
    return datetime.now(KST).date()


def days_left(value: Any, today: date | None = None) -> int | None:
    """Whole days from today (KST) to the date; negative once passed."""
    d = to_date(value)
    if d is None:
        return None
    return (d - (today or today_kst())).days
