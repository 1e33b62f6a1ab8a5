"""Applications (지원금 신청): receipts, one active claim per business, status history,
and delivery to the intake endpoint.

No Flask here: the `apply` skill, the `flask applications` commands and a future
worker job (`deliver_pending(services)`) share it. An application is saved in Redis
before the merchant sees its receipt; delivery to APPLICATION_INTAKE_URL happens
after, from an outbox set, so an intake outage never loses one.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import redis

from bot.conversation.session import (
    _RELEASE,  # compare-and-delete: the session lock's script, reused
)
from bot.core import events
from bot.core.bulkhead import Bulkhead
from bot.core.clock import KST
from bot.core.errors import CodedError
from bot.core.keys import Keys, user_hash
from bot.services import Services

from .fields import COLUMNS, NAMES, Kind

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

class Status(StrEnum):
    """An application's state; stored, exported and shown to staff by its value."""

    RECEIVED = "received"  # 접수
    REVIEWING = "reviewing"  # 검토 중
    APPROVED = "approved"  # 승인
    REJECTED = "rejected"  # 반려
    PAID = "paid"  # 지급 완료


RECEIVED, REVIEWING, APPROVED, REJECTED, PAID = Status
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)  # plain strings, as click wants
# The lifecycle: 접수 → 검토 중 → 승인 → 지급 완료, or 반려 before approval.
TRANSITIONS: dict[str, tuple[Status, ...]] = {
    RECEIVED: (REVIEWING, APPROVED, REJECTED),
    REVIEWING: (APPROVED, REJECTED),
    APPROVED: (PAID,),
    REJECTED: (),
    PAID: (),
}
GRANT_AMOUNT = 300_000  # won: 최대 30만 원 무상캐시 (program-facts §1.1)
SEQ_TTL = 3 * 24 * 3600  # a day's receipt counter outlives its day, then goes
DELIVERY_LOCK_MS = 30_000  # longer than every attempt of one delivery run together
BACKOFF = 0.5  # seconds before the 2nd attempt; doubled for each later one


# Claim the business and save the application in one step, so two submits (a double
# tap, or two users with one business number) can never both create one.
_SUBMIT = """
local held = redis.call('GET', KEYS[1])
if held and redis.call('EXISTS', ARGV[1] .. held) == 1 then
  return {0, held}
end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
local receipt = 'DG-' .. ARGV[2] .. '-' .. string.format('%04d', n)
redis.call('HSET', ARGV[1] .. receipt, 'receipt', receipt, unpack(ARGV, 6))
redis.call('SET', KEYS[1], receipt)
redis.call('ZADD', KEYS[3], ARGV[3], receipt)
redis.call('RPUSH', KEYS[4], receipt)
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[5], receipt)
end
return {1, receipt}
"""

class ApplicationError(CodedError):
    """A staff action that cannot be done; `code` words it for staff, the message for the CLI."""


class UnknownApplication(ApplicationError):
    """No application has this receipt number."""


class TransitionError(ApplicationError):
    """The status change does not follow the lifecycle."""


class DeliveryError(Exception):
    """The intake endpoint did not accept an application (network or HTTP status)."""


@dataclass(frozen=True)
class StatusChange:
    """One step of an application's history: what, when, by whom, why."""

    status: str
    at: float
    by: str
    reason: str = ""


