"""The form engine: walks a user through a Form one answer at a time, with no I/O.

It only decides. Given a form, the stored state and what the user said, it returns
the next state and a Reply made of template names. Storage (Redis) and rendering
(Flask, Jinja) live elsewhere, so this module must never import them; the state is
a plain JSON dict that the caller stores (python-telegram-bot's handler/persistence
split).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache, reduce
from typing import Any

from bot.core.text import key

from . import understand
from .reply import Part, Reply

# -- what users type -----------------------------------------------------------
# Matched after normalise() and with spaces removed: users often drop the spacing.
BACK_WORDS = ("이전", "뒤로", "이전으로", "뒤로 가기", "이전 단계")
CANCEL_WORDS = ("취소", "그만", "신청 취소", "그만하기", "중단")
RESTART_WORDS = ("처음부터", "다시 시작", "처음부터 다시", "처음으로")
HELP_WORDS = ("도움말", "도움", "help")
OPERATOR_WORDS = ("상담원 연결", "상담원", "상담", "상담사 연결", "상담사")
PAUSE_WORDS = ("나중에", "나중에 할게요", "나중에 이어서", "나중에 이어서 하기", "다음에 할게요")
YES_WORDS = ("네", "예", "응", "확인", "넵", "네네", "좋아요", "맞아요", "그래요", "ㅇㅇ",
             "yes", "ok")
NO_WORDS = ("아니요", "아니오", "아니", "아뇨", "아니에요", "ㄴㄴ", "no", "계속", "계속하기")
RESUME_WORDS = ("이어서 하기", "이어서", "이어 하기", "계속하기", "계속")
FRESH_WORDS = ("새로 시작", "처음부터", "새로 하기")
SUBMIT_WORDS = ("제출", "제출하기", "신청하기")
KEEP_WORDS = ("그대로", "그대로 두기", "유지")  # keep the value re-shown by back or edit
EDIT_SUFFIX = "수정"  # label + EDIT_SUFFIX (with or without a space) reopens that field

# Natural answers ("네 맞아요", "아니 됐어요", "상호 바꿀래요", "이어서 할래요") and what reads as
# a question are understood by bot/understand.py, the one place for those rules.


# -- state ---------------------------------------------------------------------
STATE_VERSION = 1
REVIEW = "__review__"  # the step name stored while the review is shown
# The same message again this soon is a double tap (its first copy was answered already):
# the form shows where it stands instead of taking the message a second time.
REPEAT_WINDOW = 1.0  # seconds
PENDING_CANCEL = "cancel"
PENDING_RESTART = "restart"
PENDING_RESUME = "resume"
_PENDING = (PENDING_CANCEL, PENDING_RESTART, PENDING_RESUME)

# clientExtra keys a button may set so its label can change without breaking matching.
EXTRA_COMMAND = "command"  # "cancel" | "restart" | "back" | "help" | "operator" | "keep" |
#                            "pause" | "submit" | "yes" | "no" | "resume" | "fresh"
EXTRA_EDIT = "edit"  # a step name to reopen from the review

_COMMANDS = (
    ("cancel", CANCEL_WORDS),
    ("restart", RESTART_WORDS),
    ("back", BACK_WORDS),
    ("help", HELP_WORDS),
    ("operator", OPERATOR_WORDS),
    ("pause", PAUSE_WORDS),
)



# -- the model -----------------------------------------------------------------
class Invalid(Exception):
    """Raised by a parser (or on_complete) to reject an answer with an error template."""

    def __init__(self, template: str, context: Mapping[str, Any] | None = None) -> None:
        super().__init__(template)
        self.template = template
        self.context: dict[str, Any] = dict(context or {})


@dataclass(frozen=True)
class Turn:
    """What a parser sees: the utterance, the answers so far, the services, the button extra."""

    text: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    env: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)


Choices = tuple[str, ...] | Callable[[Mapping[str, Any]], tuple[str, ...]]


@dataclass(frozen=True)
class Step:
    """One question of a form: its template, its parser and when it applies."""

    name: str
    label: str
    ask: str
    parse: Callable[[Turn], Any]
    choices: Choices = ()
    skip: Callable[[Mapping[str, Any]], bool] | None = None
    help: str | None = None
    example: str | None = None
    sensitive: bool = False
    ends: Callable[[Any, Mapping[str, Any]], Reply | None] | None = None
    # Other words merchants use for this field ("가게 이름" for 상호): "가게 이름 바꿀래요"
    # reopens it like "상호 수정".
    aliases: tuple[str, ...] = ()
    # How the review shows the answer: the review template switches on it (wording there).
    show: str = "text"


@dataclass(frozen=True)
class Form:
    """An ordered list of steps, an optional review and what to do with the answers."""

    name: str
    steps: tuple[Step, ...]
    on_complete: Callable[[Mapping[str, Any], Any], Reply]
    review: str | None = None
    intro: str | None = None
    title: str = ""  # the form's name in the shared dialog/* templates ("…작성을 취소했어요")
    # A key of the operators' settings (templates/settings.yaml) whose value, when not
    # empty, replaces `title`: operators rename a form without a code change.
    title_setting: str = ""
    max_misses: int = 3
    # Whether every step always applies (none has `skip`): set from the steps, not given.
    unconditional: bool = field(init=False, repr=False, compare=False, default=False)

    def __post_init__(self) -> None:
        """Reject a malformed form at import time rather than mid-conversation."""
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "unconditional", all(s.skip is None for s in self.steps))
        names = [step.name for step in self.steps]
        if not names:
            raise ValueError(f"form {self.name!r} has no steps")
        if len(set(names)) != len(names):
            raise ValueError(f"form {self.name!r} has duplicate step names")
        if REVIEW in names or "" in names:
            raise ValueError(f"form {self.name!r} uses a reserved step name")
        if self.max_misses < 1:
            raise ValueError(f"form {self.name!r} needs max_misses >= 1")

    def titled(self, settings: Mapping[str, Any]) -> Form:
        """This form under the title the operators' settings give it (itself otherwise)."""
        value = settings.get(self.title_setting) if self.title_setting else None
        title = "" if value is None else str(value).strip()
        if not title or title == self.title:
            return self
        return replace(self, title=title)

    def step(self, name: str) -> Step:
        """Return the step called `name` (KeyError if the form has none)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)


class Reason(StrEnum):
    """Why a turn ended as it did (Outcome.reason); the funnel and the pipeline read it."""

    STARTED = "started"
    ANSWERED = "answered"
    KEPT = "kept"  # 그대로: the value re-shown by back or edit kept
    INVALID = "invalid"  # the answer was refused (or on_complete refused the answers)
    INTERRUPTED = "interrupted"  # a side question answered; the step asked again
    BACK = "back"
    NO_BACK = "no_back"  # 이전 at the first step
    HELP = "help"
    OPERATOR = "operator"
    PAUSED = "paused"  # the caller keeps the state as a draft only and leaves the form
    PENDING = "pending"  # a confirmation (cancel, restart, resume) is asked
    DECLINED = "declined"  # the confirmation was declined
    EDIT = "edit"
    REVIEW = "review"
    OFFERED = "offered"  # "continue where you left off?" shown
    RESUME = "resume"
    RESTARTED = "restarted"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    ENDED = "ended"  # an answer ended the form (not eligible)
    REPEAT = "repeat"  # a double tap: nothing taken, the prompt shown again


@dataclass(frozen=True)
class Outcome:
    """The result of one turn: the state to store (None = form over) and the reply.

    `reason` says why (`Reason`). For PAUSED the caller keeps `state` as a draft only and
    leaves the form (free text is free again until the user resumes).
    """

    state: dict[str, Any] | None
    reply: Reply
    finished: bool
    reason: Reason


@dataclass(frozen=True)
class _Call:
    """One advance() call's inputs, bundled so the handlers stay small."""

    form: Form
    text: str
    now: float
    env: Any
    extra: Mapping[str, Any]
    interrupt: Callable[[str], Reply | None] | None


