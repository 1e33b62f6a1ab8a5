"""The skill and form registries: decorators that store handlers in plain dicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dialog import Form

SkillHandler = Callable[..., Any]

SKILLS: dict[str, SkillHandler] = {}
FORMS: dict[str, FormEntry] = {}


@dataclass(frozen=True)
class FormEntry:
    """A form and the skill that owns it (the skill a merchant taps to open it)."""

    form: Form
    skill: str


def skill(name: str) -> Callable[[SkillHandler], SkillHandler]:
    """Register `handler(req, session, svc) -> Reply` as the skill `name` (URL /skill/<name>)."""

    def register(handler: SkillHandler) -> SkillHandler:
        if name in SKILLS:
            raise ValueError(f"skill {name!r} is already registered by {SKILLS[name].__module__}")
        SKILLS[name] = handler
        return handler

    return register


def register_form(form: Form, skill_name: str) -> Form:
    """Register a form so an active draft can be routed back to it."""
    if form.name in FORMS:
        raise ValueError(f"form {form.name!r} is already registered")
    FORMS[form.name] = FormEntry(form, skill_name)
    return form
