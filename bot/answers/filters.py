"""Jinja2 filters for Korean formatting in operator templates."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.core.clock import KST, WEEKDAYS, days_left, to_date

_DIGITS = re.compile(r"\D")








def won(value: Any) -> str:
    """300000 -> '300,000원'."""
    try:
        return f"{int(round(float(value))):,}원"
    except (TypeError, ValueError):
        return str(value)


def number(value: Any) -> str:
    """13636 -> '13,636'."""
    try:
        return f"{int(round(float(value))):,}"
    except (TypeError, ValueError):
        return str(value)


def date_ko(value: Any, weekday: bool = True) -> str:
    """A date as '2026년 11월 21일(토)'; unparseable input is shown as given."""
    d = to_date(value)
    if d is None:
        return "" if value is None else str(value)
    text = f"{d.year}년 {d.month}월 {d.day}일"
    return f"{text}({WEEKDAYS[d.weekday()]})" if weekday else text


def datetime_ko(value: Any) -> str:
    """A moment as '2026년 11월 21일(토) 14:05' in KST."""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, KST)
    elif isinstance(value, datetime):
        moment = value.astimezone(KST) if value.tzinfo else value
    else:
        return date_ko(value)
    return f"{date_ko(moment)} {moment:%H:%M}"




def dday(value: Any) -> str:
    """'D-3', 'D-DAY', or 'D+2' once passed; '' when the date is unknown."""
    n = days_left(value)
    if n is None:
        return ""
    if n == 0:
        return "D-DAY"
    return f"D-{n}" if n > 0 else f"D+{-n}"


def bizno(value: Any) -> str:
    """'1208147521' -> '120-81-47521'."""
    digits = _DIGITS.sub("", str(value or ""))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else str(value or "")


def mask_bizno(value: Any) -> str:
    """'1208147521' -> '120-81-*****' (the serial and check digit hidden)."""
    digits = _DIGITS.sub("", str(value or ""))
    return f"{digits[:3]}-{digits[3:5]}-*****" if len(digits) == 10 else "***-**-*****"


def phone(value: Any) -> str:
    """'01012345678' -> '010-1234-5678'."""
    digits = _DIGITS.sub("", str(value or ""))
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return str(value or "")


def mask_phone(value: Any) -> str:
    """'01012345678' -> '010-****-5678'."""
    digits = _DIGITS.sub("", str(value or ""))
    return f"{digits[:3]}-****-{digits[-4:]}" if len(digits) >= 10 else "***-****-****"


def josa(word: Any, pair: str) -> str:
    """Attach the right particle: josa('월렛', '이/가') -> '월렛이'."""
    text = str(word)
    with_final, without_final = (pair.split("/") + [""])[:2]
    last = text[-1:] if text else ""
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        if pair in ("으로/로", "(으)로") and final == 8:  # ㄹ takes 로
            return text + without_final
        return text + (with_final if final else without_final)
    return text + with_final if last.isdigit() and last in "013678" else text + without_final


FILTERS = {
    "won": won,
    "number": number,
    "date_ko": date_ko,
    "datetime_ko": datetime_ko,
    "dday": dday,
    "days_left": days_left,
    "bizno": bizno,
    "mask_bizno": mask_bizno,
    "phone": phone,
    "mask_phone": mask_phone,
    "josa": josa,
}