# -- public API ----------------------------------------------------------------
def start(form: Form, now: float, env: Any = None) -> Outcome:
    """Open a fresh form at its first step (env is accepted for symmetry with advance)."""
    state = _fresh(form, now)
    reply = ask(form, state)
    if form.intro:
        intro = Reply.of(form.intro, {"form_title": form.title,
                                      "step_total": len(_active(form, {}))})
        reply = intro.then(reply)
    return Outcome(state, reply, False, Reason.STARTED)


def ask(form: Form, state: Mapping[str, Any]) -> Reply:
    """Return the question for the state's current step (or the review), with navigation."""
    state = _repair(form, state)
    answers = state["answers"]
    if state["step"] == REVIEW:
        return _review(form, answers)
    step = form.step(state["step"])
    names = [s.name for s in _active(form, answers)]
    question = {
        "answers": dict(answers),
        "current": answers.get(step.name),
        "choices": list(_choices(step, answers)),
        "step_no": names.index(step.name) + 1 if step.name in names else 1,
        "step_total": len(names),
        "editing": state["editing"],
        "form_title": form.title,
        "step_label": step.label,
        "sensitive": step.sensitive,
    }
    nav = {
        "can_back": bool(state["history"]) or state["editing"],
        "has_help": step.help is not None,
        "editing": state["editing"],
        "can_keep": step.name in answers,
    }
    return Reply(parts=(Part(step.ask, question), Part("dialog/nav", nav, chrome=True)))