@dataclass(frozen=True)
class Application:
    """One stored application."""

    receipt: str
    status: Status
    user_id: str
    submitted_at: float
    updated_at: float
    business_number: str
    entity_kind: str
    business_name: str
    representative: str
    revenue_band: str
    channel: str
    business_channel: bool
    bizwallet: bool
    phone: str
    privacy_consent_at: float
    alerts_consent_at: float | None
    reject_reason: str = ""
    history: tuple[StatusChange, ...] = ()
    delivered_at: float | None = None
    delivery_attempts: int = 0
    delivery_error: str = ""

    @property
    def active(self) -> bool:
        """Whether it still holds its business's claim (only 반려 gives it up)."""
        return self.status != REJECTED

    def visible_to(self, user_id: str, merchants: Any) -> bool:
        """Its own submitter, or a user verified for the business, may see it."""
        return self.user_id == user_id or (
            merchants.verified_business_of(user_id) == self.business_number)

    def changed_at(self, status: str) -> float | None:
        """When the application last entered `status`, if it ever did."""
        for change in reversed(self.history):
            if change.status == status:
                return change.at
        return None

    def to_intake(self) -> dict[str, Any]:
        """The JSON document POSTed to the intake endpoint (no Kakao user key)."""
        doc = {c.name: iso(getattr(self, c.name)) if c.kind is Kind.TIME else
               getattr(self, c.name) for c in COLUMNS}
        return {"receipt": self.receipt, "submitted_at": iso(self.submitted_at), **doc}

    def row(self, unmasked: bool = False) -> dict[str, Any]:
        """A flat record for staff listings and CSV; personal data masked unless asked."""
        given = {c.name: _exported(c, getattr(self, c.name), unmasked) for c in COLUMNS}
        return {
            "receipt": self.receipt,
            "status": self.status,
            "submitted_at": iso(self.submitted_at),
            "updated_at": iso(self.updated_at),
            **given,
            "reject_reason": self.reject_reason,
            "user": self.user_id if unmasked else user_hash(self.user_id),
            "delivered_at": iso(self.delivered_at),
            "delivery_attempts": self.delivery_attempts,
            "delivery_error": self.delivery_error,
        }

    @classmethod
    def blank(cls) -> Application:
        """An empty application (the CSV header when there is nothing to export)."""
        return _decode({"receipt": ""})


def _exported(column: Any, value: Any, unmasked: bool) -> Any:
    """A column's value in listings and CSV: times in ISO, flags yes/no, masked unless asked."""
    if column.kind is Kind.TIME:
        return iso(value)
    if column.kind is Kind.FLAG:
        return "yes" if value else "no"
    return value if unmasked or column.mask is None else column.mask(value)


@dataclass(frozen=True)
class Submitted:
    """What a submit did: created a new application, or found the business's active one."""

    created: bool
    application: Application


def iso(moment: float | None) -> str:
    """An epoch time as ISO 8601 in KST ('' when unknown)."""
    if moment is None:
        return ""
    return datetime.fromtimestamp(moment, KST).isoformat(timespec="seconds")


def kst_day(moment: float) -> str:
    """The KST calendar day of an epoch time as YYYYMMDD (receipt numbers use it)."""
    return datetime.fromtimestamp(moment, KST).strftime("%Y%m%d")


# -- storage ---------------------------------------------------------------------------
def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _decoded(kind: Kind, raw: str | None) -> Any:
    """A stored column back to its type (missing: '', False or None)."""
    if kind is Kind.FLAG:
        return raw == "1"
    if kind is Kind.TIME:
        return float(raw) if raw else None
    return raw or ""


def _decode(raw: Mapping[str, str]) -> Application:
    def when(name: str) -> float | None:
        return float(raw[name]) if raw.get(name) else None

    history = tuple(StatusChange(**h) for h in json.loads(raw.get("history") or "[]"))
    given = {c.name: _decoded(c.kind, raw.get(c.name)) for c in COLUMNS}
    given["privacy_consent_at"] = given["privacy_consent_at"] or 0.0  # required: always given
    return Application(
        receipt=raw["receipt"], status=Status(raw.get("status") or RECEIVED),
        user_id=raw.get("user_id", ""), submitted_at=when("submitted_at") or 0.0,
        updated_at=when("updated_at") or 0.0, **given,
        reject_reason=raw.get("reject_reason", ""), history=history,
        delivered_at=when("delivered_at"),
        delivery_attempts=int(raw.get("delivery_attempts") or 0),
        delivery_error=raw.get("delivery_error", ""),
    )


def _history_json(history: Iterable[StatusChange]) -> str:
    return json.dumps([vars(h) for h in history], ensure_ascii=False)


