"""RQ job of the applications feature: deliver the intake outbox in the worker process."""

from __future__ import annotations

from bot.app import create_app

from .service import deliver_pending, schedule_retry


def deliver_job() -> int:
    """RQ entry point: deliver the outbox; while anything is left, try again later."""
    services = create_app().extensions["bot"].services
    services.redis.delete(services.keys.application_retry())
    report = deliver_pending(services)
    if report.failed:
        schedule_retry(services)
    return len(report.delivered)