def advance(
    form: Form,
    state: Mapping[str, Any],
    text: str,
    now: float,
    *,
    env: Any = None,
    extra: Mapping[str, Any] | None = None,
    interrupt: Callable[[str], Reply | None] | None = None,
    arrived: float | None = None,
) -> Outcome:
    """Handle one utterance: confirmations, commands, the review, then the step's answer.

    `arrived` is when the message came in on a steady clock (the caller's request
    clock, not the business `now`): the same message again within REPEAT_WINDOW is a
    double tap and is not taken twice.
    """
    call = _Call(form, text or "", now, env, dict(extra or {}), interrupt)
    s = _repair(form, state)
    turn = _turn_key(call)
    if (arrived is not None and turn == s["last_turn"] and s["last_at"] is not None
            and 0 <= arrived - s["last_at"] < REPEAT_WINDOW):
        s["updated_at"] = now  # the window stays anchored at the first copy (last_at)
        return Outcome(s, _prompt(form, s), False, Reason.REPEAT)
    s.update(updated_at=now, last_turn=turn, last_at=arrived)
    if s["pending"] == PENDING_RESUME:
        return _on_resume_offer(call, s)
    answer_first = _is_choice(form, s, call.text)
    command = None if answer_first else _command(call, s)
    edit = None if answer_first else _edit_target(call, s)
    if s["pending"]:
        confirmed = _on_confirm(call, s, command, edit)
        if confirmed is not None:
            return confirmed
        s["pending"] = None
    if command is not None:
        return _COMMAND_HANDLERS[command](call, s)
    if edit is not None:
        return _edit(call, s, edit)
    if s["step"] == REVIEW:
        return _on_review(call, s)
    return _on_answer(call, s, form.step(s["step"]))


def offer_resume(form: Form, draft_state: Mapping[str, Any], now: float) -> Outcome:
    """Offer an unfinished draft back: RESUME_WORDS resume it, FRESH_WORDS start over."""
    s = _repair(form, draft_state)
    if not (s["pending"] == PENDING_RESUME and s["saved_at"] is not None):
        s["saved_at"] = s["updated_at"]  # a repeated offer keeps the first saved time
    s.update(pending=PENDING_RESUME, misses=0, updated_at=now)
    return Outcome(s, _resume_offer(form, s), False, Reason.OFFERED)


def current_step(form: Form, state: Mapping[str, Any]) -> Step | None:
    """Return the step being asked, or None while the review is shown."""
    name = _repair(form, state)["step"]
    return None if name == REVIEW else form.step(name)


