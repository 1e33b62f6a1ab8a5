"""Bulkheads and the abandoned-turn flag: one slow dependency cannot take the others down.

The pipeline runs each turn on a small thread pool behind its budget guard. If every thread
could wait on the same slow service, welcome and FAQ answers (which never call it) would queue
behind them. A `Bulkhead` caps how many threads of this process may be inside one dependency
at once; a caller that finds it full answers that dependency's "unavailable / cached" reply at
once instead of waiting. With the skill pool at 8 threads and bulkheads of 3 (wallet) and 2
(intake), at least 3 threads always serve everything else.

`abandoned()` tells a dependency call, when it returns, that the budget guard already gave
its turn up (the merchant was told to try again): such a call counts as a failure for the
dependency's breaker whatever its outcome, because it was too slow to be of use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_turn = threading.local()  # the abandoned-flag of the turn running on this thread


class Bulkhead:
    """At most `limit` concurrent calls into one dependency per process; never waits."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = max(1, int(limit))
        self._slots = threading.BoundedSemaphore(self.limit)

    @contextmanager
    def enter(self) -> Iterator[bool]:
        """Yield True with a slot held, or False at once when every slot is taken."""
        got = self._slots.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                self._slots.release()


@contextmanager
def turn(abandoned: threading.Event) -> Iterator[None]:
    """Mark the code inside as one pipeline turn whose guard may set `abandoned`."""
    outer = getattr(_turn, "event", None)
    _turn.event = abandoned
    try:
        yield
    finally:
        _turn.event = outer


def abandoned() -> bool:
    """Whether the budget guard gave up the turn running on this thread."""
    event: threading.Event | None = getattr(_turn, "event", None)
    return bool(event is not None and event.is_set())
