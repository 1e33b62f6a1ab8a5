"""The operators' wording: messages.yaml read once, and codes worded in Korean from it.

Everything an operator or staff member reads, from the web console or from the `flask …`
commands operators, staff and admins run (`templates`, `faq`, `notices`, `broadcast`,
`applications`, `console`, `merchants`, `wallet`; refusals through bot/core/staff_cli.py), is
worded here:
`text(key, **values)` a sentence, `explain(exc)` a domain error by its `code`
(bot/core/errors.py), `describe(problem)` a check's problem by its code (bot/answers/checks.py),
`label(value, kind)` a code as a word. No request state: the console's flash notices are
bot/web/console/messages.py, on top of this.
"""

from __future__ import annotations

import functools
import logging
import string
from pathlib import Path
from typing import Any

import yaml

FILE = Path(__file__).parent / "messages.yaml"
SECTIONS = ("flash", "text", "errors", "labels")
SHOWN_PROBLEMS = 5  # a refusal lists this many check problems, then `problems.more`

log = logging.getLogger(__name__)


@functools.cache
def catalogue() -> dict[str, dict[str, Any]]:
    """messages.yaml by section, read once (`labels:` holds one table per kind)."""
    data = yaml.safe_load(FILE.read_text(encoding="utf-8")) or {}
    found: dict[str, dict[str, Any]] = {
        section: {str(k): str(v) for k, v in (data.get(section) or {}).items()}
        for section in SECTIONS if section != "labels"}
    found["labels"] = {str(kind): {str(k): str(v) for k, v in (table or {}).items()}
                       for kind, table in (data.get("labels") or {}).items()}
    return found


def labels(kind: str) -> dict[str, str]:
    """One table of `labels:` (roles, statuses, navigation, Kakao fields …)."""
    table: dict[str, str] = catalogue()["labels"].get(kind, {})
    return table


def label(value: Any, kind: str) -> str:
    """A code as staff read it (its label of `kind`), else the code as it is."""
    return labels(kind).get(str(value), str(value))


class _Wording(string.Formatter):
    """str.format, where `{x:kind}` is a label (roles, statuses) and a list is a problem list."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in catalogue()["labels"]:
            return label(value, format_spec)
        if isinstance(value, (list, tuple)):
            shown = [describe(v) for v in value[:SHOWN_PROBLEMS]]
            if len(value) > SHOWN_PROBLEMS:
                shown.append(text("problems.more", count=len(value) - SHOWN_PROBLEMS))
            return " / ".join(shown)
        if isinstance(value, int) and not isinstance(value, bool) and not format_spec:
            format_spec = ","  # 1,000자: the way the limits are written for operators
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


def _worded(code: Any, values: dict[str, Any]) -> str | None:
    """The `errors:` wording of a code with its values, None when there is none that fits."""
    wording = catalogue()["errors"].get(code) if isinstance(code, str) else None
    if wording is None:
        return None
    try:
        return render(wording, values)
    except (KeyError, IndexError, ValueError):
        log.exception("operator wording of %s does not fit its values", code)
        return None


def explain(exc: BaseException) -> str:
    """Why an action was refused, in Korean: the wording of the error's code, else a
    general sentence with the original kept for the developers (never the English alone)."""
    said = _worded(getattr(exc, "code", ""), dict(getattr(exc, "values", {}) or {}))
    return said if said is not None else text("error.unknown",
                                              detail=str(exc) or type(exc).__name__)


def describe(problem: Any, *, with_code: bool = False) -> str:
    """A check's problem in Korean: where (file, sample, place in the answer), then what.

    Takes a checks.Problem, a Kakao limits.Violation or a coded error; anything without a
    code is shown as it is. `with_code=True` adds the code in brackets, to search for or to
    report (the `flask … check` commands' lines).
    """
    said = _described(problem)
    return f"{said} [{problem.code}]" if with_code and getattr(problem, "code", None) else said


def _described(problem: Any) -> str:
    """describe() without the code."""
    code = getattr(problem, "code", None)
    if code is None:
        return str(problem)
    said = _worded(code, dict(getattr(problem, "values", {}) or {}))
    if said is None:
        return text("error.unknown", detail=str(problem))
    where = []
    if getattr(problem, "template", ""):
        where.append(f"{problem.template}.yaml")
    if getattr(problem, "number", None):
        where.append(text("problems.sample", number=problem.number))
    if getattr(problem, "path", ""):
        where.append(problem.path)
    return f"{' · '.join(where)}: {said}" if where else said

