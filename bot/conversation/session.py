"""Session persistence in Redis: per-user JSON, long-lived drafts, a per-user lock.

Only persistence lives here; what a session means is decided by the pipeline
and the dialog engine (python-telegram-bot's persistence/handler split).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis

from bot.core.keys import Keys

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# Compare-and-delete: only the holder of the token may release the lock.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


# session.data key: the skill that asked the merchant a free-text question ("친구가 몇
# 명이에요?"); the fallback gives it the next utterance no route claims (skills/fallback.py).
AWAITING = "awaiting"


class LockTimeout(Exception):
    """Another request of the same user held the lock for longer than we may wait."""


@dataclass
class Session:
    """One user's conversation state: JSON primitives only."""

    user_id: str
    dialog: dict[str, Any] | None = None  # the active form's state (bot.conversation.dialog)
    data: dict[str, Any] = field(default_factory=dict)  # remembered facts (region, last topic…)
    v: int = SCHEMA_VERSION
    # Writes this turn queued that may fail without failing it (the form funnel's counters):
    # run on the commit's pipeline, never stored with the session.
    best_effort: list[Callable[[Any], None]] = field(default_factory=list, repr=False,
                                                     compare=False)
    # Writes this turn queued that must land with the session (a form's draft): run on the
    # commit's pipeline, so they cost no round trip of their own and an abandoned turn
    # saves neither. Never stored with the session.
    writes: list[Callable[[Any], None]] = field(default_factory=list, repr=False,
                                                compare=False)
    # Per-user hashes read with the lock (a skill's `prefetch`), by key: never stored.
    fetched: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> str:
        """Serialise for Redis (the user id is the key, not stored twice)."""
        return json.dumps({"v": self.v, "dialog": self.dialog, "data": self.data},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, user_id: str, raw: str | None) -> Session:
        """Load a stored session; unreadable or foreign data starts a fresh one."""
        if not raw:
            return cls(user_id)
        try:
            obj = json.loads(raw)
        except ValueError:
            return cls(user_id)
        if not isinstance(obj, dict):
            return cls(user_id)
        dialog = obj.get("dialog") if isinstance(obj.get("dialog"), dict) else None
        data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
        return cls(user_id, dialog, data, int(obj.get("v") or SCHEMA_VERSION))


