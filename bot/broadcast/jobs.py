"""RQ glue: queue a broadcast for `rq worker danggol`, and the job function the worker runs.

RQ stores pickled jobs, so it gets its own connection without decode_responses;
the job builds the app from the environment exactly like the web process does.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from redis import Redis
from rq import Queue

from ..redisconn import rq_url
from .settings import BroadcastSettings

log = logging.getLogger(__name__)

JOB_TIMEOUT = 12 * 3600  # a 100k broadcast at 5 calls/s plus delivery polling fits easily


def queue(settings: BroadcastSettings, redis_url: str) -> Queue:
    """The RQ queue broadcasts go to (BROADCAST_QUEUE on RQ_REDIS_URL, else REDIS_URL)."""
    return Queue(settings.queue, connection=Redis.from_url(redis_url))


def enqueue(settings: BroadcastSettings, redis_url: str, bid: str, at: float | None) -> None:
    """Queue a broadcast now, or at `at` (needs `rq worker --with-scheduler`)."""
    q = queue(settings, redis_url)
    if at:
        q.enqueue_at(datetime.fromtimestamp(at, UTC), run_job, bid, job_timeout=JOB_TIMEOUT)
    else:
        q.enqueue(run_job, bid, job_timeout=JOB_TIMEOUT)


def run_job(bid: str) -> str:
    """RQ entry point: run one broadcast; queue it again for the end of quiet hours."""
    from .. import create_app

    app = create_app()
    service = app.extensions["bot"].services.ext["broadcasts"]
    result = service.run(bid)
    if result.resume_at:
        enqueue(service.settings, rq_url(app.config) or "", bid, result.resume_at)
        log.info("broadcast %s paused until quiet hours end", bid)
    return result.status
