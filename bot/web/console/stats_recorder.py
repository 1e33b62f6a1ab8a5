"""Daily counters for the console's statistics: skill outcomes, latency, FAQ bands.

Fed by what the skill server already produces — the request log line of every
skill call (logger `bot.request`) and the rendered replies (render.reply_rendered)
— so the request path gains no Redis call: counts gather in memory and are added
to one hash per KST day at most every FLUSH_SECONDS (a crash loses seconds of stats).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_app_context

from ...answers.render import reply_rendered
from ...conversation import funnel

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
KEEP_DAYS = 400
# Latency buckets (ms) of a skill reply: the day's p50/p95 are read from them.
BUCKETS = (5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000)


def bucket(ms: float) -> int:
    """The smallest bucket holding a latency (the last one for anything slower)."""
    return next((b for b in BUCKETS if ms <= b), BUCKETS[-1])


def faq_band(templates: Iterable[str]) -> str | None:
    """How a reply's templates show the FAQ was used: answered, suggested, unanswered."""
    names = list(templates)
    if any(n.startswith("faq/") for n in names):
        return "answered"
    if "faq_ui/suggest" in names:
        return "suggested"
    if "fallback/unknown" in names:
        return "unanswered"
    return None


class Recorder:
    """Counts skill calls and FAQ outcomes of one app; flushes them to Redis in batches."""

    def __init__(self, services: Any) -> None:
        self.svc = services
        self.pending: Counter[str] = Counter()
        self.flushed = time.monotonic()
        self.guard = threading.Lock()

    def on_record(self, record: logging.LogRecord) -> None:
        """One skill call's log line: outcome and latency bucket."""
        skill = getattr(record, "skill", None)
        outcome = getattr(record, "outcome", None)
        if skill is None or outcome is None:
            return
        latency = float(getattr(record, "latency_ms", 0.0) or 0.0)
        self.add([f"skill|{skill}|{str(outcome).split(':')[0]}",
                  f"latency|{bucket(latency)}"])

    def on_reply(self, _sender: Any, reply: Any = None, **_: Any) -> None:
        """A rendered reply: count the FAQ band it shows."""
        band = faq_band(p.template for p in getattr(reply, "parts", ()))
        if band:
            self.add([f"faq|{band}"])

    def add(self, fields: list[str]) -> None:
        """Count fields; write them out when the last flush is old enough."""
        with self.guard:
            self.pending.update(fields)
            if time.monotonic() - self.flushed < FLUSH_SECONDS:
                return
            batch, self.pending = self.pending, Counter()
            self.flushed = time.monotonic()
        self.flush(batch)

    def flush(self, batch: Counter[str] | None = None) -> None:
        """Add counts to today's hash (the pending ones when no batch is given)."""
        if batch is None:
            with self.guard:
                batch, self.pending = self.pending, Counter()
                self.flushed = time.monotonic()
        if not batch:
            return
        key = self.svc.keys.console_stats(funnel.day_of(self.svc.clock()))
        try:
            with self.svc.redis.pipeline(transaction=False) as pipe:
                for name, count in batch.items():
                    pipe.hincrby(key, name, count)
                pipe.expire(key, KEEP_DAYS * 86400)
                pipe.execute()
        except Exception as exc:  # stats must never fail a reply
            log.warning("console stats not written: %s", exc)


class _RequestLog(logging.Handler):
    """One handler for the process: hands each request log line to its app's recorder."""

    def emit(self, record: logging.LogRecord) -> None:
        """Find the recorder of the app serving this request (several apps in tests)."""
        if not has_app_context():
            return
        recorder = current_app.extensions.get("console_stats")
        if recorder is not None:
            recorder.on_record(record)


_HANDLER = _RequestLog(logging.INFO)


def install(app: Flask) -> Recorder:
    """Listen to the request log and rendered replies of this app."""
    bot = app.extensions["bot"]
    recorder = Recorder(bot.services)
    request_log = logging.getLogger("bot.request")
    if _HANDLER not in request_log.handlers:
        request_log.addHandler(_HANDLER)
    reply_rendered.connect(recorder.on_reply, sender=bot.renderer, weak=False)
    app.extensions["console_stats"] = recorder
    return recorder


def load(services: Any, days: list[str]) -> dict[str, dict[str, int]]:
    """Counters per day (YYYYMMDD -> field -> count)."""
    with services.redis.pipeline(transaction=False) as pipe:
        for day in days:
            pipe.hgetall(services.keys.console_stats(day))
        raw = pipe.execute()
    return {day: {k: int(v) for k, v in values.items()}
            for day, values in zip(days, raw, strict=True)}
