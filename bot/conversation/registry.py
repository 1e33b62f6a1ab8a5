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
# A skill's shortcut to a read-only skill that answers a request exactly as it would (see
# skill(shortcut=…)), by skill.
SHORTCUTS: dict[str, Callable[[Any], str | None]] = {}
# Per-user hashes a skill reads, fetched with the lock (see skill(prefetch=…)), by skill.
PREFETCH: dict[str, tuple[str, ...]] = {}
FORMS: dict[str, FormEntry] = {}
# What free text each skill answers to (skill(answers_to=…)); the router's only vocabulary.
VOCABULARIES: dict[str, Vocabulary] = {}


@dataclass(frozen=True)
class Vocabulary:
    """The free text a skill answers to, compared after router.normalise (no spaces).

    `requests` ask the skill for what it holds, even when typed as a question ("잔액
    얼마예요"); `topics` only name its subject, so a command goes to the skill ("공고
    보여줘") and a question to the FAQ first ("지원사업 공고는 어디서 봐요?"); `exact`
    are whole messages (menu words). `claims` and `mentions` are the same two kinds
    read by a function where words fall short ("친구 500명한테 보내면"). With `about` a
    question *about* the thing ("잔액이 왜 안 보여요") goes to the FAQ even when it names
    a request. Lower `order` is tried first.
    """

    requests: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    claims: Callable[[str], bool] | None = None
    mentions: Callable[[str], bool] | None = None
    about: bool = True
    order: int = 100


@dataclass(frozen=True)
class FormEntry:
    """A form and the skill that owns it (the skill a merchant taps to open it)."""

    form: Form
    skill: str


def skill(name: str, read_only: bool = False,
          answers_to: Vocabulary | None = None,
          prefetch: tuple[str, ...] = (),
          shortcut: Callable[[Any], str | None] | None = None,
          ) -> Callable[[SkillHandler], SkillHandler]:
    """Register `handler(req, session, svc) -> Reply` as the skill `name` (URL /skill/<name>).

    A `read_only` skill promises not to change the session; when no form is active it runs
    without the per-user lock and without saving (any session change it made would be lost).
    `answers_to` is the free text the fallback's router sends to it (see Vocabulary).
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
        if answers_to is not None:
            VOCABULARIES[name] = answers_to
        if prefetch:
            PREFETCH[name] = tuple(prefetch)
        if shortcut is not None:
            SHORTCUTS[name] = shortcut
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