@dataclass(frozen=True)
class Position:
    """Where a stored state stands, for callers that watch the engine (the form funnel).

    `step` is the step being asked (REVIEW while the review shows): a turn on this state
    answers, refuses or detours at that step, whatever the outcome's state asks next.
    `answered` holds the steps that have an answer; `first_missing` is the first applicable
    step without one (REVIEW when all are answered, None for a form without a review):
    the furthest the merchant has been asked, unless a changed answer made a skipped step apply.
    """

    step: str
    answered: frozenset[str]
    first_missing: str | None
    offered: bool  # the resume offer is showing: the step is not being asked


def position(form: Form, state: Mapping[str, Any] | None) -> Position | None:
    """Where `state` stands (None: no state, or one this form cannot read)."""
    if not state:
        return None
    try:
        s = _repair(form, state)
    except ValueError:
        return None
    answers = s["answers"]
    return Position(s["step"], frozenset(answers), _first_missing(form, answers),
                    s["pending"] == PENDING_RESUME)


def refused_submission(before: Position | None, outcome: Outcome) -> bool:
    """Whether an "invalid" outcome is on_complete refusing the answers, not a step an answer.

    At the review it always is. At a step (a form without a review, completed by its last
    answer) a refused submission leaves the miss count at 0, a refused answer never does.
    """
    if outcome.reason != Reason.INVALID or outcome.state is None:
        return False
    if before is not None and before.step == REVIEW:
        return True
    return not outcome.state.get("misses")


def looks_like_question(text: str) -> bool:
    """Tell whether a free-text answer reads like a question rather than an answer."""
    return understand.question(text)


# -- state helpers ---------------------------------------------------------------
def _fresh(form: Form, now: float) -> dict[str, Any]:
    """Build the state of a form that has just been opened."""
    first = _first_missing(form, {})
    if first is None:
        raise ValueError(f"form {form.name!r} has nothing to ask")
    state = {
        "v": STATE_VERSION, "form": form.name, "step": first, "answers": {},
        "history": [], "misses": 0, "editing": False, "pending": None,
        "saved_at": None, "started_at": now, "updated_at": now, "last_turn": None,
        "last_at": None,
    }
    return state


def _repair(form: Form, state: Mapping[str, Any]) -> dict[str, Any]:
    """Copy a stored state, filling gaps and fixing steps a changed form no longer has."""
    if state.get("form") != form.name:
        raise ValueError(f"state belongs to form {state.get('form')!r}, not {form.name!r}")
    if state.get("v", STATE_VERSION) != STATE_VERSION:
        raise ValueError(f"unknown dialog state version {state.get('v')!r}")
    answers = _prune(form, dict(state.get("answers") or {}))
    step = _valid_step(form, answers, state.get("step"))
    pending = state.get("pending")
    return {
        "v": STATE_VERSION,
        "form": form.name,
        "step": step,
        "answers": answers,
        "history": _history(form, answers, step),
        "misses": int(state.get("misses") or 0),
        "editing": bool(state.get("editing")) and step != REVIEW,
        "pending": pending if pending in _PENDING else None,
        "saved_at": state.get("saved_at"),
        "started_at": state.get("started_at", state.get("updated_at")),
        "updated_at": state.get("updated_at"),
        "last_turn": state.get("last_turn"),  # the last message taken (see REPEAT_WINDOW)
        "last_at": state.get("last_at"),
    }


def _valid_step(form: Form, answers: Mapping[str, Any], step: Any) -> str:
    """Return `step` if it can be asked now, else where the user should be instead."""
    missing = _first_missing(form, answers)
    if step == REVIEW and form.review and missing == REVIEW:
        return REVIEW
    if step in {s.name for s in _active(form, answers)}:
        return str(step)
    # The form changed since the draft was saved (or the review has gaps).
    return missing if missing is not None else _active(form, answers)[-1].name


def _place(s: dict[str, Any], form: Form, step: str, *, editing: bool = False) -> dict[str, Any]:
    """Return the state moved to `step`, with a clean miss count and history."""
    return {
        **s,
        "step": step,
        "history": _history(form, s["answers"], step),
        "misses": 0,
        "editing": editing and step != REVIEW,
        "pending": None,
    }


def _skipped(step: Step, answers: Mapping[str, Any]) -> bool:
    """Tell whether `step` does not apply given the answers so far."""
    return step.skip is not None and bool(step.skip(dict(answers)))


