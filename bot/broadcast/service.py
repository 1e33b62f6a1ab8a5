"""The broadcast service layer: compose, send, cancel, settle, report (for CLI and console)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.errors import CodedError
from bot.core.redisconn import rq_url
from bot.merchants import bizno
from bot.services import Services

from ..wallet import ACTIVE, FOUND, STALE
from . import queueing
from . import store as st
from .push import lookup, notice_regions, push_reply
from .store import BroadcastStore
from .worker import BroadcastWorker, RunResult

if TYPE_CHECKING:
    from flask import Flask

    from .sender import EventSender

log = logging.getLogger(__name__)

PROFILE_CHUNK = 1000
RECEIPT_TTL = 30 * 24 * 3600
NOT_FRIEND, NO_CONSENT, CONSENT_EXPIRED = (st.Skip.NOT_FRIEND, st.Skip.NO_CONSENT,
                                          st.Skip.CONSENT_EXPIRED)
DAY = 86400


class BroadcastError(CodedError):
    """A staff request that cannot be carried out (unknown notice or broadcast, wrong state)."""


@dataclass(frozen=True)
class Funds:
    """Whether the centre's wallet can pay for what is left of a broadcast."""

    verdict: str  # enough | short | unchecked
    needed: int  # won, for the recipients not sent yet (Kakao may bill less: delivered only)
    usable: int | None = None  # won the wallet can spend now
    note: str = ""  # why unchecked / short, or the age of a stale balance (English: the logs)
    reason: str = ""  # the same as a code the console words (funds.<reason> in messages.yaml)
    values: dict[str, str] = field(default_factory=dict)  # what the wording names


def short_of_funds(bid: str, funds: Funds) -> BroadcastError:
    """The refusal of a live send the centre's wallet cannot pay for (unless forced)."""
    return BroadcastError(
        f"the centre's wallet cannot pay for broadcast {bid}: needs up to "
        f"{funds.needed:,} KRW, usable {funds.usable or 0:,} KRW"
        f"{f' ({funds.note})' if funds.note else ''}; top it up or pass --force",
        code="broadcast.short_of_funds", bid=bid, needed=funds.needed,
        usable=funds.usable or 0)