class SessionStore:
    """Load, save and clear sessions and drafts; serialise a user's requests with a lock."""

    def __init__(self, client: redis.Redis, keys: Keys, ttl: int, draft_ttl: int) -> None:
        self.redis = client
        self.keys = keys
        self.ttl = ttl
        self.draft_ttl = draft_ttl

    # -- sessions ----------------------------------------------------------
    def load(self, user_id: str) -> Session:
        """Return the user's session, or a fresh one if none or expired."""
        return Session.from_json(user_id, self.redis.get(self.keys.session(user_id)))

    def save(self, session: Session) -> None:
        """Store the session and restart its idle TTL."""
        self.redis.set(self.keys.session(session.user_id), session.to_json(), ex=self.ttl)

    def clear(self, user_id: str) -> None:
        """Forget the session (drafts are kept)."""
        self.redis.delete(self.keys.session(user_id))

    # -- drafts ------------------------------------------------------------
    def save_draft(self, user_id: str, form: str, state: dict[str, Any]) -> None:
        """Keep an unfinished form for DRAFT_TTL so it can be offered back later."""
        self.redis.set(self.keys.draft(user_id, form),
                       json.dumps(state, ensure_ascii=False), ex=self.draft_ttl)

    def queue_draft(self, session: Session, form: str, state: dict[str, Any] | None) -> None:
        """Save (or with None drop) a draft as it is now, when the session's turn commits."""
        key = self.keys.draft(session.user_id, form)
        if state is None:
            session.writes.append(lambda pipe: pipe.delete(key))
            return
        raw = json.dumps(state, ensure_ascii=False)  # later changes this turn are not saved
        session.writes.append(lambda pipe: pipe.set(key, raw, ex=self.draft_ttl))

    def load_draft(self, user_id: str, form: str) -> dict[str, Any] | None:
        """Return the saved draft of a form, if any."""
        raw = self.redis.get(self.keys.draft(user_id, form))
        try:
            state = json.loads(raw) if raw else None
        except ValueError:
            return None
        return state if isinstance(state, dict) else None

    def drop_draft(self, user_id: str, form: str) -> None:
        """Delete a draft (the form was finished or cancelled)."""
        self.redis.delete(self.keys.draft(user_id, form))

    # -- lock ------------------------------------------------------------
    def _acquire(self, user_id: str, wait: float, ttl: float, hashes: tuple[str, ...] = ()
                 ) -> tuple[str, str | None, dict[str, dict[str, str]]]:
        """Take the user's lock and read the session (and `hashes`) in the same round trip."""
        lock_key, session_key = self.keys.lock(user_id), self.keys.session(user_id)
        token = secrets.token_hex(8)
        deadline = time.monotonic() + wait
        pause = 0.005
        while True:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(lock_key, token, nx=True, px=int(ttl * 1000))
            pipe.get(session_key)
            for key in hashes:
                pipe.hgetall(key)
            acquired, raw, *fetched = pipe.execute()
            if acquired:
                return token, raw, dict(zip(hashes, fetched, strict=True))
            if time.monotonic() + pause > deadline:
                raise LockTimeout(user_id)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def _release(self, user_id: str, token: str, pipe: Any = None) -> None:
        # EVAL rather than a registered script: inside a pipeline redis-py would add a
        # SCRIPT EXISTS round trip to every request. Sent as a raw command because a
        # cluster pipeline refuses `.eval()` (the one key keeps it in the user's slot).
        target = pipe if pipe is not None else self.redis
        try:
            target.execute_command("EVAL", _RELEASE, 1, self.keys.lock(user_id), token)
        except redis.RedisError:
            pass  # the lock expires by itself after its ttl

    @contextmanager
    def checkout(self, user_id: str, wait: float, ttl: float,
                 hashes: tuple[str, ...] = ()) -> Iterator[Checkout]:
        """Lock the user and load the session (one round trip); commit saves and unlocks.

        `hashes`: per-user hash keys read in the same round trip, left in `session.fetched`.
        """
        token, raw, fetched = self._acquire(user_id, wait, ttl, hashes)
        session = Session.from_json(user_id, raw)
        session.fetched = fetched
        checkout = Checkout(self, session, token)
        try:
            yield checkout
        finally:
            if not checkout.done:
                self._release(user_id, token)

    @contextmanager
    def lock(self, user_id: str, wait: float, ttl: float) -> Iterator[None]:
        """Hold the user's lock; wait at most `wait` seconds, else raise LockTimeout."""
        with self.checkout(user_id, wait, ttl):
            yield


class Checkout:
    """A locked session: `commit()` saves it and releases the lock in one round trip."""

    def __init__(self, store: SessionStore, session: Session, token: str) -> None:
        self.store = store
        self.session = session
        self.token = token
        self.done = False

    def commit(self, also: Callable[[Any], None] | None = None) -> None:
        """Save the session (restarting its TTL), its queued writes and `also(pipe)`'s; unlock.

        The session's best-effort writes ride on the same round trip, last: an error in
        one of them is logged, while the session, `also` and the release still raise.
        """
        store = self.store
        pipe = store.redis.pipeline(transaction=False)
        pipe.set(store.keys.session(self.session.user_id), self.session.to_json(), ex=store.ttl)
        for write in self.session.writes:
            write(pipe)
        if also is not None:
            also(pipe)
        store._release(self.session.user_id, self.token, pipe)
        needed = len(pipe)
        for write in self.session.best_effort:
            try:
                write(pipe)
            except Exception:
                log.exception("best-effort write not queued")
        results = pipe.execute(raise_on_error=False)
        for result in results[:needed]:
            if isinstance(result, Exception):
                raise result
        self.done = True
        for result in results[needed:]:
            if isinstance(result, Exception):
                log.warning("best-effort write failed: %s", result)
