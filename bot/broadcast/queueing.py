"""RQ glue: queue a broadcast for `rq worker danggol` (the job itself is bot/broadcast/jobs.py).

RQ stores pickled jobs, so it gets its own connection without decode_responses.
The job is named by its dotted path: RQ stores that name, and naming it here keeps
this side free of the job module, which builds the whole app.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .settings import BroadcastSettings

if TYPE_CHECKING:
    from rq import Queue

RUN_JOB = "bot.broadcast.jobs.run_job"
JOB_TIMEOUT = 12 * 3600  # a 100k broadcast at 5 calls/s plus delivery polling fits easily


def queue(settings: BroadcastSettings, redis_url: str) -> Queue:
    """The RQ queue broadcasts go to (BROADCAST_QUEUE on RQ_REDIS_URL, else REDIS_URL)."""
    from redis import Redis
    from rq import Queue  # loaded when a broadcast is queued, not by every CLI command

    return Queue(settings.queue, connection=Redis.from_url(redis_url))


def enqueue(settings: BroadcastSettings, redis_url: str, bid: str, at: float | None) -> None:
    """Queue a broadcast now, or at `at` (needs `rq worker --with-scheduler`)."""
    q = queue(settings, redis_url)
    if at:
        q.enqueue_at(datetime.fromtimestamp(at, UTC), RUN_JOB, bid, job_timeout=JOB_TIMEOUT)
    else:
        q.enqueue(RUN_JOB, bid, job_timeout=JOB_TIMEOUT)
