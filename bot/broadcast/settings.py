"""Broadcast settings and the quiet-hours calendar: declared with every feature's settings
(bot/core/settings.py), built by bot/core/config.py; on `services.features.broadcast`."""

from __future__ import annotations

from bot.core.settings import MAX_BATCH, VAT_TENTHS, BroadcastSettings

__all__ = ["MAX_BATCH", "VAT_TENTHS", "BroadcastSettings"]
