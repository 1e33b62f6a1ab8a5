"""The form funnel: per KST day and form, how far merchants get and where answers are refused.

Counting: the pipeline hands every form outcome, and every pause by another skill, to
`count()`. It works out which step the turn was about from the state *before* the turn
(bot.conversation.dialog.position) and queues HINCRBYs on the session's commit pipeline, so counting
costs no extra round trip and a failure is only logged (Session.best_effort).
Reading: `report()` sums days into a `Funnel` for `flask stats forms` (bot/conversation/cli.py).

Storage: one hash per KST day (Keys.form_stats), fields `form|event` and
`form|step|event` (the review is the step dialog.REVIEW). What the numbers mean is in
README "Form funnel (operators)".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import KST

from . import dialog
from .dialog import REVIEW, Form, Outcome, Reason

log = logging.getLogger(__name__)

KEEP_DAYS = 400  # a day's counters expire this long after its last write
DAY = 24 * 3600
SEP = "|"

# Per form.
STARTED = "started"  # fresh starts and restarts (처음부터, 새로 시작)
RESUMED = "resumed"  # a saved draft taken up again (이어서 하기)
SUBMITTED = "submitted"  # the form completed (on_complete accepted the answers)
REFUSED = "refused"  # on_complete refused the answers (the submission)
FORM_EVENTS = (STARTED, RESUMED, SUBMITTED, REFUSED)

# Per step (and per review).
REACHED = "reached"  # asked for the first time in a run
ANSWERED = "answered"  # given a valid answer for the first time in a run
VALID = "valid"  # every valid typed answer (also changes after 이전 / 수정)
INVALID = "invalid"  # every answer the step refused (a validation failure)
INTERRUPTED = "interrupted"  # a question answered by the FAQ while the step was asked
PAUSED = "paused"  # left for later here (나중에, or another menu)
CANCELLED = "cancelled"  # cancelled here (취소, confirmed)
ENDED = "ended"  # an answer here ended the form (not eligible)
RESTARTED = "restarted"  # started over from here (처음부터 / 새로 시작)
STEP_EVENTS = (REACHED, ANSWERED, VALID, INVALID, INTERRUPTED, PAUSED, CANCELLED, ENDED,
               RESTARTED)


# -- counting ------------------------------------------------------------------
def tally(form: Form, before: Mapping[str, Any] | None, outcome: Outcome) -> list[str]:
    """The counter fields one form outcome adds, given the state before the turn.

    Pure. A step counts as reached when a turn moves to it for the first time in the
    run: re-shown after a refusal, a question, 이전, 수정 or 이어서 하기 it is not
    counted again (the position's first_missing step was already asked).
    """
    reason = outcome.reason
    at = dialog.position(form, before)
    after = dialog.position(form, outcome.state)
    fields: list[str] = []

    def step(name: str, event: str) -> None:
        fields.append(SEP.join((form.name, name, event)))

    if reason in (Reason.STARTED, Reason.RESTARTED):
        fields.append(SEP.join((form.name, STARTED)))
        if after is not None:
            step(after.step, REACHED)
        if reason == Reason.RESTARTED and at is not None:
            step(at.step, RESTARTED)
        return fields
    if reason == Reason.RESUME:
        return [SEP.join((form.name, RESUMED))]
    if at is None:
        return fields  # nothing known about the turn's step
    if reason in (Reason.ANSWERED, Reason.KEPT, Reason.COMPLETED, Reason.ENDED) and (
            at.step != REVIEW):
        if reason != Reason.KEPT:  # 그대로 keeps a value without typing one
            step(at.step, VALID)
        if at.step not in at.answered:
            step(at.step, ANSWERED)
    if (reason in (Reason.ANSWERED, Reason.KEPT) and after is not None
            and after.step not in after.answered and after.step != at.first_missing):
        step(after.step, REACHED)
    if reason == Reason.INVALID:
        if dialog.refused_submission(at, outcome):
            fields.append(SEP.join((form.name, REFUSED)))
        else:
            step(at.step, INVALID)
    elif reason == Reason.INTERRUPTED and not at.offered:
        step(at.step, INTERRUPTED)
    elif reason in (Reason.PAUSED, Reason.CANCELLED, Reason.ENDED):
        step(at.step, reason)
    elif reason == Reason.COMPLETED:
        fields.append(SEP.join((form.name, SUBMITTED)))
    return fields


def tally_pause(form: Form, state: Mapping[str, Any] | None) -> list[str]:
    """The fields a form left for another skill adds (not while only offered back)."""
    at = dialog.position(form, state)
    if at is None or at.offered:
        return []
    return [SEP.join((form.name, at.step, PAUSED))]


def day_of(moment: float) -> str:
    """The KST calendar day of an epoch time, YYYYMMDD."""
    return datetime.fromtimestamp(moment, KST).strftime("%Y%m%d")


def count(svc: Any, session: Any, form: Form, before: Mapping[str, Any] | None,
          outcome: Outcome) -> None:
    """Queue the outcome's counters on the session's commit; never raises."""
    try:
        _queue(svc, session, tally(form, before, outcome))
    except Exception:
        log.exception("form funnel: %s not counted", outcome.reason)


def count_pause(svc: Any, session: Any, form: Form, state: Mapping[str, Any] | None) -> None:
    """Queue the counter of a form paused by another skill; never raises."""
    try:
        _queue(svc, session, tally_pause(form, state))
    except Exception:
        log.exception("form funnel: pause not counted")


def count_resume(svc: Any, session: Any, form: Form) -> None:
    """Queue the counter of a draft taken up again outside the engine; never raises."""
    try:
        _queue(svc, session, [SEP.join((form.name, RESUMED))])
    except Exception:
        log.exception("form funnel: resume not counted")


def _queue(svc: Any, session: Any, fields: list[str]) -> None:
    if not fields:
        return
    key = svc.keys.form_stats(day_of(svc.clock()))

    def write(pipe: Any) -> None:
        for name in fields:
            pipe.hincrby(key, name, 1)
        pipe.expire(key, KEEP_DAYS * DAY)

    session.best_effort.append(write)


# -- reading ---------------------------------------------------------------------
def days_until(last: float, days: int) -> list[str]:
    """The `days` KST days ending with the one of `last`, oldest first (YYYYMMDD)."""
    end = datetime.fromtimestamp(last, KST).date()
    return [(end - timedelta(days=n)).strftime("%Y%m%d") for n in range(days - 1, -1, -1)]


def load(client: Any, keys: Any, days: Iterable[str]) -> dict[str, int]:
    """Every counter of these days, summed (one round trip)."""
    pipe = client.pipeline(transaction=False)
    for day in days:
        pipe.hgetall(keys.form_stats(day))
    totals: dict[str, int] = {}
    for counters in pipe.execute():
        for name, value in counters.items():
            try:
                totals[name] = totals.get(name, 0) + int(value)
            except ValueError:
                continue
    return totals


@dataclass
class StepRow:
    """One step (or the review) of the funnel."""

    name: str
    label: str
    conditional: bool = False  # asked only when earlier answers make it apply
    removed: bool = False  # counted on these days but no longer in the form
    reached: int = 0
    answered: int = 0
    valid: int = 0
    invalid: int = 0
    interrupted: int = 0
    paused: int = 0
    cancelled: int = 0
    ended: int = 0
    restarted: int = 0
    invalid_rate: float | None = None  # invalid / (valid + invalid): answers typed, refused

    def finish(self) -> StepRow:
        typed = self.valid + self.invalid
        self.invalid_rate = round(self.invalid / typed, 4) if typed else None
        return self


@dataclass
class Funnel:
    """A form's funnel over some days."""

    form: str
    title: str
    first_day: str
    last_day: str
    days: int
    started: int = 0
    restarted: int = 0
    resumed: int = 0
    submitted: int = 0
    refused: int = 0
    paused: int = 0
    cancelled: int = 0
    ended: int = 0
    steps: list[StepRow] = field(default_factory=list)
    review: StepRow | None = None
    most_invalid: str | None = None  # the step with the most validation failures

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return asdict(self)


def build(form: Form, counters: Mapping[str, int], days: list[str]) -> Funnel:
    """The funnel of one form from summed counters."""
    prefix = form.name + SEP
    form_level: dict[str, int] = {}
    per_step: dict[str, dict[str, int]] = {}
    for name, value in counters.items():
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        if SEP not in rest:
            form_level[rest] = form_level.get(rest, 0) + value
            continue
        step, event = rest.rsplit(SEP, 1)
        if event in STEP_EVENTS:
            per_step.setdefault(step, {})[event] = value

    def row(name: str, label: str, **flags: bool) -> StepRow:
        return StepRow(name, label, **flags, **per_step.pop(name, {})).finish()

    steps = [row(s.name, s.label, conditional=s.skip is not None) for s in form.steps]
    review = row(REVIEW, "review") if form.review or REVIEW in per_step else None
    steps += [row(name, name, removed=True) for name in sorted(per_step)]
    funnel = Funnel(form.name, form.title, _iso(days[0]), _iso(days[-1]), len(days),
                    steps=steps, review=review,
                    **{k: form_level.get(k, 0) for k in FORM_EVENTS})
    for one in steps + ([review] if review else []):
        funnel.paused += one.paused
        funnel.cancelled += one.cancelled
        funnel.ended += one.ended
        funnel.restarted += one.restarted
    worst = max(steps, key=lambda s: s.invalid, default=None)  # first of equals wins
    funnel.most_invalid = worst.name if worst is not None and worst.invalid else None
    return funnel


def report(svc: Any, forms: Iterable[Form], days: int) -> list[Funnel]:
    """The funnels of `forms` over the last `days` KST days, today included."""
    span = days_until(svc.clock(), days)
    counters = load(svc.redis, svc.keys, span)
    return [build(form, counters, span) for form in forms]


def _iso(day: str) -> str:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"
