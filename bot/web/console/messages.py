"""The console's wording: flash notices on top of the operators' wording (bot/core/wording.py).

`say(key, category, **values)` flashes a worded notice of messages.yaml `flash:`; the pages
take `explain`, `describe`, `label` and `text` from here too, so the console has one door to
its Korean and staff never read the English that logs keep.
"""

from __future__ import annotations

from typing import Any

from flask import flash

from bot.core.wording import catalogue, describe, explain, label, labels, render, text

__all__ = ["describe", "explain", "label", "labels", "say", "text"]


def say(key: str, category: str, **values: Any) -> None:
    """Flash a notice of the `flash:` section ("ok", "info" or "error")."""
    flash(render(catalogue()["flash"][key], values), category)
