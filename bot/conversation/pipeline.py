"""The request pipeline: per-user lock, session, active form first, then the skill.

Flask-free: the webhook hands in a parsed SkillRequest and gets back a Reply
plus an outcome label for the request log. Nothing in here raises: every
failure becomes an apology template, because Kakao must always get a reply.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import RedisClusterException

from bot.core import bulkhead, metrics
from bot.core.logs import safe_name
from bot.kakao import SkillRequest
from bot.services import Services

from . import dialog, funnel, router
from .registry import FORMS, PREFETCH, READ_ONLY, SHORTCUTS, SKILLS, FormEntry
from .reply import Reply
from .session import AWAITING, LockTimeout, Session

log = logging.getLogger(__name__)

# What a Redis outage raises. A cluster client whose nodes all fail (or whose breaker is
# open) raises RedisClusterException while looking for the slots, and that is no RedisError.
REDIS_FAILURES = (redis.RedisError, RedisClusterException)

MARGIN = 0.25  # seconds kept back from the budget for rendering and the network
PROFILE_REFRESH = 24 * 3600  # re-record an unchanged profile at most daily


@dataclass(frozen=True)
class Result:
    """What the pipeline produced for one request."""

    reply: Reply
    outcome: str  # ok | unknown_skill | busy | unavailable | error | timeout


@dataclass(frozen=True)
class FormEnv:
    """A form's `env`: the services plus the request being answered (who is asking).

    Attribute access falls through to the services, so parsers may use `env.redis`
    or `env.clock()` as before; `env.services` is the object events are sent with.
    """

    services: Services
    request: SkillRequest

    def __getattr__(self, name: str) -> Any:
        """Delegate everything else to the services."""
        if name in ("services", "request"):  # not set yet (copy/unpickle): no recursion
            raise AttributeError(name)
        return getattr(self.services, name)


# -- forms -----------------------------------------------------------------
def form_of(entry: FormEntry, svc: Services) -> dialog.Form:
    """A registered form under the title the operators set for it (see Form.title_setting)."""
    return entry.form.titled(svc.settings())


def apply_outcome(svc: Services, session: Session, form: str, outcome: dialog.Outcome) -> Reply:
    """Store a dialog outcome in the session and the draft area; return its reply.

    The draft is written with the session when the turn commits (one round trip for both).
    """
    entry = FORMS.get(form)
    if entry is not None:  # counted against the state before this turn
        funnel.count(svc, session, entry.form, session.dialog, outcome)
    # A paused form lives on as a draft only, so free text is routed normally again.
    session.dialog = None if outcome.reason == dialog.Reason.PAUSED else outcome.state
    svc.sessions.queue_draft(session, form, outcome.state)
    return outcome.reply


def open_form(form_name: str, req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Start a registered form, or offer back its unfinished draft."""
    form = form_of(FORMS[form_name], svc)
    if session.dialog and session.dialog.get("form") == form_name:
        session.dialog["pending"] = None
        return dialog.ask(form, session.dialog)
    draft = svc.sessions.load_draft(session.user_id, form_name)
    now = svc.clock()
    if draft:
        return apply_outcome(svc, session, form_name, dialog.offer_resume(form, draft, now))
    return apply_outcome(svc, session, form_name, dialog.start(form, now, env=svc))


def first_draft(session: Session, svc: Services) -> tuple[FormEntry, dict[str, Any]] | None:
    """The user's unfinished form (the first registered form with a draft), if any."""
    for name, entry in FORMS.items():
        draft = svc.sessions.load_draft(session.user_id, name)
        if draft:
            return entry, draft
    return None


def offer_any_draft(session: Session, svc: Services) -> Reply | None:
    """If the user left a form unfinished, offer it back (used by the fallback)."""
    found = first_draft(session, svc)
    if found is None:
        return None
    entry, draft = found
    outcome = dialog.offer_resume(form_of(entry, svc), draft, svc.clock())
    return apply_outcome(svc, session, entry.form.name, outcome)


