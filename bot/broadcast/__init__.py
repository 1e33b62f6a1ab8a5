"""Staff broadcasts of support notices through the Kakao Event API.

settings (config + quiet hours) → store (Redis state) → sender (Event API) →
worker (the resumable job) → service (what staff can do) → cli (`flask broadcast`).
"""

from __future__ import annotations

from .service import BroadcastError, BroadcastService
from .settings import BroadcastSettings
from .worker import RunResult

__all__ = ["BroadcastError", "BroadcastService", "BroadcastSettings", "RunResult"]
