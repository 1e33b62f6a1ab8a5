"""The RQ job of Kakao callbacks (`rq worker danggol-callbacks`): compute and POST the answer.

Apart from bot/conversation/callbacks.py because it builds the whole app, which
imports that module: the scheduler names this job by its dotted path instead.
"""

from __future__ import annotations

from typing import Any

from bot.app import create_app


def run_job(name: str, raw: dict[str, Any], url: str, received: float) -> str:
    """RQ entry point: build the app from the environment (like the web process) and run."""
    app = create_app()
    return app.extensions["bot"].services.callbacks.execute(name, raw, url, received)
