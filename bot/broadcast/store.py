"""Broadcast state in Redis: the plan, each batch's progress, and per-recipient outcomes.

A batch is never stored as a user list: it is a slice of the recipients list
(batch n = recipients[n*size:(n+1)*size]) minus the users skipped for it, so a
recipient costs one list entry. Each batch's state is one JSON field that moves
pending → sending → accepted → done (or failed / unknown / skipped); the moves
that matter for resuming are written together with their counters in one MULTI.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import redis

from bot.core.keys import Keys

from .heartbeat import Heartbeat
from .wire import Wire

CHUNK = 1000  # list pushes / profile reads per round trip

# Before each call, in one atomic step: still our lock? not cancelled? then mark the
# batch and record who was left out of it. One round trip instead of five.
_BEGIN_BATCH = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 'lost' end
if redis.call('hget', KEYS[2], 'cancel') == '1' then return 'cancelled' end
redis.call('pexpire', KEYS[1], ARGV[2])
redis.call('hset', KEYS[3], ARGV[3], ARGV[4])
local skipped = tonumber(ARGV[5])
if skipped > 0 then
  redis.call('hincrby', KEYS[2], 'skipped', skipped)
  for i = 6, #ARGV, 2 do redis.call('hset', KEYS[4], ARGV[i], ARGV[i + 1]) end
end
return 'ok'
"""

# After a call Kakao accepted: the batch's new state and its counters, together.
_ACCEPTED = """
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
for i = 3, #ARGV, 2 do redis.call('hincrby', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
"""

class BatchState(StrEnum):
    """One batch's state (stored by value)."""

    PENDING = "pending"
    SENDING = "sending"
    ACCEPTED = "accepted"  # the Event API took the call; results not read yet
    DONE = "done"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the call's outcome is not known (a timeout): checked before resending
    SKIPPED = "skipped"


