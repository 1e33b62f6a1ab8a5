"""gunicorn settings for the skill server, used by the Procfile and `flask serve`.

`gunicorn -c gunicorn.conf.py "bot:create_app(warm=True)"`; PORT, WEB_CONCURRENCY (workers)
and WEB_THREADS (threads per worker) as on most platforms; WEB_WORKER_CLASS picks another
worker model (bench/ runs this file too: README, "Benchmarks"). Importing bot.core.metrics here
settles PROMETHEUS_MULTIPROC_DIR in the master, before any worker forks, so every worker
writes its metrics into the same directory.
"""

from __future__ import annotations

import os
from typing import Any

from bot.core import metrics

metrics.load()  # in the master, before the fork: every worker shares the loaded client

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, not sync workers: a request waiting on a slow dependency (up to its 1.4 s
# deadline) would hold every request queued behind it (README: slow dependencies).
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True  # the app (and an embedded Redis) loads once, before forking
timeout = 30  # seconds a silent worker lives; replies are due within SKILL_BUDGET anyway


def on_starting(server: Any) -> None:
    """Drop the metric files of an earlier run's workers (a counter reset for Prometheus)."""
    metrics.wipe_directory()


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges; its counters stay in the sums."""
    metrics.worker_exited(worker.pid)