class ApplicationStore:
    """Applications in Redis: submit (atomic claim), read, change status, the outbox."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        self._submit = client.register_script(_SUBMIT)
        self._release = client.register_script(_RELEASE)

    # -- submit ---------------------------------------------------------------------
    def submit(self, fields: Mapping[str, Any], user_id: str, now: float,
               queue: bool = False) -> Submitted:
        """Save a new application unless the business already has an active one.

        `queue` puts the receipt in the outbox for the intake endpoint in the same step.
        """
        missing = [name for name in ("business_number", "phone") if not fields.get(name)]
        if missing:
            raise ValueError(f"application without {', '.join(missing)}")
        values = {name: fields.get(name) for name in NAMES}
        values.update(status=RECEIVED, user_id=user_id, submitted_at=now, updated_at=now,
                      history=_history_json([StatusChange(RECEIVED, now, "merchant")]),
                      delivery_attempts=0)
        pairs = [item for name, value in values.items() for item in (name, _encode(value))]
        bizno = str(fields["business_number"])
        created, receipt = self._submit(
            keys=[self.keys.application_claim(bizno), self.keys.application_seq(kst_day(now)),
                  self.keys.application_index(), self.keys.user_applications(user_id),
                  self.keys.application_outbox()],
            args=[self.keys.application_prefix(), kst_day(now), f"{now:.3f}", SEQ_TTL,
                  "1" if queue else "0", *pairs])
        application = self.get(receipt)
        if application is None:  # only if someone deleted it in between
            raise ApplicationError(f"application {receipt} vanished after submit",
                                   code="application.vanished", receipt=receipt)
        return Submitted(bool(int(created)), application)

    # -- read -----------------------------------------------------------------------
    def get(self, receipt: str) -> Application | None:
        """The application with this receipt number, if any."""
        raw = self.redis.hgetall(self.keys.application(receipt.strip().upper()))
        return _decode(raw) if raw and "receipt" in raw else None

    def active_for_business(self, business_number: str) -> Application | None:
        """The business's active application (the one holding its claim), if any."""
        receipt = self.redis.get(self.keys.application_claim(business_number))
        return self.get(receipt) if receipt else None

    def of_user(self, user_id: str) -> list[Application]:
        """Every application a user submitted, newest first."""
        receipts = self.redis.lrange(self.keys.user_applications(user_id), 0, -1)
        return [a for a in self._many(reversed(receipts)) if a is not None]

    def list(self, status: str | None = None, since: float | None = None) -> list[Application]:
        """Applications (oldest first), optionally of one status or submitted since a time."""
        low = f"{since:.3f}" if since is not None else "-inf"
        receipts = self.redis.zrangebyscore(self.keys.application_index(), low, "+inf")
        found = [a for a in self._many(receipts) if a is not None]
        return [a for a in found if status is None or a.status == status]

    def _many(self, receipts: Iterable[str]) -> list[Application | None]:
        pipe = self.redis.pipeline(transaction=False)
        for receipt in receipts:
            pipe.hgetall(self.keys.application(receipt))
        return [_decode(raw) if raw else None for raw in pipe.execute()]

    # -- status ---------------------------------------------------------------------
    def change(self, receipt: str, status: str, by: str, now: float,
               reason: str = "") -> Application:
        """Move an application along the lifecycle, recording who and when.

        Rejecting releases the business's claim so the merchant may apply again.
        """
        if status not in STATUSES:
            raise TransitionError(f"unknown status {status!r}", code="application.unknown_status",
                                  status=status)
        current = self.get(receipt)
        if current is None:
            raise UnknownApplication(f"no application {receipt}", code="application.unknown",
                                     receipt=receipt)
        key = self.keys.application(current.receipt)
        claim = self.keys.application_claim(current.business_number)

        def update(pipe: redis.client.Pipeline) -> None:
            app = _decode(pipe.hgetall(key))
            if status not in TRANSITIONS.get(app.status, ()):
                raise TransitionError(f"{app.receipt} is {app.status}; cannot become {status}",
                                      code="application.transition", receipt=app.receipt,
                                      current=app.status, wanted=status)
            history = (*app.history, StatusChange(status, now, by, reason))
            holds_claim = pipe.get(claim) == app.receipt
            pipe.multi()
            pipe.hset(key, mapping={"status": status, "updated_at": _encode(now),
                                    "history": _history_json(history),
                                    **({"reject_reason": reason} if status == REJECTED else {})})
            if status == REJECTED and holds_claim:
                pipe.delete(claim)

        self.redis.transaction(update, key, claim)
        changed = self.get(current.receipt)
        assert changed is not None
        return changed

    # -- outbox ---------------------------------------------------------------------
    def outbox(self) -> list[str]:
        """Receipts still to deliver to the intake endpoint, oldest first."""
        return sorted(self.redis.smembers(self.keys.application_outbox()))

    def enqueue(self, receipt: str) -> None:
        """Put a receipt (back) in the outbox."""
        self.redis.sadd(self.keys.application_outbox(), receipt)

    def mark_delivered(self, receipt: str, now: float) -> None:
        """Record the delivery and take the receipt out of the outbox, together."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.keys.application(receipt), mapping={"delivered_at": _encode(now),
                                                           "delivery_error": ""})
        pipe.hincrby(self.keys.application(receipt), "delivery_attempts", 1)
        pipe.srem(self.keys.application_outbox(), receipt)
        pipe.execute()

    def mark_failed(self, receipt: str, error: str) -> None:
        """Record a failed delivery attempt (the receipt stays in the outbox)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.keys.application(receipt), "delivery_error", error[:200])
        pipe.hincrby(self.keys.application(receipt), "delivery_attempts", 1)
        pipe.execute()

    def try_delivery_lock(self, receipt: str) -> str | None:
        """Take the receipt's delivery lock; None if another process is delivering it."""
        token = secrets.token_hex(8)
        taken = self.redis.set(self.keys.application_delivery(receipt), token, nx=True,
                               px=DELIVERY_LOCK_MS)
        return token if taken else None

    def release_delivery_lock(self, receipt: str, token: str) -> None:
        """Give the delivery lock back (only if still ours)."""
        self._release(keys=[self.keys.application_delivery(receipt)], args=[token])