class State(StrEnum):
    """A broadcast's status (stored by value)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "sending"
    PAUSED = "paused"
    COMPLETE = "done"
    CANCELLED = "cancelled"


class Skip(StrEnum):
    """Why a recipient was not sent the message (shown to staff per broadcast)."""

    NOT_FRIEND = "not_friend"
    NO_CONSENT = "no_consent"
    CONSENT_EXPIRED = "consent_expired"
    OPTED_OUT = "opted_out"


PENDING, SENDING, ACCEPTED, DONE, FAILED, UNKNOWN, SKIPPED = BatchState
FINISHED = (DONE, FAILED, SKIPPED)
DRAFT, SCHEDULED, QUEUED, RUNNING, PAUSED, COMPLETE, CANCELLED = State

# resent_calls: calls made again after an unknown outcome (their users may get it twice).
COUNTERS = ("recipients", "calls", "sent", "delivered", "failed", "skipped", "unconfirmed",
            "resent_calls")
DUPLICATE = "duplicate"  # outcome kind: users of a resent call (가능한 중복)
_INT_FIELDS = (*COUNTERS, "batches", "batch_size", "cost")
_FLOAT_FIELDS = ("created_at", "scheduled_at", "queued_at", "started_at", "sent_at",
                 "finished_at", "cancelled_at", "live_at")


class BroadcastStore:
    """Read and write broadcasts; every key name comes from Keys."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    # -- creation ------------------------------------------------------------
    def new_id(self) -> str:
        """Hand out the next broadcast id."""
        return str(self.redis.incr(self.keys.broadcast_seq()))

    def create(self, meta: dict[str, Any], recipients: list[str],
               skipped: dict[str, str]) -> None:
        """Store a planned broadcast: its fields, recipients in batch order, who was left out."""
        bid = meta["id"]
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(self.keys.broadcast(bid), mapping={
            **{k: _encode(v) for k, v in meta.items()}, **dict.fromkeys(COUNTERS, 0),
            "recipients": len(recipients), "skipped": len(skipped)})
        for i in range(0, len(recipients), CHUNK):
            pipe.rpush(self.keys.broadcast_recipients(bid), *recipients[i:i + CHUNK])
        items = list(skipped.items())
        for i in range(0, len(items), CHUNK):
            pipe.hset(self.keys.broadcast_outcomes(bid, "skipped"),
                      mapping=dict(items[i:i + CHUNK]))
        pipe.zadd(self.keys.broadcasts(), {bid: float(meta["created_at"])})
        pipe.execute()

    # -- reading -------------------------------------------------------------
    def meta(self, bid: str) -> dict[str, Any] | None:
        """A broadcast's fields with numbers and flags decoded; None if unknown."""
        raw = self.redis.hgetall(self.keys.broadcast(bid))
        return _decode_meta(raw) if raw else None

    def ids(self, limit: int = 20) -> list[str]:
        """The newest broadcast ids first."""
        return list(self.redis.zrevrange(self.keys.broadcasts(), 0, limit - 1))

    def batch_slice(self, bid: str, n: int, size: int, count: int = 1) -> list[str]:
        """The recipients planned for batch n (and the `count - 1` batches after it)."""
        return self.redis.lrange(self.keys.broadcast_recipients(bid), n * size,
                                 (n + count) * size - 1)

    def batch(self, bid: str, n: int) -> dict[str, Any]:
        """Batch n's recorded state ({'state': 'pending'} when never touched)."""
        raw = self.redis.hget(self.keys.broadcast_batches(bid), str(n))
        return json.loads(raw) if raw else {"state": PENDING}

    def batches(self, bid: str) -> dict[int, dict[str, Any]]:
        """Every touched batch's state, by batch number."""
        raw = self.redis.hgetall(self.keys.broadcast_batches(bid))
        return {int(n): json.loads(v) for n, v in raw.items()}

    def outcomes(self, bid: str, kind: str) -> dict[str, str]:
        """User key -> reason for one outcome kind (failed, skipped, unconfirmed)."""
        return self.redis.hgetall(self.keys.broadcast_outcomes(bid, kind))

    def skipped_among(self, bid: str, users: list[str]) -> set[str]:
        """Which of `users` were skipped (planned but left out of their call)."""
        if not users:
            return set()
        flags = self.redis.hmget(self.keys.broadcast_outcomes(bid, "skipped"), users)
        return {u for u, flag in zip(users, flags, strict=True) if flag is not None}

    # -- writing -------------------------------------------------------------
    def update(self, bid: str, **fields: Any) -> None:
        """Set plain fields of a broadcast (status, timings)."""
        self.redis.hset(self.keys.broadcast(bid),
                        mapping={k: _encode(v) for k, v in fields.items()})

    def set_batch(self, bid: str, n: int, state: dict[str, Any] | None, *,
                  counters: dict[str, int] | None = None,
                  outcomes: dict[str, dict[str, str]] | None = None) -> None:
        """Record a batch's new state with its counter and outcome changes, all or nothing."""
        pipe = self.redis.pipeline(transaction=True)
        if state is not None:
            pipe.hset(self.keys.broadcast_batches(bid), str(n),
                      json.dumps(state, ensure_ascii=False))
        for name, delta in (counters or {}).items():
            if delta:
                pipe.hincrby(self.keys.broadcast(bid), name, delta)
        for kind, reasons in (outcomes or {}).items():
            if reasons:
                pipe.hset(self.keys.broadcast_outcomes(bid, kind), mapping=reasons)
        pipe.execute()

    @contextmanager
    def send_log(self, bid: str) -> Iterator[SendLog]:
        """The records a worker writes around its calls, on a connection of their own."""
        wire = Wire(self.redis, self.keys.broadcast(bid))
        try:
            yield SendLog(self.keys, bid, wire)
        finally:
            wire.close()

    # -- one worker at a time -------------------------------------------------
    def acquire(self, bid: str, ttl: float) -> str | None:
        """Take the broadcast's worker lock; returns its token, or None if another holds it."""
        token = uuid.uuid4().hex
        ok = self.redis.set(self.keys.broadcast_lock(bid), token, nx=True, px=int(ttl * 1000))
        return token if ok else None

    def heartbeat(self, bid: str, token: str, ttl: float) -> Heartbeat:
        """Keep our lock alive while the worker runs (use as a context manager)."""
        return Heartbeat(self.redis, self.keys.broadcast_lock(bid), token, ttl)

    def mark_resent(self, bid: str, users: list[str], reason: str) -> None:
        """Record a call made again after an unknown outcome: its users may get it twice."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.keys.broadcast_outcomes(bid, DUPLICATE),
                  mapping=dict.fromkeys(users, reason))
        pipe.hincrby(self.keys.broadcast(bid), "resent_calls", 1)
        pipe.execute()

    def count_outcomes(self, bid: str, kind: str) -> int:
        """How many users have an outcome of this kind."""
        return int(self.redis.hlen(self.keys.broadcast_outcomes(bid, kind)))

    def release(self, bid: str, token: str) -> None:
        """Drop our lock (only ours)."""
        key = self.keys.broadcast_lock(bid)
        if self.redis.get(key) == token:
            self.redis.delete(key)

    # -- push receipts (written by the notice-push skill) ---------------------
    def record_receipt(self, notice_id: str, user_id: str, now: float, ttl: int) -> None:
        """Remember that Kakao ran the push block for this user (our delivery evidence)."""
        key = self.keys.push_receipts(notice_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, user_id, f"{now:.3f}")
        pipe.expire(key, ttl)
        pipe.execute()

    def receipts(self, notice_id: str, users: list[str], since: float) -> set[str]:
        """Which of `users` had this notice rendered by the push skill at or after `since`."""
        if not users:
            return set()
        seen = self.redis.hmget(self.keys.push_receipts(notice_id), users)
        return {u for u, ts in zip(users, seen, strict=True) if ts and float(ts) >= since}

    def iter_batches(self, bid: str, count: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """(n, state) for every batch of a broadcast, untouched ones as pending."""
        known = self.batches(bid)
        for n in range(count):
            yield n, known.get(n, {"state": PENDING})


class SendLog:
    """Batch records before and after each call (see Wire for why they share a connection).

    `begin` waits for its answer (the call must not go out unless it was recorded);
    `accepted` does not: it leaves at once and its reply is read at the next `begin`.
    """

    def __init__(self, keys: Keys, bid: str, wire: Wire) -> None:
        self.wire = wire
        self.batches = keys.broadcast_batches(bid)
        self.meta = keys.broadcast(bid)
        self.begin_keys = [keys.broadcast_lock(bid), self.meta, self.batches,
                           keys.broadcast_outcomes(bid, "skipped")]

    def begin(self, n: int, token: str, ttl: float, state: dict[str, Any],
              skipped: dict[str, str]) -> str:
        """Mark batch n before its call if we still hold the lock and nobody cancelled.

        Returns 'ok', 'cancelled' or 'lost' (another worker owns the broadcast now).
        """
        args: list[Any] = [token, int(ttl * 1000), str(n), json.dumps(state, ensure_ascii=False),
                           len(skipped)]
        for user, reason in skipped.items():
            args += [user, reason]
        return str(self.wire.call("EVAL", _BEGIN_BATCH, len(self.begin_keys),
                                  *self.begin_keys, *args))

    def accepted(self, n: int, state: dict[str, Any], counters: dict[str, int]) -> None:
        """Record what Kakao accepted, without waiting for Redis to answer."""
        args: list[Any] = [str(n), json.dumps(state, ensure_ascii=False)]
        for name, delta in counters.items():
            args += [name, delta]
        self.wire.send("EVAL", _ACCEPTED, 2, self.batches, self.meta, *args)


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _decode_meta(raw: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = dict(raw)
    for name in _INT_FIELDS:
        meta[name] = int(raw.get(name) or 0)
    for name in _FLOAT_FIELDS:
        meta[name] = float(raw[name]) if raw.get(name) else None
    for name in ("ad", "test", "cancel"):
        meta[name] = raw.get(name) == "1"
    meta["notice"] = json.loads(raw.get("notice") or "{}")
    meta["test_users"] = json.loads(raw.get("test_users") or "[]")
    return meta
