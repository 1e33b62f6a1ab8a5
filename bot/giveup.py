"""Whether the reply being worked on was already given up by the budget guard.

The pipeline answers "busy" when a skill overruns its budget, but the skill's
thread runs on; long work checks `given_up()` between its stages and stops, so
nothing keeps computing for a reply nobody will read.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar

_abandoned: ContextVar[threading.Event | None] = ContextVar("abandoned", default=None)


def bind(abandoned: threading.Event | None) -> None:
    """Make `abandoned` the current request's flag (a pool thread runs one request at a time)."""
    _abandoned.set(abandoned)


def given_up() -> bool:
    """True when the budget guard has already answered for this request."""
    event = _abandoned.get()
    return event is not None and event.is_set()
