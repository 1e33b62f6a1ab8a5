"""The demo form (tests/support/demo_form.py) registered in the app, with a `demo` skill
that opens it."""

from __future__ import annotations

from typing import Any

from bot.conversation.pipeline import open_form
from bot.conversation.registry import FORMS, register_form, skill
from bot.conversation.reply import Reply
from tests.support.demo_form import DEMO


def register() -> None:
    """Register DEMO and its test-only `demo` skill, once per test run."""
    if "demo" in FORMS:
        return
    register_form(DEMO, "demo")

    @skill("demo")
    def demo_skill(req: Any, session: Any, svc: Any) -> Reply:
        """Open the demo form (test-only skill)."""
        return open_form("demo", req, session, svc)
