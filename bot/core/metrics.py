"""Prometheus metrics, counted across every gunicorn worker (prometheus_client multiprocess mode).

Each process writes its counters to memory-mapped files in PROMETHEUS_MULTIPROC_DIR and
`/metrics` sums the files of all processes (bot/web/metrics.py). The directory must be
known before prometheus_client creates its first value, so this module settles it at
import: the deployer's PROMETHEUS_MULTIPROC_DIR, else a fresh temporary directory that
the process which made it removes at exit (embedded and dev runs, `flask serve`, tests).
Forked gunicorn workers inherit the variable, so they all write into the same directory.

The hot path costs one counter increment and one histogram observation per request
(children are cached per label set, so no label lookup happens per request). The client
library loads on first use, so `flask …` commands that count nothing do not pay for it.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import tempfile
import threading
from typing import Any

ENV_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own setting: read from the environment


def _settle_dir() -> str:
    """The multiprocess directory: the configured one, or a temporary one we clean up."""
    path = os.environ.get(ENV_DIR)
    if path:
        os.makedirs(path, exist_ok=True)
        return path
    path = tempfile.mkdtemp(prefix="danggol-metrics-")
    os.environ[ENV_DIR] = path  # inherited by forked workers and the processes we start
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # forked workers exit too: only the creator cleans up
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)
    return path


DIRECTORY = _settle_dir()

NAMESPACE = "danggol"
# Latency buckets around Kakao's limits: our 2 s budget and Kakao's 5 s give-up.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)
# Label values come from our code, never from a request: unknown skill names (the URL
# path is the caller's) are counted as "unknown", so nobody can grow the label set.
UNKNOWN = "unknown"


class _Metrics:
    """Every metric of the bot, made on first use: a `flask …` command never loads the client."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram, values

        if not getattr(values.ValueClass, "_multiprocess", False):
            # prometheus_client was imported before the directory was set (a library, a
            # test runner plugin): switch it to multiprocess values before ours are made.
            values.ValueClass = values.get_value_class()
        common: dict[str, Any] = {"namespace": NAMESPACE, "registry": None}
        self.requests = Counter("skill_requests", "Skill requests answered, by skill and "
                                "outcome.", ["skill", "outcome"], **common)
        self.latency = Histogram("skill_latency_seconds", "Time to answer a skill request, "
                                 "per skill.", ["skill"], buckets=LATENCY_BUCKETS, **common)
        self.budget_giveups = Counter("budget_giveups", "Requests the budget guard answered "
                                      "with 'try again' because the skill ran out of time.",
                                      ["skill"], **common)
        self.redis_errors = Counter("redis_errors", "Redis commands that failed, by error "
                                    "class.", ["error"], **common)
        self.faq_bands = Counter("faq_matches", "FAQ matches by band: high answers, medium "
                                 "suggests, low is 'not sure'.", ["band"], **common)
        self.breaker_open = Gauge("breaker_open", "1 while this process's breaker is open "
                                  "(per process).", ["breaker"], multiprocess_mode="livemax",
                                  **common)
        self.broadcast_calls = Counter("broadcast_calls", "Event API calls a broadcast worker "
                                       "made, by result (accepted, failed, unknown).",
                                       ["result"], **common)
        self.broadcast_recipients = Counter("broadcast_recipients", "Broadcast recipients by "
                                            "outcome (sent, delivered, failed, unconfirmed, "
                                            "resent).", ["outcome"], **common)
        # Children per label set, so the hot path does no label lookup.
        self.request_children: dict[tuple[str, str], tuple[Any, Any]] = {}


_made: _Metrics | None = None
_making = threading.Lock()


def _metrics() -> _Metrics:
    global _made
    if _made is None:
        with _making:  # gthread workers: two first requests at once make them once
            if _made is None:
                _made = _Metrics()
    return _made


def load() -> None:
    """Make the metrics now (gunicorn's master, before its workers fork)."""
    _metrics()


def observe_request(skill: str, outcome: str, seconds: float) -> None:
    """Count one answered skill request and its latency (the per-request hot path)."""
    m = _made or _metrics()
    pair = m.request_children.get((skill, outcome))
    if pair is None:
        pair = m.request_children[(skill, outcome)] = (
            m.requests.labels(skill, outcome), m.latency.labels(skill))
    pair[0].inc()
    pair[1].observe(seconds)
    if outcome == "timeout":
        m.budget_giveups.labels(skill).inc()


def redis_error(exc: BaseException) -> None:
    """Count one failed Redis command by its error class (ConnectionError, TimeoutError …)."""
    _metrics().redis_errors.labels(type(exc).__name__).inc()


def faq_band(band: str) -> None:
    """Count one FAQ match in its band (high, medium, low)."""
    _metrics().faq_bands.labels(band).inc()


def breaker_state(name: str, is_open: bool) -> None:
    """Record a per-process breaker's state (Redis-shared breakers are read at scrape time)."""
    _metrics().breaker_open.labels(name).set(1 if is_open else 0)


def broadcast_call(result: str, recipients: int, outcome: str) -> None:
    """Count one Event API call of a broadcast worker and what it meant for its recipients."""
    m = _metrics()
    m.broadcast_calls.labels(result).inc()
    if recipients:
        m.broadcast_recipients.labels(outcome).inc(recipients)


def broadcast_recipients(outcome: str, count: int) -> None:
    """Count recipients reaching an outcome after the call (delivered, failed, resent)."""
    if count:
        _metrics().broadcast_recipients.labels(outcome).inc(count)


def wipe_directory(path: str | None = None) -> None:
    """Delete the value files of processes that are gone (gunicorn's on_starting hook).

    Files are named `<kind>_<pid>.db`. At gunicorn's start no worker of this run exists,
    so a dead pid's file is an earlier run's; a live one (an RQ worker on the same host,
    the process that started this gunicorn) keeps counting and keeps its file.
    """
    for name in glob.glob(os.path.join(path or DIRECTORY, "*.db")):
        pid = os.path.basename(name)[:-3].rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            os.remove(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True


def worker_exited(pid: int) -> None:
    """Forget a dead worker's live gauges (gunicorn's child_exit hook); its counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, DIRECTORY)
