"""Kakao Event API client: paced calls, retries with backoff and jitter, task results.

Outcomes of one call are classified by what we know about Kakao's side:
- accepted: Kakao answered with a taskId;
- failed: Kakao refused it for good (4xx other than 429, or status FAIL), or it
  never reached Kakao after every attempt (connect errors, 429, 5xx);
- unknown: the request may have reached Kakao but we got no usable answer (read
  timeout, connection lost mid-call, garbled 200). Kakao has no idempotency key,
  so such a call is never repeated here: the worker resolves it from push receipts.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from .settings import BroadcastSettings

if TYPE_CHECKING:  # requests loads with the live Event API, not with every CLI command
    import requests

log = logging.getLogger(__name__)

class CallOutcome(StrEnum):
    """What became of one Event API call (the batch states of the same name follow it)."""

    ACCEPTED = "accepted"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a timeout or a lost answer: checked before the call is made again


ACCEPTED, FAILED, UNKNOWN = CallOutcome
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SendResult:
    """What became of one Event API call."""

    outcome: CallOutcome
    task_id: str | None = None
    reason: str = ""
    attempts: int = 1


@dataclass(frozen=True)
class TaskResult:
    """Kakao's delivery report of one call (GET /v1/tasks/{taskId})."""

    complete: bool
    success: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # userId -> reason


class EventSender(Protocol):
    """What the worker needs from an Event API client (live or dry run)."""

    def wait_turn(self) -> None:
        """Block until the next call may go out (pacing); the next `send` uses that turn."""

    def send(self, users: list[str], data: dict[str, str]) -> SendResult:
        """Push the event to these users."""

    def task(self, task_id: str) -> TaskResult | None:
        """Delivery results of a call; None when they could not be read this time."""


class Pacer:
    """Client-side pacing: `rate` calls per second on a fixed grid of slots.

    A call waits for its slot. One that starts late (a slow answer, a busy CPU)
    does not move the grid: the next call keeps its own slot, so jitter does not
    eat into the rate. Lateness is forgiven for one interval at most, so any
    window of w seconds holds at most rate × w + 2 calls.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next: float | None = None

    def wait(self) -> None:
        """Block until the next call is allowed."""
        if not self.interval:
            return
        now = self.clock()
        if self._next is None:
            slot = now
        elif now < self._next:
            self.sleep(self._next - now)
            slot = self._next
        else:
            slot = max(self._next, now - self.interval)
        self._next = slot + self.interval


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Exponential backoff with equal jitter: half fixed, half random, capped."""
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    return ceiling / 2 + rng() * ceiling / 2


class EventApi:
    """The live Kakao Event API (POST /v2/bots/{botId}/talk, GET /v1/tasks/{taskId})."""

    def __init__(self, settings: BroadcastSettings, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random, pacer: Pacer | None = None) -> None:
        if not (settings.bot_id and settings.rest_api_key and settings.event_name):
            raise ValueError("live mode needs KAKAO_BOT_ID, KAKAO_REST_API_KEY, KAKAO_EVENT_NAME")
        import requests

        self.s = settings
        self.http = session or requests.Session()
        self.http.headers.update({"Authorization": f"KakaoAK {settings.rest_api_key}",
                                  "Content-Type": "application/json"})
        self.sleep = sleep
        self.rng = rng
        self.pacer = pacer or Pacer(settings.rate, sleep=sleep)
        # The dev channel's bot id keeps its '!': that is how Kakao tells the channels apart.
        self.talk_url = f"{settings.api_base}/v2/bots/{settings.bot_id}/talk"
        self.timeout = (settings.connect_timeout, settings.read_timeout)
        self._turn = False  # a pacing slot taken by wait_turn() and not used yet

    def wait_turn(self) -> None:
        """Take the next pacing slot now, so the caller can record the batch after the wait."""
        if not self._turn:
            self.pacer.wait()
            self._turn = True

    def body(self, users: list[str], data: dict[str, str]) -> dict[str, Any]:
        """The request body: event name + data, ≤ 100 botUserKey targets, params for the skill."""
        return {"event": {"name": self.s.event_name, "data": data},
                "user": [{"type": "botUserKey", "id": u} for u in users],
                "params": data}

    def send(self, users: list[str], data: dict[str, str]) -> SendResult:
        """POST one batch, retrying only what provably did not reach Kakao or was refused."""
        import requests

        from bot.core.http_deadline import call, deadline_in

        body = self.body(users, data)
        reason = ""
        for attempt in range(1, self.s.max_attempts + 1):
            if self._turn:
                self._turn = False
            else:
                self.pacer.wait()
            retry_after = 0.0
            try:
                resp = call(self.http, "POST", self.talk_url, json=body, timeout=self.timeout,
                            deadline=deadline_in(sum(self.timeout)))
            except requests.ConnectTimeout:
                reason = "connect timeout"  # no connection, so nothing was sent: safe to retry
            except requests.Timeout:
                return SendResult(UNKNOWN, reason="read timeout", attempts=attempt)
            except requests.ConnectionError as exc:
                if not _never_sent(exc):
                    return SendResult(UNKNOWN, reason="connection lost", attempts=attempt)
                reason = "connection refused"
            else:
                if resp.status_code == 200:
                    return _accepted(resp, attempt)
                reason = f"HTTP {resp.status_code}: {_message(resp)}"
                if resp.status_code not in RETRYABLE_STATUS:
                    return SendResult(FAILED, reason=reason, attempts=attempt)
                retry_after = _retry_after(resp)
            if attempt < self.s.max_attempts:
                delay = backoff_delay(attempt, self.s.backoff, self.s.backoff_max, self.rng)
                self.sleep(max(delay, retry_after))
        return SendResult(FAILED, reason=f"gave up after {self.s.max_attempts} attempts: {reason}",
                          attempts=self.s.max_attempts)

    def task(self, task_id: str) -> TaskResult | None:
        """Read a call's delivery report; None on any error (the next round asks again)."""
        import requests

        from bot.core.http_deadline import call, deadline_in

        self.pacer.wait()
        try:
            resp = call(self.http, "GET", f"{self.s.api_base}/v1/tasks/{task_id}",
                        timeout=self.timeout, deadline=deadline_in(sum(self.timeout)))
            if resp.status_code != 200:
                log.warning("task query answered HTTP %s", resp.status_code)
                return None
            return parse_task(resp.json())
        except (requests.RequestException, ValueError) as exc:
            log.warning("task query failed: %s", type(exc).__name__)
            return None


