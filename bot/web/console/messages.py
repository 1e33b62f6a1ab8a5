"""The console's wording: every flash, page sentence and refusal, from messages.yaml (Korean).

`say(key, category, **values)` flashes a worded notice; `explain(exc)` words a domain error
by its `code` (bot/core/errors.py), so staff never read the English that the CLI prints.
"""

from __future__ import annotations

import functools
import logging
import string
from pathlib import Path
from typing import Any

import yaml
from flask import flash

from .helpers import LABELS, label
from .helpers import explain as explain_problem

FILE = Path(__file__).parent / "templates" / "console" / "messages.yaml"
SECTIONS = ("flash", "text", "errors")
SHOWN_PROBLEMS = 5  # a refusal lists this many check problems, then "그 밖에 N개"

log = logging.getLogger(__name__)


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """messages.yaml by section, read once."""
    data = yaml.safe_load(FILE.read_text(encoding="utf-8")) or {}
    return {section: {str(k): str(v) for k, v in (data.get(section) or {}).items()}
            for section in SECTIONS}


class _Wording(string.Formatter):
    """str.format, where `{x:kind}` is a label (roles, statuses) and a list is a problem list."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in LABELS:
            return label(value, format_spec)
        if isinstance(value, (list, tuple)):
            shown = [explain_problem(str(v)) for v in value[:SHOWN_PROBLEMS]]
            if len(value) > SHOWN_PROBLEMS:
                shown.append(text("problems.more", count=len(value) - SHOWN_PROBLEMS))
            return " / ".join(shown)
        return super().format_field(value, format_spec)


_WORDING = _Wording()


def placeholders(wording: str) -> set[str]:
    """The names a wording fills in ({name}, {status:application} → name, status)."""
    return {field for _, field, _, _ in _WORDING.parse(wording) if field}


def render(wording: str, values: dict[str, Any]) -> str:
    """A wording with its values filled in."""
    return _WORDING.vformat(wording, (), values)


def text(key: str, **values: Any) -> str:
    """A sentence of the `text:` section."""
    return render(catalogue()["text"][key], values)


def say(key: str, category: str, **values: Any) -> None:
    """Flash a notice of the `flash:` section ("ok", "info" or "error")."""
    flash(render(catalogue()["flash"][key], values), category)


def explain(exc: BaseException) -> str:
    """Why an action was refused, in Korean: the wording of the error's code, else a
    general sentence with the original kept for the developers (never the English alone)."""
    code = getattr(exc, "code", "")
    wording = catalogue()["errors"].get(code) if isinstance(code, str) else None
    if wording is not None:
        try:
            return render(wording, dict(getattr(exc, "values", {}) or {}))
        except (KeyError, IndexError, ValueError):
            log.exception("console wording of %s does not fit its values", code)
    return text("error.unknown", detail=str(exc) or type(exc).__name__)