# -- intake delivery ------------------------------------------------------------------
@dataclass(frozen=True)
class Intake:
    """The outside intake endpoint (APPLICATION_INTAKE_URL) applications are POSTed to."""

    url: str
    token: str | None = None
    timeout: tuple[float, float] = (0.5, 1.0)  # (connect, read) seconds

    def send(self, application: Application) -> None:
        """POST one application; the receipt is the Idempotency-Key, so a repeat is harmless."""
        import requests  # with the deadline module: loaded on delivery, not by every command

        from bot.core.http_deadline import call, deadline_in

        headers = {"Idempotency-Key": application.receipt}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            # connect + read is also the total: a dripping intake cannot hold the turn.
            response = call(None, "POST", self.url, deadline=deadline_in(sum(self.timeout)),
                            timeout=self.timeout, json=application.to_intake(), headers=headers)
        except requests.RequestException as exc:
            raise DeliveryError(type(exc).__name__) from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}")


INTAKE_CONNECT_TIMEOUT = 0.5  # seconds
# The skill's one quick attempt may use this share of SKILL_BUDGET (1.5 s of the default 2 s);
# the rest is for Redis and rendering. Retries off the request path keep the full timeout.
INTAKE_BUDGET_SHARE = 0.75
# In-skill intake attempts in flight per process; beyond that the outbox delivers it later,
# so a slow intake cannot occupy the skill threads other merchants need (bot/core/bulkhead.py).
INTAKE_BULKHEAD = Bulkhead("intake", 2)


def intake_of(services: Services, *, in_skill: bool = False) -> Intake | None:
    """The configured intake endpoint, or None when APPLICATION_INTAKE_URL is unset.

    `in_skill` caps connect + read so a large APPLICATION_INTAKE_TIMEOUT cannot hold a
    merchant's reply past the skill budget.
    """
    settings = services.features.intake
    if not settings.url:
        return None
    read = settings.timeout
    if in_skill:
        cap = float(services.config["SKILL_BUDGET"]) * INTAKE_BUDGET_SHARE
        read = max(min(read, cap - INTAKE_CONNECT_TIMEOUT), 0.1)
    return Intake(settings.url, settings.token, (INTAKE_CONNECT_TIMEOUT, read))


def deliver(store: ApplicationStore, intake: Intake, receipt: str, *, attempts: int = 1,
            clock: Callable[[], float] = time.time,
            sleep: Callable[[float], None] = time.sleep) -> bool:
    """Deliver one receipt, retrying with backoff; True once it is (or was) delivered.

    The per-receipt lock keeps two runs (the skill and `retry`, or two workers) from
    POSTing the same application at once; a delivered one is never sent again.
    """
    token = store.try_delivery_lock(receipt)
    if token is None:
        return False
    try:
        app = store.get(receipt)
        if app is None or app.delivered_at is not None:
            store.redis.srem(store.keys.application_outbox(), receipt)
            return app is not None
        for attempt in range(attempts):
            try:
                intake.send(app)
            except DeliveryError as exc:
                store.mark_failed(receipt, str(exc))
                log.warning("intake delivery of %s failed (attempt %d): %s",
                            receipt, attempt + 1, exc)
                if attempt + 1 < attempts:
                    sleep(BACKOFF * 2 ** attempt)
                continue
            store.mark_delivered(receipt, clock())
            log.info("application %s delivered to intake", receipt)
            return True
        return False
    finally:
        store.release_delivery_lock(receipt, token)


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    configured: bool = True


