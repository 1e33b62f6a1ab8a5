"""The installed package's version (shown by /healthz and the request log)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("danggol-bot")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
