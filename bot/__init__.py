"""단골 만들기 지원센터 skill server. Light on purpose: `create_app` lives in bot/app.py.

Importing any bot.* module loads only what that module needs; Flask, Redis and the
features load when an app is created (`flask --app bot`, gunicorn "bot:create_app()").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.core.version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask import Flask

    from bot.core.config import Config

__all__ = ["__version__", "create_app"]


def create_app(config: Config | Mapping[str, Any] | None = None, *, warm: bool = False) -> Flask:
    """Create the skill server (see bot.app.create_app); imported here only when called."""
    from bot.app import create_app as factory

    return factory(config, warm=warm)