class DryRunApi:
    """BROADCAST_MODE=dry-run: logs what would be sent and reports every call delivered."""

    def __init__(self, settings: BroadcastSettings) -> None:
        self.s = settings
        self._sizes: dict[str, int] = {}

    def wait_turn(self) -> None:
        """No pacing: nothing is sent."""

    def send(self, users: list[str], data: dict[str, str]) -> SendResult:
        """Log the call instead of making it."""
        task_id = f"dry-{uuid.uuid4().hex[:12]}"
        self._sizes[task_id] = len(users)
        log.info("dry-run: would POST event %s to %d users", self.s.event_name, len(users),
                 extra={"event_data": data, "task_id": task_id})
        return SendResult(ACCEPTED, task_id=task_id)

    def task(self, task_id: str) -> TaskResult | None:
        """Every dry-run call is 'delivered' to all its users."""
        return TaskResult(True, self._sizes.get(task_id, 0))


def make_sender(settings: BroadcastSettings) -> EventSender:
    """The Event API client the mode asks for."""
    if settings.mode == "live":
        return EventApi(settings)
    return DryRunApi(settings)


def parse_task(body: dict[str, Any]) -> TaskResult:
    """Read Kakao's task report, tolerating missing counts and string or object errors."""
    fail = body.get("fail") if isinstance(body.get("fail"), dict) else {}
    failures: dict[str, str] = {}
    for item in fail.get("list") or []:
        if isinstance(item, dict) and item.get("userId"):
            failures[str(item["userId"])] = _error_text(item.get("errorMsg"))
    total = _int(body.get("allRequestCount"))
    success = _int(body.get("successCount"))
    failed = max(_int(fail.get("count")), len(failures)) + _int(
        body.get("userKeyResolvingFailCount"))
    status = str(body.get("status") or "")
    complete = status == "ALL SUCCESS" or (total > 0 and success + failed >= total)
    if status == "ALL SUCCESS" and not success:
        success = total
    return TaskResult(complete, success, failures)


def _accepted(resp: requests.Response, attempt: int) -> SendResult:
    try:
        body = resp.json()
    except ValueError:
        return SendResult(UNKNOWN, reason="unreadable 200 answer", attempts=attempt)
    status = str(body.get("status") or "").upper()
    if status == "FAIL":
        return SendResult(FAILED, reason=f"FAIL: {body.get('message') or ''}".strip(),
                          attempts=attempt)
    if not body.get("taskId"):
        return SendResult(UNKNOWN, reason="200 answer without taskId", attempts=attempt)
    return SendResult(ACCEPTED, task_id=str(body["taskId"]), attempts=attempt)


def _never_sent(exc: requests.ConnectionError) -> bool:
    """Whether a connection error happened before any byte of the request left."""
    text = repr(exc)
    return any(mark in text for mark in (
        "NewConnectionError", "Connection refused", "Name or service not known",
        "Failed to resolve", "ConnectTimeout"))


def _retry_after(resp: requests.Response) -> float:
    try:
        return max(0.0, float(resp.headers.get("Retry-After", 0)))
    except ValueError:
        return 0.0


def _message(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:120]
    return str(body.get("message") or body.get("msg") or "")[:120] if isinstance(
        body, dict) else ""


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        kind, msg = error.get("errorType"), error.get("msg")
        return f"{kind}: {msg}" if kind is not None else str(msg or "")
    return str(error or "")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
