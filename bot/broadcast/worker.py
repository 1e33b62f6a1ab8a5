"""The broadcast job: send pending batches, collect delivery reports, settle unclear calls.

Resuming is the normal path, not a special one: every run starts from what
Redis says. A batch is written as `sending` after its pacing wait and before
its POST, and as `accepted` (with Kakao's taskId, in one script with the
counters) the moment the POST returns (sent without waiting for Redis's reply,
see wire.py), so a worker killed at any point leaves each batch in a state that
says what to do:

- pending / no record: never sent → send it;
- accepted: Kakao has it → only ask the task API for delivery results;
- sending: the worker died during the call, which may or may not have reached
  Kakao → `unknown`. Kakao offers no idempotency key and the task API needs the
  taskId we never stored, so it is settled from push receipts instead: Kakao
  runs the notice-push block for each recipient, which calls our skill, which
  records a receipt. Any receipt from the batch proves the call went out (it is
  never sent again; users without a receipt are reported unconfirmed). No
  receipt within BROADCAST_RECEIPT_WAIT means no one in it was shown the
  message (the block's content comes only from our skill), so the batch is sent
  again (BROADCAST_UNCONFIRMED=resend) or held for staff (=hold).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core import metrics
from bot.notices.subscriptions import SubscriptionStore

from . import store as st
from .sender import ACCEPTED, FAILED, EventSender, SendResult
from .settings import BroadcastSettings
from .store import BroadcastStore, SendLog

log = logging.getLogger(__name__)

PREFETCH = 10  # batches whose recipients are read (and opt-outs checked) per round trip
RECEIPT_SKEW = 5.0  # seconds: clocks of the skill server and the worker may differ a little
CLOCK_SKEW = 300.0  # seconds of margin when reading the opt-out log written by other hosts
OPT_OUT = st.Skip.OPTED_OUT


@dataclass(frozen=True)
class RunResult:
    """How a run ended: a broadcast status, and when to run again if it paused."""

    status: str
    resume_at: float | None = None


class BroadcastWorker:
    """Runs one broadcast to the end (or to quiet hours, a cancel, or a lost lock)."""

    def __init__(self, store: BroadcastStore, settings: BroadcastSettings, sender: EventSender,
                 subscriptions: SubscriptionStore, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.s = settings
        self.sender = sender
        self.subscriptions = subscriptions
        self.clock = clock
        self.sleep = sleep

    def run(self, bid: str) -> RunResult:
        """Send or resume a broadcast; a second worker on the same broadcast backs off."""
        meta = self.store.meta(bid)
        if meta is None:
            raise KeyError(bid)
        if meta["status"] in (st.COMPLETE, st.CANCELLED, st.DRAFT):
            return RunResult(meta["status"])
        token = self.store.acquire(bid, self.s.lock_ttl)
        if token is None:
            return RunResult("busy")
        try:
            # Renewed every third of its short TTL while we run: a killed worker's lock
            # lapses within seconds and the next `send` takes over.
            with self.store.heartbeat(bid, token, self.s.lock_ttl):
                return self._run(bid, token)
        finally:
            self.store.release(bid, token)

    # -- the loop ------------------------------------------------------------
    def _run(self, bid: str, token: str) -> RunResult:
        for n, batch in self.store.batches(bid).items():
            if batch["state"] == st.SENDING:  # left by a worker that died mid-call
                self._set_unknown(bid, n, batch, "worker stopped during the call")
        started = self.clock()
        while True:
            meta = self.store.meta(bid) or {}
            if not meta["cancel"]:
                now = self.clock()
                quiet = not self.s.dry_run and self.s.is_quiet(now)  # a dry run sends nothing
                if now < (meta["scheduled_at"] or 0) or quiet:
                    status = st.SCHEDULED if not meta["started_at"] else st.PAUSED
                    self.store.update(bid, status=status)
                    return RunResult(status, max(self.s.next_open(now), meta["scheduled_at"] or 0))
                stopped = self._send_pending(bid, meta, token)
                if stopped is not None:
                    return stopped
            self._poll(bid, meta)
            self._settle_unknown(bid, meta)
            if not self._open(bid, meta):
                return self._finish(bid, meta)
            if self.clock() - started > self.s.poll_timeout:
                return self._finish(bid, meta, gave_up=True)
            self.sleep(self.s.poll_interval)

    def _open(self, bid: str, meta: dict[str, Any]) -> bool:
        """Whether some batch still needs sending, a delivery report, or settling."""
        for _, batch in self.store.iter_batches(bid, meta["batches"]):
            state = batch["state"]
            if state in (st.ACCEPTED, st.SENDING):
                return True
            if state == st.UNKNOWN and not batch.get("held"):
                return True
            if state == st.PENDING and not meta["cancel"]:
                return True
        return False

    def _finish(self, bid: str, meta: dict[str, Any], gave_up: bool = False) -> RunResult:
        if gave_up:  # Kakao never finished its reports: count those users as unconfirmed
            for n, batch in self.store.iter_batches(bid, meta["batches"]):
                if batch["state"] == st.ACCEPTED:
                    self.store.set_batch(bid, n, {**batch, "state": st.DONE, "report": "timeout"},
                                         counters={"unconfirmed": batch["n"]})
        status = st.CANCELLED if meta["cancel"] else st.COMPLETE
        self.store.update(bid, status=status, finished_at=self.clock())
        log.info("broadcast %s finished: %s", bid, status)
        return RunResult(status)

    # -- sending -------------------------------------------------------------
    def _send_pending(self, bid: str, meta: dict[str, Any], token: str) -> RunResult | None:
        with self.store.send_log(bid) as records:
            stopped = self._send_each(bid, meta, token, records)
        if stopped is None:
            self.store.update(bid, sent_at=self.clock())
        return stopped

    def _send_each(self, bid: str, meta: dict[str, Any], token: str,
                   records: SendLog) -> RunResult | None:
        data = {"notice_id": meta["notice_id"], "broadcast_id": bid,
                "ad": "1" if meta["ad"] else "0"}
        ahead: dict[int, tuple[list[str], dict[str, str]]] = {}
        for n, batch in self.store.iter_batches(bid, meta["batches"]):
            if batch["state"] != st.PENDING:
                continue
            if batch.get("users"):  # a re-send of part of a batch: exactly these users
                users, gone = list(batch["users"]), {}
            else:
                if n not in ahead:
                    ahead = self._read_ahead(bid, n, meta)
                users, gone = ahead.pop(n)
            if users:
                # Wait for the pacing slot before marking the batch: a worker killed while
                # waiting leaves it pending (sent on resume), not `sending` (an unclear call).
                self.sender.wait_turn()
            now = self.clock()
            if not self.s.dry_run and self.s.is_quiet(now):
                self.store.update(bid, status=st.PAUSED)
                return RunResult(st.PAUSED, self.s.next_open(now))
            if not meta["started_at"]:
                meta["started_at"] = now
                self.store.update(bid, status=st.RUNNING, started_at=now)
            state = {"state": st.SENDING, "at": now, "n": len(users)} if users else {
                "state": st.SKIPPED, "n": 0}
            if batch.get("users"):
                state["users"] = users
            resend = batch.get("resend_of") is not None
            if resend:
                state["resend_of"] = batch["resend_of"]
            verdict = records.begin(n, token, self.s.lock_ttl, state, gone)
            if verdict == "cancelled":  # staff pressed cancel: stop before the next call
                return None
            if verdict == "lost":
                log.error("broadcast %s: lost the worker lock, stopping", bid)
                return RunResult("busy")
            if users and resend:  # reported as 가능한 중복: Kakao may have had the first call
                self.store.mark_resent(bid, users, "resent after an unknown outcome")
            if users:
                self._record(records, bid, n, state, users, self.sender.send(users, data))
        return None

    def _read_ahead(self, bid: str, first: int,
                    meta: dict[str, Any]) -> dict[int, tuple[list[str], dict[str, str]]]:
        """Recipients of the next PREFETCH batches, split into (still subscribed, opted out)."""
        size = meta["batch_size"]
        planned = self.store.batch_slice(bid, first, size, PREFETCH)
        gone = set() if meta["test"] else self._opted_out(planned, meta)
        ahead = {}
        for k in range(PREFETCH):
            chunk = planned[k * size:(k + 1) * size]
            ahead[first + k] = ([u for u in chunk if u not in gone],
                                {u: OPT_OUT for u in chunk if u in gone}) if gone else (chunk, {})
        return ahead

    def _opted_out(self, planned: list[str], meta: dict[str, Any]) -> set[str]:
        """Which planned recipients opted out since the audience was read at create.

        The opt-out log names the few who did; only when it does not reach back that
        far is every recipient checked.
        """
        since = (meta["created_at"] or 0) - CLOCK_SKEW
        recent = self.subscriptions.opted_out_since(since, self.clock())
        candidates = planned if recent is None else recent
        if not candidates:
            return set()
        return set(candidates) - self.subscriptions.active_among(candidates)

    def _record(self, records: SendLog, bid: str, n: int, sending: dict[str, Any],
                users: list[str], result: SendResult) -> None:
        base = {**sending, "attempts": result.attempts}
        metrics.broadcast_call(result.outcome, len(users), {
            ACCEPTED: "sent", FAILED: "failed"}.get(result.outcome, "unconfirmed"))
        if result.outcome == ACCEPTED:  # the common case: recorded without waiting for Redis
            records.accepted(n, {**base, "state": st.ACCEPTED, "task_id": result.task_id},
                             counters={"calls": result.attempts, "sent": len(users)})
        elif result.outcome == FAILED:
            self.store.set_batch(bid, n, {**base, "state": st.FAILED, "reason": result.reason},
                                 counters={"calls": result.attempts, "failed": len(users)},
                                 outcomes={"failed": dict.fromkeys(users, result.reason)})
            log.warning("broadcast %s batch %d failed: %s", bid, n, result.reason)
        else:
            self._set_unknown(bid, n, base, result.reason, calls=result.attempts)

    def _set_unknown(self, bid: str, n: int, batch: dict[str, Any], reason: str,
                     calls: int = 0) -> None:
        log.warning("broadcast %s batch %d: call outcome unknown (%s)", bid, n, reason)
        self.store.set_batch(bid, n, {**batch, "state": st.UNKNOWN, "reason": reason},
                             counters={"unconfirmed": batch["n"], "calls": calls})

    # -- delivery reports ------------------------------------------------------
    def _poll(self, bid: str, meta: dict[str, Any]) -> None:
        for n, batch in self.store.iter_batches(bid, meta["batches"]):
            if batch["state"] != st.ACCEPTED:
                continue
            report = self.sender.task(batch["task_id"])
            if report is None or not report.complete:
                continue
            size = batch["n"]
            delivered = min(report.success, size)
            reasons: dict[str, str] = {}
            if report.failures:
                users = set(self._batch_users(bid, n, batch, meta))
                reasons = {u: r for u, r in report.failures.items() if u in users}
            self.store.set_batch(
                bid, n, {**batch, "state": st.DONE, "delivered": delivered},
                counters={"delivered": delivered, "failed": size - delivered},
                outcomes={"failed": reasons})
            metrics.broadcast_recipients("delivered", delivered)
            metrics.broadcast_recipients("failed", size - delivered)

    def _batch_users(self, bid: str, n: int, batch: dict[str, Any],
                     meta: dict[str, Any]) -> list[str]:
        """The users who were in batch n's call."""
        if batch.get("users"):
            return list(batch["users"])
        planned = self.store.batch_slice(bid, n, meta["batch_size"])
        skipped = self.store.skipped_among(bid, planned)
        return [u for u in planned if u not in skipped]

    # -- unclear calls -----------------------------------------------------------
    def _settle_unknown(self, bid: str, meta: dict[str, Any]) -> None:
        for n, batch in self.store.iter_batches(bid, meta["batches"]):
            if batch["state"] != st.UNKNOWN or batch.get("held"):
                continue
            users = self._batch_users(bid, n, batch, meta)
            seen = self.store.receipts(meta["notice_id"], users, batch["at"] - RECEIPT_SKEW)
            size = batch["n"]
            if seen:  # Kakao ran the push block: the call went out, never repeat it
                missing = {u: "no receipt" for u in users if u not in seen}
                self.store.set_batch(
                    bid, n, {**batch, "state": st.DONE, "delivered": len(seen),
                             "report": "receipts"},
                    counters={"sent": size, "delivered": len(seen),
                              "unconfirmed": len(missing) - size},
                    outcomes={"unconfirmed": missing})
            elif self.clock() - batch["at"] >= self.s.receipt_wait:
                if self.s.unconfirmed == "resend" and not meta["cancel"]:
                    log.warning("broadcast %s batch %d: no receipt, sending again", bid, n)
                    metrics.broadcast_recipients("resent", size)
                    self.store.set_batch(bid, n, {"state": st.PENDING, "users": users,
                                                  "resend_of": batch["at"]},
                                         counters={"unconfirmed": -size})
                else:
                    self.store.set_batch(bid, n, {**batch, "held": True})
