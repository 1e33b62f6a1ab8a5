"""The applications feature (지원금 신청): model, store, intake delivery, staff review, CLI.

Light on purpose: importing a module of this package loads only that module.
"""

from __future__ import annotations


def deliver_job() -> int:
    """RQ job queued before the move to bot/applications/ (by this dotted path): still runs."""
    from .jobs import deliver_job as job

    return job()