class BroadcastService:
    """Everything staff can do with broadcasts; the CLI is a thin layer on top."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.settings = svc.features.broadcast
        self.store = BroadcastStore(svc.redis, svc.keys)

    # -- compose -------------------------------------------------------------
    def notice(self, notice_id: str) -> dict[str, Any]:
        """The notice to push, from the notices feature (looked up at call time)."""
        notice = lookup(self.svc, notice_id)
        if not notice:
            raise BroadcastError(f"notice {notice_id!r} not found", code="broadcast.unknown_notice",
                                 notice=notice_id)
        return notice

    def create(self, notice_id: str, *, category: str | None = None, region: str | None = None,
               ad: bool = False, test_users: Iterable[str] | None = None) -> dict[str, Any]:
        """Plan a broadcast: audience, skipped users, cost and send time (quiet hours)."""
        notice = self.notice(notice_id)
        now = self.svc.clock()
        category = category or notice.get("category") or None
        regions = [region] if region else notice_regions(notice)
        tests = _dedupe(u.strip() for u in test_users or () if u.strip())
        if tests:
            candidates, skipped = tests, {}
        else:
            candidates, skipped = self._subscribers(category, regions, ad, now)
        recipients, not_friends = self._friends_only(candidates)
        skipped.update(not_friends)
        bid = self.store.new_id()
        size = self.settings.batch_size
        meta = {
            "id": bid, "notice_id": str(notice.get("id") or notice_id), "status": st.DRAFT,
            "notice": {k: notice.get(k) for k in ("id", "title", "org", "category", "url")},
            "category": category or "", "region": ",".join(regions), "ad": ad,
            "test": bool(tests), "test_users": tests, "created_at": now,
            # A dry run goes at once; `live_at` is when a live send would start (quiet hours).
            "mode": self.settings.mode, "live_at": self.settings.next_open(now),
            "scheduled_at": now if self.settings.dry_run else self.settings.next_open(now),
            "batch_size": size,
            "batches": math.ceil(len(recipients) / size), "cost": self.settings.cost(
                len(recipients)), "cancel": False,
        }
        self.store.create(meta, recipients, skipped)
        log.info("broadcast %s created: %d recipients, %d skipped", bid, len(recipients),
                 len(skipped))
        return self.get(bid)

    def _subscribers(self, category: str | None, regions: list[str], ad: bool,
                     now: float) -> tuple[list[str], dict[str, str]]:
        """Active subscribers wanting this 분야/지역 who gave (still valid) consent."""
        found: dict[str, Any] = {}
        for region in regions or [None]:
            for sub in self.svc.subscriptions.matching(category, region):
                found.setdefault(sub.user_id, sub)
        users: list[str] = []
        skipped: dict[str, str] = {}
        max_age = self.settings.consent_max_days * DAY
        for uid, sub in found.items():
            if sub.consent_at <= 0:
                skipped[uid] = NO_CONSENT
            elif ad and now - sub.consent_at > max_age:
                skipped[uid] = CONSENT_EXPIRED
            else:
                users.append(uid)
        return users, skipped

    def _friends_only(self, users: list[str]) -> tuple[list[str], dict[str, str]]:
        """Keep users last seen as channel friends (the Event API fails for the others)."""
        keep: list[str] = []
        skipped: dict[str, str] = {}
        for i in range(0, len(users), PROFILE_CHUNK):
            chunk = users[i:i + PROFILE_CHUNK]
            profiles = self.svc.profiles.many(chunk)
            for uid in chunk:
                profile = profiles.get(uid)
                if profile and profile.is_friend:
                    keep.append(uid)
                else:
                    skipped[uid] = NOT_FRIEND
        return keep, skipped

    def preview(self, bid: str, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """The Kakao response a recipient will see, rendered by the app's renderer."""
        meta = self.get(bid)
        notice = self.notice(meta["notice_id"])
        return render(push_reply(notice, ad=meta["ad"]))

    # -- send ----------------------------------------------------------------
    def funds(self, bid: str) -> Funds:
        """The centre's wallet (BROADCAST_WALLET_BUSINESS) against the cost still to come.

        Kakao bills every Event API message to the channel's wallet; a broadcast that
        runs dry part-way leaves its audience split. Unchecked when no wallet is set
        or the wallet service cannot say.
        """
        meta = self.get(bid)
        left = max(0, meta["recipients"] - meta["sent"] - meta["failed"])
        needed = self.settings.cost(left)
        configured = self.settings.wallet_business
        number = bizno.normalise(configured)
        wallet = self.svc.wallet
        if not number:
            why, reason = (("is not a business number", "bad_setting") if configured
                           else ("is not set", "no_setting"))
            return Funds("unchecked", needed, note=f"BROADCAST_WALLET_BUSINESS {why}",
                         reason=reason)
        found = wallet.lookup(number)
        if found.outcome not in (FOUND, STALE) or found.wallet is None:
            return Funds("unchecked", needed, note=f"wallet look-up: {found.outcome} "
                                                   f"{found.reason}".strip(),
                         reason=f"lookup_{found.outcome}")
        usable = found.wallet.usable
        if found.wallet.status != ACTIVE:
            return Funds("short", needed, usable, f"wallet is {found.wallet.status}",
                         reason="inactive", values={"status": found.wallet.status})
        stale = found.outcome != FOUND
        return Funds("enough" if usable >= needed else "short", needed, usable,
                     "last known balance (wallet service down)" if stale else "",
                     reason="stale" if stale else "")

    def send(self, bid: str, *, sender: EventSender | None = None,
             sleep: Callable[[float], None] | None = None, force: bool = False) -> RunResult:
        """Confirm a broadcast and run it (inline) or queue it for the worker (RQ).

        A live broadcast the centre's wallet cannot pay for is refused unless `force`.
        """
        meta = self.get(bid)
        if meta["status"] in (st.COMPLETE, st.CANCELLED):
            raise BroadcastError(f"broadcast {bid} is {meta['status']}", code="broadcast.over",
                                 bid=bid, status=meta["status"])
        if self.settings.mode == "live" and not force:
            funds = self.funds(bid)
            if funds.verdict == "short":
                raise short_of_funds(bid, funds)
        if meta["status"] == st.DRAFT:
            self.store.update(bid, status=st.QUEUED, queued_at=self.svc.clock())
        self.store.update(bid, mode=self.settings.mode)  # what this run is: live or simulated
        if self.settings.dry_run and (meta["scheduled_at"] or 0) > self.svc.clock():
            self.store.update(bid, scheduled_at=self.svc.clock())  # planned live, sent dry
            meta = self.get(bid)
        if not self.settings.inline:
            at = meta["scheduled_at"] if (meta["scheduled_at"] or 0) > self.svc.clock() else None
            queueing.enqueue(self.settings, rq_url(self.svc.config) or "", bid, at)
            return RunResult(st.QUEUED, at)
        return self.run(bid, sender=sender, sleep=sleep)

    def run(self, bid: str, *, sender: EventSender | None = None,
            sleep: Callable[[float], None] | None = None) -> RunResult:
        """Run the worker for one broadcast in this process."""
        from .sender import make_sender  # requests loads when a broadcast runs

        worker = BroadcastWorker(self.store, self.settings, sender or make_sender(self.settings),
                                 self.svc.subscriptions, clock=self.svc.clock,
                                 **({"sleep": sleep} if sleep else {}))
        return worker.run(bid)

    def cancel(self, bid: str) -> dict[str, Any]:
        """Stop a broadcast: nothing more is sent; calls already made keep their reports."""
        meta = self.get(bid)
        if meta["status"] in (st.COMPLETE, st.CANCELLED):
            raise BroadcastError(f"broadcast {bid} is already {meta['status']}",
                                 code="broadcast.over", bid=bid, status=meta["status"])
        now = self.svc.clock()
        self.store.update(bid, cancel=True, cancelled_at=now)
        if meta["status"] != st.RUNNING or not meta["calls"]:
            self.store.update(bid, status=st.CANCELLED, finished_at=now)
        return self.get(bid)

    def resolve(self, bid: str, action: str) -> int:
        """Staff decision on calls held as unknown: 'resend' them or count them 'sent'."""
        meta = self.get(bid)
        settled = 0
        for n, batch in self.store.iter_batches(bid, meta["batches"]):
            if batch["state"] != st.UNKNOWN:
                continue
            settled += 1
            size = batch["n"]
            if action == "resend":
                planned = self.store.batch_slice(bid, n, meta["batch_size"])
                skipped = self.store.skipped_among(bid, planned)
                users = batch.get("users") or [u for u in planned if u not in skipped]
                self.store.set_batch(bid, n, {"state": st.PENDING, "users": users,
                                              "resend_of": batch["at"]},
                                     counters={"unconfirmed": -size})
            else:
                self.store.set_batch(bid, n, {**batch, "state": st.DONE, "report": "staff"},
                                     counters={"sent": size})
        if settled and action == "resend" and meta["status"] == st.COMPLETE:
            self.store.update(bid, status=st.QUEUED)
        return settled

    # -- receipts (from the notice-push skill) ----------------------------------
    def record_receipt(self, notice_id: str, user_id: str) -> None:
        """Note that Kakao ran the push block for this user."""
        self.store.record_receipt(notice_id, user_id, self.svc.clock(), RECEIPT_TTL)

    def is_ad(self, bid: str | None) -> bool | None:
        """Whether a broadcast is an ad (None if unknown)."""
        meta = self.store.meta(bid) if bid else None
        return meta["ad"] if meta else None

    # -- reports -------------------------------------------------------------
    def get(self, bid: str) -> dict[str, Any]:
        """A broadcast's fields; BroadcastError if there is none."""
        meta = self.store.meta(str(bid))
        if meta is None:
            raise BroadcastError(f"no broadcast {bid!r}", code="broadcast.unknown", bid=bid)
        return meta

    def report(self, bid: str) -> dict[str, Any]:
        """Figures for `status`: progress, delivery, failures and skips with their reasons."""
        meta = self.get(bid)
        states = Counter(b["state"] for _, b in self.store.iter_batches(bid, meta["batches"]))
        held = sum(1 for b in self.store.batches(bid).values() if b.get("held"))
        called = meta["batches"] - states[st.PENDING] - states[st.SENDING]
        elapsed = (meta["sent_at"] or self.svc.clock()) - (meta["started_at"] or 0)
        dry = meta.get("mode") == "dry-run"  # (broadcasts from before `mode` was kept: as stored)
        return {
            **meta,
            # A dry run sent and delivered nothing: its calls are only simulated.
            "dry_run": dry,
            "simulated": meta["sent"] if dry else 0,
            "sent": 0 if dry else meta["sent"],
            "delivered": 0 if dry else meta["delivered"],
            "batch_states": dict(states),
            "held": held,
            "called": called,  # batches whose call is behind us
            "reported": sum(states[s] for s in st.FINISHED),  # ... and whose outcome is known
            "progress": called / meta["batches"] if meta["batches"] else 1.0,
            "stalled": meta["status"] == st.RUNNING and not self.svc.redis.exists(
                self.svc.keys.broadcast_lock(bid)),
            # Users of calls made again after an unknown outcome: they may have it twice.
            "possibly_duplicated": self.store.count_outcomes(bid, st.DUPLICATE),
            "failed_reasons": Counter(self.store.outcomes(bid, "failed").values()),
            "skipped_reasons": Counter(self.store.outcomes(bid, "skipped").values()),
            "calls_per_s": meta["calls"] / elapsed if meta["started_at"] and elapsed > 0 else None,
        }

    def list(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest broadcasts."""
        return [m for m in (self.store.meta(b) for b in self.store.ids(limit)) if m]


def _dedupe(users: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(users))


def init_app(app: Flask, services: Services) -> None:
    """Install the broadcast service on services.broadcasts."""
    services.broadcasts = BroadcastService(services)
