"""상담 hours: read the operators' `operator_hours` setting and tell whether now (KST) is inside.

The setting is free Korean text an operator writes, e.g. "평일 10:00~18:00" or
"월~금 09:30-18:00, 토 10:00-13:00 (공휴일 제외)". Parenthesised remarks are shown but
not parsed (public holidays are not known here, so the bot never claims someone is there
now; it only says so when the hours are over). Empty means the centre has not said: the
bot shows no hours at all. Templates call `consult(settings.operator_hours)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import KST

DAYS = "월화수목금토일"  # index = datetime.weekday()
GROUPS = {"평일": range(0, 5), "주중": range(0, 5), "주말": range(5, 7), "매일": range(0, 7),
          "연중무휴": range(0, 7), "24시간": range(0, 7)}
_REMARK = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*시?\s*[-~∼〜]\s*(\d{1,2})(?::(\d{2}))?\s*시?")
_DAY_RANGE = re.compile(rf"([{DAYS}])(?:요일)?\s*[-~∼〜]\s*([{DAYS}])(?:요일)?")
_DAY = re.compile(rf"([{DAYS}])(?:요일)?")


@dataclass(frozen=True)
class Window:
    """Open on `days` (0 = Monday) from `start` to `end`, minutes after midnight."""

    days: frozenset[int]
    start: int
    end: int


def parse(text: str | None) -> tuple[Window, ...] | None:
    """The windows the text names; None when it is empty or cannot be read as hours."""
    cleaned = _REMARK.sub(" ", str(text or ""))
    windows: list[Window] = []
    for chunk in re.split(r"[,;/\n]|그리고", cleaned):
        times = _TIME.search(chunk)
        if times is None:
            continue
        start = int(times[1]) * 60 + int(times[2] or 0)
        end = int(times[3]) * 60 + int(times[4] or 0)
        days = _days(chunk[:times.start()])
        if not days or not 0 <= start < end <= 24 * 60:
            return None  # a chunk we cannot read: never guess
        windows.append(Window(frozenset(days), start, end))
    return tuple(windows) or None


def _days(text: str) -> set[int]:
    """Weekdays named before a time range ("평일", "월~금", "월·수·금"); none named: every day."""
    found: set[int] = set()
    for word, days in GROUPS.items():
        if word in text:
            found.update(days)
            text = text.replace(word, " ")  # the 일 of 평일 is no Sunday
    for first, last in _DAY_RANGE.findall(text):
        a, b = DAYS.index(first), DAYS.index(last)
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        text = text.replace(first, " ").replace(last, " ")
    found.update(DAYS.index(d) for d in _DAY.findall(text))
    return found or set(range(7))


def is_open(windows: tuple[Window, ...], moment: datetime) -> bool:
    """Whether `moment` (KST) falls inside a window."""
    minute = moment.hour * 60 + moment.minute
    return any(moment.weekday() in w.days and w.start <= minute < w.end for w in windows)


def next_open(windows: tuple[Window, ...], moment: datetime) -> datetime | None:
    """The start of the next window after `moment` (KST), within a week."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(8):
        date = day + timedelta(days=offset)
        starts = sorted(date + timedelta(minutes=w.start) for w in windows
                        if date.weekday() in w.days)
        for begin in starts:
            if begin > moment:
                return begin
    return None


def status(setting: Any, now: float) -> dict[str, Any]:
    """What templates need: the hours text, whether it is closed now, when it opens next.

    `closed` is True only when the hours could be read and now is outside them; `hours`
    is "" when the setting is empty (the bot then shows no hours).
    """
    text = " ".join(str(setting or "").split())
    windows = parse(text)
    if windows is None:
        return {"hours": text, "closed": False, "next_open": None}
    moment = datetime.fromtimestamp(now, KST)
    if is_open(windows, moment):
        return {"hours": text, "closed": False, "next_open": None}
    upcoming = next_open(windows, moment)
    return {"hours": text, "closed": True,
            "next_open": upcoming.timestamp() if upcoming else None}


def template_global(clock: Callable[[], float]) -> Callable[[Any], dict[str, Any]]:
    """`consult(settings.operator_hours)` for templates, on the services' clock."""
    def consult(setting: Any = None) -> dict[str, Any]:
        return status(setting, clock())
    return consult