def _active(form: Form, answers: Mapping[str, Any]) -> list[Step]:
    """Return the steps that apply given the answers so far."""
    if form.unconditional:  # no step has a skip rule: a turn asks this ~17 times
        return list(form.steps)
    return [step for step in form.steps if not _skipped(step, answers)]


def _prune(form: Form, answers: dict[str, Any]) -> dict[str, Any]:
    """Drop answers of unknown steps and of steps that a changed answer made skipped."""
    known = {step.name for step in form.steps}
    kept = {name: value for name, value in answers.items() if name in known}
    for step in form.steps:
        if step.name in kept and _skipped(step, kept):
            del kept[step.name]
    return kept


def _history(form: Form, answers: Mapping[str, Any], step: str) -> list[str]:
    """Return the answered steps before `step`, in order: what BACK_WORDS walk through."""
    names = []
    for active in _active(form, answers):
        if active.name == step:
            break
        if active.name in answers:
            names.append(active.name)
    return names


def _after(form: Form, answers: Mapping[str, Any], name: str) -> str | None:
    """Return the step after `name` that applies, else the review (None: nothing left)."""
    names = [step.name for step in form.steps]
    for step in form.steps[names.index(name) + 1:]:
        if not _skipped(step, answers):
            return step.name
    return REVIEW if form.review else None


def _first_missing(form: Form, answers: Mapping[str, Any]) -> str | None:
    """Return the first applicable unanswered step, else the review (None: nothing left)."""
    for step in _active(form, answers):
        if step.name not in answers:
            return step.name
    return REVIEW if form.review else None


