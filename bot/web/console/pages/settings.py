"""/console/settings: the operator settings (templates/settings.yaml) as a form.

Saved through the same Redis layer as template edits, so the change reaches every
worker; the text keeps its comments (only the edited values' lines change).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from flask import redirect, render_template, request, url_for

from bot.answers.overrides import SETTINGS
from bot.web.console.editing import EditRefused

from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp
from ..messages import explain, say

AREA = "settings"
LINE = re.compile(r"^(?P<key>[A-Za-z_][\w]*):(?P<rest>.*)$")


@dataclass
class Field:
    """One top-level setting: its value, the comments about it, and whether the form can edit it."""

    key: str
    value: Any
    help: list[str]
    line: int
    editable: bool


def fields_of(text: str) -> list[Field]:
    """The settings in file order, with the comment lines just above each and after it."""
    data = yaml.safe_load(text) or {}
    fields: list[Field] = []
    comments: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            continue
        match = LINE.match(line)
        if not match:
            if not line.strip():
                comments = []  # a blank line ends a block of comments
            continue
        key = match["key"]
        value = data.get(key)
        trailing = _trailing_comment(match["rest"])
        editable = isinstance(value, (str, int, float)) and not match["rest"].strip().startswith(
            ("|", ">"))
        help_lines = [c for c in comments if c and not set(c) <= set("─ ")]
        fields.append(Field(key, value, help_lines + ([trailing] if trailing else []), i,
                            editable))
        comments = []
    return fields


def _trailing_comment(rest: str) -> str:
    """The `# …` after a value on the same line (none inside quotes)."""
    in_quote = None
    for i, ch in enumerate(rest):
        if ch in "\"'" and in_quote in (None, ch):
            in_quote = None if in_quote else ch
        elif ch == "#" and in_quote is None and (i == 0 or rest[i - 1] in " \t"):
            return rest[i + 1:].strip()
    return ""


def _scalar(value: str) -> str:
    """A value written so YAML reads it back as this exact text."""
    if value and yaml.safe_load(f"k: {value}") == {"k": value} and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def with_values(text: str, values: dict[str, str]) -> str:
    """The settings text with new values on the lines of the keys that changed."""
    lines = text.split("\n")
    for field in fields_of(text):
        if not field.editable or field.key not in values:
            continue
        new = values[field.key].replace("\r\n", "\n").strip()
        if str(field.value if field.value is not None else "") == new:
            continue
        trailing = _trailing_comment(LINE.match(lines[field.line])["rest"])
        lines[field.line] = f"{field.key}: {_scalar(new)}" + (
            f"  # {trailing}" if trailing else "")
    return "\n".join(lines)


@bp.get("/settings")
@area(AREA)
def settings_page() -> str:
    """Every setting with its explanation."""
    text = access.console().editor.source(SETTINGS)
    return render_template("console/settings.html", fields=fields_of(text),
                           live=access.console().overrides.get(SETTINGS))


@bp.post("/settings")
@area(AREA)
def settings_save() -> Any:
    """Save changed values (checked: every template must still render)."""
    editor = access.console().editor
    before = editor.source(SETTINGS)
    values = {k.removeprefix("s_"): v for k, v in request.form.items() if k.startswith("s_")}
    after = with_values(before, values)
    if after == before:
        say("settings.unchanged", "info")
        return redirect(url_for("console.settings_page"))
    try:
        version = editor.save(SETTINGS, after, actor(), "운영 설정 화면")
    except EditRefused as exc:
        say("settings.not_saved", "error", reason=explain(exc))
        return redirect(url_for("console.settings_page"))
    access.edits_applied()
    changed = {f.key: f.value for f in fields_of(after)}
    old = {f.key: f.value for f in fields_of(before)}
    audit("settings.save", SETTINGS, {k: v for k, v in old.items() if changed.get(k) != v},
          {k: v for k, v in changed.items() if old.get(k) != v})
    say("settings.saved", "ok", version=version.version)
    return redirect(url_for("console.settings_page"))