# -- pipeline --------------------------------------------------------------
class Pipeline:
    """Runs one skill request end to end within the time budget."""

    def __init__(self, svc: Services, workers: int = 8) -> None:
        self.svc = svc
        self.budget = float(svc.config.get("SKILL_BUDGET", 2.0))
        # The guard hands each turn to this pool and waits at most the budget. A thread
        # the guard gave up on keeps running until its call returns, so what keeps the pool
        # from filling with stuck threads is elsewhere: every outbound call has a total
        # deadline shorter than the budget (bot/core/http_deadline.py), Redis has a breaker
        # (bot/core/redis_breaker.py), and each outside service has a bulkhead smaller than
        # this pool (bot/core/bulkhead.py: wallet 3, intake 2), so skills that never call it
        # always find a free thread. Measured with a dripping wallet: README, "Slow
        # dependencies". Keeping the hand-off (rather than none) still bounds what no
        # deadline covers, such as a runaway computation.
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="skill")

    def close(self) -> None:
        """Stop the worker threads (tests build many apps)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.svc.callbacks.close()

    def run(self, name: str, req: SkillRequest) -> Result:
        """Answer within the budget: a hung dependency yields a polite 'try again' reply."""
        if name not in SKILLS:
            log.warning("unknown skill %s requested", safe_name(name))  # a URL path: hostile
            return Result(Reply.of("common/unknown_skill"), "unknown_skill")
        abandoned = threading.Event()
        future = self._pool.submit(self._process, name, req, abandoned)
        try:
            result = future.result(timeout=max(self.budget - MARGIN, 0.1))
        except FutureTimeout:
            abandoned.set()  # the late worker must not save a state the user never saw
            log.error("skill %s exceeded its %.1fs budget", name, self.budget)
            return Result(Reply.of("common/busy"), "timeout")
        if result.reply.deferred is not None:
            return self.svc.callbacks.hand_off(req, result)  # a slow answer may come by callback
        return result

    def _process(self, name: str, req: SkillRequest, abandoned: threading.Event) -> Result:
        with bulkhead.turn(abandoned):  # a dependency call that outlives the turn knows it
            return self._turn(name, req, abandoned)

    def _turn(self, name: str, req: SkillRequest, abandoned: threading.Event) -> Result:
        svc = self.svc
        cfg = svc.config
        try:
            if name in READ_ONLY or name in SHORTCUTS:
                quick = self._read_only(name, req)
                if quick is not None:
                    return quick
            hashes = tuple(getattr(svc.keys, kind)(req.user_id)
                           for kind in PREFETCH.get(name, ()))
            with svc.sessions.checkout(req.user_id, cfg.get("LOCK_WAIT", 0.8),
                                       cfg.get("LOCK_TTL", 5.0), hashes) as turn:
                reply = self.dispatch(name, req, turn.session)
                if not abandoned.is_set():  # a timed-out turn is not saved: the user retries
                    turn.commit(self._profile_writer(req, turn.session))
            return Result(reply, "ok")
        except LockTimeout:
            return Result(Reply.of("common/busy"), "busy")
        except REDIS_FAILURES as exc:
            metrics.redis_error(exc)
            log.error("redis unavailable: %s", type(exc).__name__)
            return Result(Reply.of("common/unavailable"), "unavailable")
        except Exception:
            log.exception("skill %s failed", name)
            return Result(Reply.of("common/error"), "error")

    def _read_only(self, name: str, req: SkillRequest) -> Result | None:
        """Run a read-only skill on one unlocked read; None when the locked path is needed.

        The skill is `name` itself or the read-only skill its shortcut names ("처음으로"
        typed is the welcome). The locked path is needed when a form is active (the
        skill pauses it), a skill awaits an answer (the fallback would drop the mark) or
        the user's profile must be recorded; otherwise nothing will be written, so there
        is nothing to serialise with the user's other requests.
        """
        target = name if name in READ_ONLY else SHORTCUTS[name](req)
        if target not in READ_ONLY:
            return None  # decided before the read: other free text costs no extra trip
        session = self.svc.sessions.load(req.user_id)
        if (session.dialog or AWAITING in session.data
                or session.data.get("_seen") != self._profile_mark(req, self.svc.clock())):
            return None
        return Result(SKILLS[target](req, session, self.svc), "ok")

    @staticmethod
    def _profile_mark(req: SkillRequest, now: float) -> list[Any]:
        return [req.is_friend, req.plusfriend_user_key, int(now // PROFILE_REFRESH)]

    def _profile_writer(self, req: SkillRequest,
                        session: Session) -> Callable[[Any], None] | None:
        """Record the user's profile when it changed or is a day old (saves work per request)."""
        now = self.svc.clock()
        mark = self._profile_mark(req, now)
        if session.data.get("_seen") == mark:
            return None
        session.data["_seen"] = mark
        return lambda pipe: self.svc.profiles.seen(
            req.user_id, req.is_friend, req.plusfriend_user_key, now, pipe)

    def dispatch(self, name: str, req: SkillRequest, session: Session) -> Reply:
        """An active form gets free text first; another skill pauses it (draft kept)."""
        state = session.dialog
        entry: FormEntry | None = FORMS.get(state.get("form", "")) if state else None
        if state and entry is None:
            session.dialog = None  # a form that no longer exists
        elif state and entry:
            form = form_of(entry, self.svc)
            if name == "fallback":
                outcome = dialog.advance(
                    form, state, req.utterance, self.svc.clock(),
                    env=FormEnv(self.svc, req),
                    extra=req.client_extra, interrupt=self.svc.interrupt(req, session),
                    arrived=self.svc.request_clock())
                elsewhere = _asks_elsewhere(outcome, req.utterance, entry)
                if elsewhere is None:
                    return apply_outcome(self.svc, session, form.name, outcome)
                name = elsewhere  # "잔액 알려줘" typed at a step: as if its menu button was tapped
            elif name == entry.skill:  # the form's own button again: re-show the current step
                state["pending"] = None
                return dialog.ask(form, state)
            session.dialog = None  # paused: the draft stays for DRAFT_TTL
            funnel.count_pause(self.svc, session, entry.form, state)
            answer = SKILLS[name](req, session, self.svc)
            return answer.then(Reply.of("dialog/paused", {"form_title": form.title}))
        return SKILLS[name](req, session, self.svc)


def _asks_elsewhere(outcome: dialog.Outcome, text: str, entry: FormEntry) -> str | None:
    """The skill a step's rejected answer clearly asks for instead, if any.

    Only an answer the step refused is read this way, so a valid answer is never
    taken for a menu request; the form's own skill and the menu itself stay with
    the form (its commands handle 처음으로 and the like).
    """
    if outcome.reason != dialog.Reason.INVALID:
        return None
    target = router.route(text)
    if target in SKILLS and target not in (entry.skill, "fallback", "welcome"):
        return target
    return None