def deliver_pending(services: Any, *, attempts: int = 3,
                    sleep: Callable[[float], None] = time.sleep) -> DeliveryReport:
    """Deliver every queued application (for `flask applications retry` and a worker job)."""
    intake = intake_of(services)
    if intake is None:
        return DeliveryReport(configured=False)
    store = store_of(services)
    report = DeliveryReport()
    for receipt in store.outbox():
        ok = deliver(store, intake, receipt, attempts=attempts, clock=services.clock,
                     sleep=sleep)
        (report.delivered if ok else report.failed).append(receipt)
    return report


# -- what the skill and the CLI call ----------------------------------------------------
def init_app(app: Flask, services: Services) -> None:
    """Install the application store on services.applications."""
    services.applications = ApplicationStore(services.redis, services.keys)


def store_of(services: Services) -> ApplicationStore:
    """The app's ApplicationStore (installed by init_app)."""
    return services.applications


def submit(services: Any, user_id: str, fields: Mapping[str, Any],
           alerts: bool) -> Submitted:
    """File an application: save it, link the user, record alert consent, announce it.

    The application is durable before anything else happens; a configured intake
    gets one quick attempt here and the rest from the outbox (`deliver_pending`).
    """
    store = store_of(services)
    now = services.clock()
    intake = intake_of(services, in_skill=True)
    result = store.submit(fields, user_id, now, queue=intake is not None)
    if not result.created:
        return result
    app = result.application
    services.merchants.link(user_id, app.business_number, "application", verified=False)
    if alerts:
        services.subscriptions.subscribe(user_id, now=now, source="application")
    events.application_submitted.send(services, receipt=app.receipt,
                                      business_number=app.business_number, user_id=user_id)
    log.info("application %s submitted by user %s", app.receipt, user_hash(user_id))
    if intake is not None:
        with INTAKE_BULKHEAD.enter() as entered:
            delivered = entered and deliver(store, intake, app.receipt, attempts=1,
                                            clock=services.clock)
        if not delivered:
            schedule_retry(services)
    return result


# -- the background worker --------------------------------------------------------------
RETRY_DELAY = 60  # seconds between worker passes over the outbox while the intake is down
# The job by its dotted name: RQ stores the name, and the job module builds the whole app.
DELIVER_JOB = "bot.applications.jobs.deliver_job"


def schedule_retry(services: Any, delay: float = RETRY_DELAY) -> bool:
    """Ask the RQ worker to deliver the outbox later; one pending job at a time.

    Embedded mode (no REDIS_URL) has no worker: `flask applications retry` does it;
    nor has a cluster without RQ_REDIS_URL (RQ needs a single Redis server).
    A failure to queue is logged, never raised: the application is already safe.
    """
    from bot.core.redisconn import rq_url

    url = rq_url(services.config)
    if not url:
        return False
    try:
        if not services.redis.set(services.keys.application_retry(), "1", nx=True,
                                  ex=int(delay) + 30):
            return False  # a pass is already scheduled
        from redis import Redis
        from rq import Queue

        queue = Queue(services.features.broadcast.queue,
                      connection=Redis.from_url(url))
        queue.enqueue_in(timedelta(seconds=delay), DELIVER_JOB)
        return True
    except Exception:
        log.exception("could not schedule the intake retry; `flask applications retry` will")
        return False


def change_status(services: Any, receipt: str, status: str, by: str,
                  reason: str = "") -> Application:
    """Staff action: change the status and tell the other features (wallet credits on paid)."""
    app = store_of(services).change(receipt, status, by, services.clock(), reason)
    events.application_status_changed.send(services, receipt=app.receipt,
                                            business_number=app.business_number,
                                            status=status, by=by)
    if status in (APPROVED, PAID):  # review is where the merchant's identity is checked
        services.merchants.verify(app.business_number, app.user_id)
    if status == PAID:
        events.application_paid.send(services, receipt=app.receipt,
                                     business_number=app.business_number, amount=GRANT_AMOUNT)
    return app
