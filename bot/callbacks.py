"""Shim: callback jobs queued before the move name bot.callbacks.run_job (bot/conversation/)."""

from __future__ import annotations

from typing import Any


def run_job(name: str, raw: dict[str, Any], url: str, received: float) -> str:
    """RQ job queued under its old path: runs the callback job of bot/conversation."""
    from bot.conversation.callback_jobs import run_job as job

    return job(name, raw, url, received)
