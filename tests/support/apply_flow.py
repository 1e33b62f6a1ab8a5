"""Helpers for the 지원금 신청 tests: walk the form, freeze the clock, build numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.clock import KST
from bot.merchants.bizno import check_digit
from tests.support.kakao import Chat, Said

# Answers in the form's order: (step name, what the merchant types or taps).
HAPPY: tuple[tuple[str, str], ...] = (
    ("bizno", "120-81-47521"),
    ("business_name", "단골분식"),
    ("representative", "홍길동"),
    ("revenue", "3억 원 이하"),
    ("channel", "@danggol"),
    ("business_channel", "네"),
    ("bizwallet", "네"),
    ("phone", "010-2468-1357"),
    ("privacy", "동의합니다"),
    ("alerts", "알림 받기"),
)
STEPS = tuple(name for name, _ in HAPPY)
NOON_KST = datetime(2026, 11, 21, 12, 0, tzinfo=KST).timestamp()


def valid_bizno(first_nine: str) -> str:
    """A well-formed number from its first nine digits, formatted 3-2-5."""
    digits = first_nine + str(check_digit(first_nine))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def freeze(app: Any, at: float = NOON_KST) -> list[float]:
    """Freeze the services' clock at `at`; the test moves it through the returned cell."""
    now = [at]
    app.extensions["bot"].services.clock = lambda: now[0]
    return now


def start(chat: Chat) -> Said:
    """Open the form from the intro's 시작하기 button."""
    intro = chat.say("지원금 신청", skill="apply")
    assert intro.template == "apply/intro", intro.templates
    return chat.tap("시작하기")


def fill(chat: Chat, upto: str | None = None, **answers: str) -> Said:
    """Start and answer every step before `upto` (all of them: reach the review)."""
    said = start(chat)
    for name, text in HAPPY:
        if name == upto:
            break
        said = chat.say(answers.get(name, text))
    return said


def press(chat: Chat, label: str) -> Said:
    """Press a card button of the last answer by its label."""
    assert chat.last is not None
    for button in chat.last.buttons:
        if button["label"] == label:
            return chat.say(button.get("messageText") or label, extra=button.get("extra"))
    raise AssertionError(f"no button {label!r}; have {[b['label'] for b in chat.last.buttons]}")