def _choices(step: Step, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the step's quick-reply choices for these answers."""
    if callable(step.choices):
        return tuple(step.choices(dict(answers)))
    return tuple(step.choices)


# -- matching ------------------------------------------------------------------
_key = key  # the matching key of `text`: normalised with spaces removed (bot/core/text.py)


def _says(text: str, words: Iterable[str]) -> bool:
    """Tell whether `text` is one of `words` after normalisation."""
    key = _key(text)
    return bool(key) and key in _keys(tuple(words))


@lru_cache(maxsize=256)
def _keys(words: tuple[str, ...]) -> frozenset[str]:
    """The matching keys of a word list (command words, a step's choices), made once."""
    return frozenset(_key(word) for word in words)


def _extra_command(call: _Call) -> str | None:
    """Return the command a tapped button carried in clientExtra, if any."""
    command = call.extra.get(EXTRA_COMMAND)
    return command if isinstance(command, str) else None


def _is_choice(form: Form, s: Mapping[str, Any], text: str) -> bool:
    """Tell whether `text` is one of the current step's choices (those beat commands)."""
    if s["step"] == REVIEW:
        return False
    return _says(text, _choices(form.step(s["step"]), s["answers"]))


def _command(call: _Call, s: Mapping[str, Any]) -> str | None:
    """Return the navigation command in this turn, if any."""
    tapped = _extra_command(call)
    if tapped in _COMMAND_HANDLERS and (tapped != "keep" or _can_keep(s)):
        return tapped
    for name, words in _COMMANDS:
        if _says(call.text, words):
            return name
    if _can_keep(s) and _says(call.text, KEEP_WORDS):
        return "keep"
    return None


def _can_keep(s: Mapping[str, Any]) -> bool:
    """Tell whether the current step already has a value that KEEP_WORDS can keep."""
    return s["step"] != REVIEW and s["step"] in s["answers"]


def _edit_target(call: _Call, s: Mapping[str, Any]) -> Step | None:
    """Return the answered step that label + EDIT_SUFFIX, a change request naming it
    ("상호 바꿀래요", "가게 이름 잘못 썼어요") or an edit button reopens."""
    wanted = call.extra.get(EXTRA_EDIT)
    key = _key(call.text)
    answered = [step for step in _active(call.form, s["answers"]) if step.name in s["answers"]]
    for step in answered:
        if wanted == step.name or (key and key == _key(step.label + EDIT_SUFFIX)):
            return step
    named = understand.edit_target(call.text, [(step.name, (step.label, *step.aliases))
                                               for step in answered])
    return next((step for step in answered if step.name == named), None)


# -- replies -------------------------------------------------------------------
def _turn_key(call: _Call) -> str:
    """What makes two messages the same message: the words and the tapped button's extra."""
    extra = "|".join(f"{k}={call.extra[k]}" for k in sorted(call.extra))
    return f"{_key(call.text)}#{extra}"


def _prompt(form: Form, s: dict[str, Any]) -> Reply:
    """What the form is waiting for now: a confirmation, the resume offer, or its question."""
    if s["pending"] in _CONFIRMATIONS:
        return _confirmation(form, s, s["pending"])
    if s["pending"] == PENDING_RESUME:
        return _resume_offer(form, s)
    return ask(form, s)


def _chain(*replies: Reply) -> Reply:
    """Join replies in order."""
    return reduce(Reply.then, replies)


def _asking(call: _Call, s: dict[str, Any], reason: Reason, *lead: Reply) -> Outcome:
    """Reply with `lead` and then the question of the state's step (or the review)."""
    return Outcome(s, _chain(*lead, ask(call.form, s)), False, reason)


def _review(form: Form, answers: Mapping[str, Any]) -> Reply:
    """Return the review of all applicable answers plus its submit/edit navigation."""
    if form.review is None:
        raise ValueError(f"form {form.name!r} has no review")
    active = _active(form, answers)
    fields = [
        {"name": s.name, "label": s.label, "value": answers.get(s.name),
         "sensitive": s.sensitive, "show": s.show}
        for s in active
    ]
    edits = [{"name": s.name, "label": s.label, "say": f"{s.label} {EDIT_SUFFIX}"}
             for s in active]
    review = {"answers": dict(answers), "fields": fields, "form_title": form.title}
    nav = {"fields": [s.label for s in active], "edits": edits, "form_title": form.title}
    return Reply(parts=(Part(form.review, review), Part("dialog/review_nav", nav, chrome=True)))


def _resume_offer(form: Form, s: Mapping[str, Any]) -> Reply:
    """Return the "continue where you left off?" question for a saved draft."""
    step = None if s["step"] == REVIEW else form.step(s["step"])
    names = [a.name for a in _active(form, s["answers"])]
    return Reply.of("dialog/resume_offer", {
        "form_title": form.title,
        "step_label": step.label if step else None,
        "in_review": step is None,
        "saved_at": s["saved_at"],
        "answered": len(s["answers"]),
        "step_no": names.index(step.name) + 1 if step and step.name in names else len(names),
        "step_total": len(names),
    })


def _cancelled(call: _Call) -> Outcome:
    """End the form and drop its answers."""
    reply = Reply.of("dialog/cancelled", {"form_title": call.form.title})
    return Outcome(None, reply, True, Reason.CANCELLED)


def _restarted(call: _Call) -> Outcome:
    """Start the form over with no answers."""
    fresh = _fresh(call.form, call.now)
    restarted = Reply.of("dialog/restarted", {"form_title": call.form.title})
    return _asking(call, fresh, Reason.RESTARTED, restarted)


# -- turn handlers -------------------------------------------------------------
def _on_resume_offer(call: _Call, s: dict[str, Any]) -> Outcome:
    """Answer the resume offer: continue, start fresh, cancel, or ask again."""
    tapped = _extra_command(call)
    if (tapped in ("resume", "yes") or _says(call.text, RESUME_WORDS + YES_WORDS)
            or understand.resume(call.text) or understand.yes(call.text)):
        return _asking(call, {**s, "pending": None, "misses": 0, "saved_at": None},
                       Reason.RESUME)
    if tapped == "fresh" or _says(call.text, FRESH_WORDS):
        return _restarted(call)
    if tapped == "cancel" or _says(call.text, CANCEL_WORDS):
        return _cancelled(call)
    offer = _resume_offer(call.form, s)
    detour = _detour(call)
    if detour is not None:
        return Outcome(s, detour.quiet().then(offer), False, Reason.INTERRUPTED)
    return Outcome(s, offer, False, Reason.PENDING)


def _on_confirm(call: _Call, s: dict[str, Any], command: str | None,
                edit: Step | None) -> Outcome | None:
    """Answer "really cancel / restart?": None lets another command run instead."""
    kind = s["pending"]
    tapped = _extra_command(call)
    if (command == kind or tapped == "yes" or _says(call.text, YES_WORDS)
            or understand.yes(call.text)):
        return _cancelled(call) if kind == PENDING_CANCEL else _restarted(call)
    if command is None and edit is None:
        # NO_WORDS or anything unclear: never take a hesitation as the step's answer.
        return _asking(call, {**s, "pending": None}, Reason.DECLINED)
    return None


_CONFIRMATIONS = {PENDING_CANCEL: "dialog/confirm_cancel",
                  PENDING_RESTART: "dialog/confirm_restart"}


def _confirmation(form: Form, s: Mapping[str, Any], kind: str) -> Reply:
    """"Really cancel / start over?" for a pending confirmation of `kind`."""
    return Reply.of(_CONFIRMATIONS[kind], {"form_title": form.title,
                                           "answered": len(s["answers"])})


def _ask_cancel(call: _Call, s: dict[str, Any]) -> Outcome:
    """Ask before throwing the answers away."""
    confirm = _confirmation(call.form, s, PENDING_CANCEL)
    return Outcome({**s, "pending": PENDING_CANCEL}, confirm, False, Reason.PENDING)


def _ask_restart(call: _Call, s: dict[str, Any]) -> Outcome:
    """Ask before starting over."""
    confirm = _confirmation(call.form, s, PENDING_RESTART)
    return Outcome({**s, "pending": PENDING_RESTART}, confirm, False, Reason.PENDING)


def _back(call: _Call, s: dict[str, Any]) -> Outcome:
    """Step back one answer, showing it for editing; while editing, return to where we were."""
    if s["editing"]:
        home = _first_missing(call.form, s["answers"])
        if home is not None and home != s["step"]:
            return _asking(call, _place(s, call.form, home, editing=True), Reason.BACK)
    if not s["history"]:
        no_back = Reply.of("dialog/no_back", {"form_title": call.form.title})
        return _asking(call, s, Reason.NO_BACK, no_back)
    previous = s["history"][-1]
    return _asking(call, _place(s, call.form, previous, editing=s["editing"]), Reason.BACK)


def _help(call: _Call, s: dict[str, Any]) -> Outcome:
    """Explain the current question (its own help template or the default one)."""
    step = None if s["step"] == REVIEW else call.form.step(s["step"])
    context = {
        "form_title": call.form.title,
        "step_label": step.label if step else None,
        "example": step.example if step else None,
        "choices": list(_choices(step, s["answers"])) if step else [],
        "in_review": step is None,
    }
    template = step.help if step and step.help else "dialog/help"
    return _asking(call, s, Reason.HELP, Reply.of(template, context))


def _operator(call: _Call, s: dict[str, Any]) -> Outcome:
    """Point to a human while keeping the draft, then repeat the question."""
    step = None if s["step"] == REVIEW else call.form.step(s["step"])
    operator = Reply.of("dialog/operator", {"form_title": call.form.title,
                                            "step_label": step.label if step else None})
    return _asking(call, s, Reason.OPERATOR, operator)


def _pause(call: _Call, s: dict[str, Any]) -> Outcome:
    """Leave the form for now; the caller keeps the state as a draft to offer back later."""
    paused = Reply.of("dialog/paused", {"form_title": call.form.title})
    return Outcome({**s, "pending": None, "misses": 0}, paused, False, Reason.PAUSED)


def _keep(call: _Call, s: dict[str, Any]) -> Outcome:
    """Accept the value already stored for this step, as if typed again."""
    step = call.form.step(s["step"])
    return _accept(call, s, step, s["answers"][step.name], Reason.KEPT)


def _edit(call: _Call, s: dict[str, Any], step: Step) -> Outcome:
    """Reopen an answered step; after it, the engine returns to the review (or the gap)."""
    return _asking(call, _place(s, call.form, step.name, editing=True), Reason.EDIT)


def _on_review(call: _Call, s: dict[str, Any]) -> Outcome:
    """In the review: submit, answer a side question, or hint at the choices."""
    if (_extra_command(call) in ("submit", "yes") or _says(call.text, SUBMIT_WORDS + YES_WORDS)
            or understand.yes(call.text)):
        return _complete(call, s)
    detour = _detour(call)
    if detour is not None:
        return _asking(call, s, Reason.INTERRUPTED, detour.quiet())
    hint = Reply.of("dialog/review_hint", {"form_title": call.form.title})
    return _asking(call, s, Reason.REVIEW, hint)


def _on_answer(call: _Call, s: dict[str, Any], step: Step) -> Outcome:
    """Parse the answer to the current step, or treat the turn as a detour or a miss."""
    turn = Turn(call.text, dict(s["answers"]), call.env, dict(call.extra))
    try:
        value = step.parse(turn)
    except Invalid as err:
        # Only a question is a detour: "사업자번호요" at the number step is a confused
        # answer that needs the step's own error and example, not an FAQ entry.
        if looks_like_question(call.text):
            return _question(call, s, _detour(call))
        return _miss(call, s, step, err)
    if not _choices(step, s["answers"]):
        # Free text parses as almost anything; "이거 꼭 써야돼요" is a question, not a 상호.
        detour = _detour(call)
        if detour is not None or understand.asks(call.text):
            return _question(call, s, detour)
    return _accept(call, s, step, value, Reason.ANSWERED)


def _question(call: _Call, s: dict[str, Any], detour: Reply | None) -> Outcome:
    """A question typed at a step: the FAQ's answer if it has one, else the step's help;
    then the step again. Never a format error, never taken as the answer."""
    if detour is not None:
        return _asking(call, s, Reason.INTERRUPTED, detour.quiet())
    return _help(call, s)


def _detour(call: _Call) -> Reply | None:
    """The interrupt hook's answer when the text is a question, else None."""
    if call.interrupt is None or not looks_like_question(call.text):
        return None
    return call.interrupt(call.text)


def _miss(call: _Call, s: dict[str, Any], step: Step, err: Invalid) -> Outcome:
    """Count a rejected answer, explain it, and after too many offer a way out."""
    misses = s["misses"] + 1
    where = {"step_label": step.label, "example": step.example, "misses": misses}
    lead = [Reply.of(err.template, {**err.context, **where})]
    if misses >= call.form.max_misses:
        lead.append(Reply.of("dialog/too_many_misses", {**where, "form_title": call.form.title}))
    return _asking(call, {**s, "misses": misses}, Reason.INVALID, *lead)


def _accept(call: _Call, s: dict[str, Any], step: Step, value: Any, reason: Reason) -> Outcome:
    """Store a valid answer, then end, move on, return to the review or complete."""
    answers = _prune(call.form, {**s["answers"], step.name: value})
    if step.ends is not None:
        ending = step.ends(value, dict(answers))
        if ending is not None:
            return Outcome(None, ending, True, Reason.ENDED)
    s = {**s, "answers": answers}
    target = (_first_missing(call.form, answers) if s["editing"]
              else _after(call.form, answers, step.name))
    if target in (REVIEW, None):
        target = _first_missing(call.form, answers)  # never review or submit with gaps
    if target is None:
        return _complete(call, _place(s, call.form, step.name))
    return _asking(call, _place(s, call.form, target, editing=s["editing"]), reason)


def _complete(call: _Call, s: dict[str, Any]) -> Outcome:
    """Hand the answers to on_complete; an Invalid keeps the user here with its message."""
    try:
        reply = call.form.on_complete(dict(s["answers"]), call.env)
    except Invalid as err:
        refused = Reply.of(err.template, {**err.context, "form_title": call.form.title})
        return _asking(call, s, Reason.INVALID, refused)
    return Outcome(None, reply, True, Reason.COMPLETED)


_COMMAND_HANDLERS: dict[str, Callable[[_Call, dict[str, Any]], Outcome]] = {
    "cancel": _ask_cancel,
    "restart": _ask_restart,
    "back": _back,
    "help": _help,
    "operator": _operator,
    "pause": _pause,
    "keep": _keep,
}
