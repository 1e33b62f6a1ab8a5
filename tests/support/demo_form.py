"""A small demo form for the dialog engine's tests and documentation.

Flow: 이름 → 규모 (작음/보통/큼/초대형; 초대형 ends the form) → 팀원 수 (skipped
for 작음) → 전화 (sensitive) → review → on_complete. Templates: demo/*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.conversation.dialog import Form, Invalid, Step, Turn
from bot.conversation.reply import Reply

SIZES = ("작음", "보통", "큼", "초대형")
HUGE = "초대형"
SMALL = "작음"

_URL = re.compile(r"https?://|www\.|\.(com|kr|net)\b", re.IGNORECASE)
_PHONE = re.compile(r"0\d{8,10}")
_TEAM = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class DemoEnv:
    """Stand-in for the services object; `submit_fails` makes on_complete refuse."""

    submit_fails: bool = False


def parse_name(turn: Turn) -> str:
    """Accept 2–20 characters that are not a link."""
    name = " ".join(turn.text.split())
    if not 2 <= len(name) <= 20 or _URL.search(name):
        raise Invalid("demo/invalid_name", {"length": len(name)})
    return name


def parse_size(turn: Turn) -> str:
    """Accept one of the listed sizes."""
    size = turn.text.strip()
    if size not in SIZES:
        raise Invalid("demo/invalid_size", {"given": size})
    return size


def parse_team(turn: Turn) -> int:
    """Accept a whole number of people from 1 to 99 ("5" or "5명")."""
    digits = turn.text.strip().removesuffix("명").strip()
    if not _TEAM.fullmatch(digits) or int(digits) == 0:
        raise Invalid("demo/invalid_team")
    return int(digits)


def parse_phone(turn: Turn) -> str:
    """Accept a Korean phone number, with or without dashes; keep digits only."""
    digits = re.sub(r"[\s-]", "", turn.text)
    if not _PHONE.fullmatch(digits):
        raise Invalid("demo/invalid_phone")
    return digits


def is_small(answers: Mapping[str, Any]) -> bool:
    """A small shop has no team to count."""
    return answers.get("size") == SMALL


def too_big(size: Any, answers: Mapping[str, Any]) -> Reply | None:
    """End the form for shops beyond the program's limit."""
    return Reply.of("demo/too_big", {"size": size}) if size == HUGE else None


def submit(answers: Mapping[str, Any], env: Any) -> Reply:
    """Pretend to file the application; the env can make it fail."""
    if getattr(env, "submit_fails", False):
        raise Invalid("demo/submit_failed", {"retry": True})
    return Reply.of("demo/done", {"name": answers["name"]})


DEMO = Form(
    "demo",
    title="데모 신청서",
    intro="demo/intro",
    review="demo/review",
    on_complete=submit,
    steps=(
        Step("name", "이름", "demo/ask_name", parse_name, example="홍길동"),
        Step("size", "규모", "demo/ask_size", parse_size, choices=SIZES, ends=too_big),
        Step("team", "팀원 수", "demo/ask_team", parse_team, skip=is_small,
             help="demo/help_team", example="5"),
        Step("phone", "전화", "demo/ask_phone", parse_phone, sensitive=True,
             example="010-1234-5678"),
    ),
)
