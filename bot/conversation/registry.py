"""The skill and form registries: decorators that store handlers in plain dicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dialog import Form

SkillHandler = Callable[..., Any]

SKILLS: dict[str, SkillHandler] = {}
READ_ONLY: set[str] = set()  # skills that never change the session (see skill(read_only=…))
# Per-user hashes a skill reads, fetched with the lock (see skill(prefetch=…)), by skill.
PREFETCH: dict[str, tuple[str, ...]] = {}
FORMS: dict[str, FormEntry] = {}


@dataclass(frozen=True)
class FormEntry:
    """A form and the skill that owns it (the skill a merchant taps to open it)."""

    form: Form
    skill: str


def skill(name: str, read_only: bool = False,
          prefetch: tuple[str, ...] = ()) -> Callable[[SkillHandler], SkillHandler]:
    """Register `handler(req, session, svc) -> Reply` as the skill `name` (URL /skill/<name>).

    A `read_only` skill promises not to change the session; when no form is active it runs
    without the per-user lock and without saving (any session change it made would be lost).
    `prefetch` names per-user hash keys (methods of bot.core.keys.Keys taking the user id,
    e.g. "merchant") the skill reads: they come in the same round trip as the lock and the
    session, in `session.fetched`, so the skill need not ask Redis for them again.
    """

    def register(handler: SkillHandler) -> SkillHandler:
        if name in SKILLS:
            raise ValueError(f"skill {name!r} is already registered by {SKILLS[name].__module__}")
        SKILLS[name] = handler
        if read_only:
            READ_ONLY.add(name)
        if prefetch:
            PREFETCH[name] = tuple(prefetch)
        return handler

    return register


def register_form(form: Form, skill_name: str) -> Form:
    """Register a form so an active draft can be routed back to it."""
    if form.name in FORMS:
        raise ValueError(f"form {form.name!r} is already registered")
    FORMS[form.name] = FormEntry(form, skill_name)
    return form


# Features that may answer free text no route claimed, keyed by handler (re-importing a skill
# module replaces its entry instead of adding a second one).
ANSWERERS: dict[str, tuple[int, SkillHandler]] = {}


def answers_free_text(order: int) -> Callable[[SkillHandler], SkillHandler]:
    """Register `answerer(req, session, svc) -> Reply | None` for the fallback (lower order first).

    The fallback asks each in turn; the first reply wins, None passes the text on.
    """

    def register(answerer: SkillHandler) -> SkillHandler:
        ANSWERERS[f"{answerer.__module__}.{answerer.__qualname__}"] = (order, answerer)
        return answerer

    return register


def free_text_answerers() -> list[SkillHandler]:
    """The registered free-text answerers in their order."""
    return [answerer for _, answerer in sorted(ANSWERERS.values(), key=lambda pair: pair[0])]
