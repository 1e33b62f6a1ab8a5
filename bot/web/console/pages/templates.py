"""/console/templates: the template tree, the editor with a live KakaoTalk preview, history."""

from __future__ import annotations

from typing import Any

import yaml
from flask import abort, redirect, render_template, request, url_for

from bot.web.console.editing import FILES, EditRefused

from ....answers.templating import TemplateError
from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp
from ..messages import explain, label, say, text

AREA = "templates"


def _editor() -> Any:
    return access.console().editor


def _known(name: str) -> None:
    if name not in FILES and name not in access.bot().templates.names():
        abort(404)


def sample_yaml(sample: dict[str, Any]) -> str:
    """A sample context as the YAML the operator edits."""
    if not sample:
        return "{}\n"
    return yaml.safe_dump(sample, allow_unicode=True, sort_keys=False, default_flow_style=False)


def parse_values(raw: str) -> tuple[dict[str, Any], str | None]:
    """The operator's values (YAML mapping); an error message when they do not parse."""
    try:
        values = yaml.safe_load(raw or "") or {}
    except yaml.YAMLError as exc:
        return {}, text("preview.values_not_yaml", error=exc)
    if not isinstance(values, dict):
        return {}, text("preview.values_not_mapping")
    return values, None


@bp.get("/templates")
@area(AREA)
def templates_index() -> str:
    """Every template, grouped by folder, with the ones edited in the console marked."""
    store = access.bot().templates
    edited = set(access.console().overrides.names())
    groups: dict[str, list[str]] = {}
    for name in store.names():
        groups.setdefault(name.split("/", 1)[0], []).append(name)
    query = (request.args.get("q") or "").strip()
    if query:
        groups = {g: [n for n in names if query in n] for g, names in groups.items()}
        groups = {g: names for g, names in groups.items() if names}
    problems = {p.name: p for p in store.problems()}
    return render_template("console/templates_index.html", groups=groups, edited=edited,
                           problems=problems, query=query)


@bp.get("/templates/check")
@area(AREA)
def templates_check() -> str:
    """What `flask templates check` reports, on the live versions (console edits included)."""
    from ....answers import checks

    problems = checks.check_all(access.bot().renderer)
    return render_template("console/check.html", title=label("templates_check", "page"),
                           problems=problems,
                           back=url_for("console.templates_index"))


@bp.get("/templates/<path:name>")
@area(AREA)
def templates_edit(name: str) -> str:
    """The editor: source, sample values, the live preview, save."""
    _known(name)
    editor = _editor()
    return _edit_page(name, editor.source(name))


def _edit_page(name: str, source: str, problems: list[Any] | None = None,
               status: int = 200) -> Any:
    editor = _editor()
    samples = editor.samples_of(source)
    values = sample_yaml(samples[0])
    preview = editor.preview(name, source, samples[0]) if name not in FILES else None
    live = access.console().overrides.get(name)
    page = render_template("console/templates_edit.html", name=name, source=source,
                           samples=[sample_yaml(s) for s in samples], values=values,
                           preview=preview, problems=problems, live=live,
                           has_file=editor.file_text(name) is not None)
    return page if status == 200 else (page, status)


@bp.post("/templates/<path:name>/preview")
@area(AREA)
def templates_preview(name: str) -> str:
    """The draft drawn as KakaoTalk bubbles with the operator's values (htmx partial)."""
    _known(name)
    if name in FILES:  # settings and word lists are no answer: nothing to draw
        return ""
    values, error = parse_values(request.form.get("values", ""))
    if error:
        return render_template("console/_preview.html", preview=None, problems=[error])
    preview = _editor().preview(name, request.form.get("source", ""), values)
    return render_template("console/_preview.html", preview=preview, problems=preview.problems)


@bp.post("/templates/<path:name>")
@area(AREA)
def templates_save(name: str) -> Any:
    """Save a draft: checked like `flask templates check`; refused with the reasons."""
    _known(name)
    editor = _editor()
    source = request.form.get("source", "").replace("\r\n", "\n")
    before = editor.source(name)
    if source.strip() == before.strip():
        say("templates.unchanged", "info")
        return redirect(url_for("console.templates_edit", name=name))
    try:
        version = editor.save(name, source, actor(), request.form.get("note", "").strip())
    except EditRefused as exc:
        say("templates.refused", "error")
        return _edit_page(name, source, exc.problems, 422)
    access.edits_applied()
    audit("template.save", name, before, source)
    say("templates.saved", "ok", version=version.version)
    return redirect(url_for("console.templates_edit", name=name))


@bp.get("/templates/<path:name>/history")
@area(AREA)
def templates_history(name: str) -> str:
    """Every saved version with who and when, each diffed against the one before it."""
    _known(name)
    editor = _editor()
    versions = editor.history(name)
    rows = []
    for i, version in enumerate(versions):
        older = versions[i + 1].text if i + 1 < len(versions) else None
        before = (f"v{versions[i + 1].version}" if i + 1 < len(versions)
                  else label("file_default", "page"))
        rows.append((version, editor.diff(name, older, version.text, before,
                                          f"v{version.version}")))
    live = access.console().overrides.get(name)
    return render_template("console/templates_history.html", name=name, rows=rows, live=live,
                           has_file=editor.file_text(name) is not None)


@bp.post("/templates/<path:name>/rollback")
@area(AREA)
def templates_rollback(name: str) -> Any:
    """Make an earlier version live again (one click in the history)."""
    _known(name)
    editor = _editor()
    before = editor.source(name)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    try:  # EditRefused is a ValueError too: parsed apart, so a refusal is said, not a 400
        saved = editor.rollback(name, version, actor())
    except EditRefused as exc:
        say("templates.not_rolled_back", "error", reason=explain(exc))
        return redirect(url_for("console.templates_history", name=name))
    access.edits_applied()
    audit("template.rollback", name, before, editor.source(name))
    say("templates.rolled_back", "ok", version=version, saved=saved.version)
    return redirect(url_for("console.templates_history", name=name))


@bp.post("/templates/<path:name>/reset")
@area(AREA)
def templates_reset(name: str) -> Any:
    """Drop the console version: the file in templates/ answers again."""
    _known(name)
    editor = _editor()
    before = editor.source(name)
    try:
        editor.reset(name, actor())
    except (EditRefused, TemplateError) as exc:
        say("templates.not_reset", "error", reason=explain(exc))
        return redirect(url_for("console.templates_history", name=name))
    access.edits_applied()
    audit("template.reset", name, before, editor.source(name))
    say("templates.reset", "ok")
    return redirect(url_for("console.templates_history", name=name))
