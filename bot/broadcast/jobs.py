"""The RQ job the broadcast worker runs (queued by bot/broadcast/queueing.py).

The job builds the app from the environment exactly like the web process does.
Its dotted path, bot.broadcast.jobs.run_job, is stored in queued jobs: keep it.
"""

from __future__ import annotations

import logging

from bot.app import create_app
from bot.core.redisconn import rq_url

from .queueing import enqueue

log = logging.getLogger(__name__)


def run_job(bid: str) -> str:
    """RQ entry point: run one broadcast; queue it again for the end of quiet hours."""
    app = create_app()
    service = app.extensions["bot"].services.broadcasts
    result = service.run(bid)
    if result.resume_at:
        enqueue(service.settings, rq_url(app.config) or "", bid, result.resume_at)
        log.info("broadcast %s paused until quiet hours end", bid)
    return result.status
