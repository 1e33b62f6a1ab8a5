"""/console/faq: entries by topic, "what would the bot answer to …?", unanswered questions."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import abort, redirect, render_template, request, url_for

from bot.web.console.editing import EditRefused

from ....conversation.session import Session
from ....faq.knowledge import example_added, group_unanswered
from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp
from ..messages import explain, label, say

AREA = "faq"
UNANSWERED_SHOWN = 60


def _service() -> Any:
    service = access.faq_service()
    if service is None:
        abort(404)
    return service


def _about(name: str) -> str:
    """The comment line heading an entry's file (what the entry is about, its source)."""
    try:
        first = access.console().editor.source(name).lstrip().splitlines()[0]
    except (IndexError, Exception):  # noqa: BLE001  a missing file only loses the note
        return ""
    return first.lstrip("#").strip() if first.startswith("#") else ""


@bp.get("/faq")
@area(AREA)
def faq_index() -> str:
    """Topics and entries; the try-a-question box; unanswered questions grouped by near entry."""
    service = _service()
    snapshot = service.kb.snapshot()
    topics: dict[str, list[Any]] = {}
    for entry in snapshot.ordered():
        topics.setdefault(entry.topic or label("no_topic", "page"), []).append(entry)
    question = (request.args.get("q") or "").strip()
    trial = None
    if question:
        band, hits = service.match(snapshot, question, Session("console-faq-trial"), time.time())
        trial = {"band": band, "hits": [(snapshot.entries[h.entry], h.score) for h in hits
                                         if h.entry in snapshot.entries]}
    # The grouping `flask faq unanswered` prints: similar questions together, nearest entry.
    groups = group_unanswered(service.unanswered.top(UNANSWERED_SHOWN), snapshot.index)
    about = {e.id: _about(e.template) for e in snapshot.entries.values()}
    return render_template("console/faq.html", topics=topics, snapshot=snapshot,
                           question=question, trial=trial, groups=groups, about=about,
                           bands=service.bands)


@bp.post("/faq/example")
@area(AREA)
def faq_add_example() -> Any:
    """Add an unanswered question as an example of an entry (checked and saved like an edit)."""
    service = _service()
    question = (request.form.get("question") or "").strip()
    entry_id = request.form.get("entry") or ""
    snapshot = service.kb.snapshot()
    if not question or entry_id not in snapshot.entries:
        say("faq.pick", "error")
        return redirect(url_for("console.faq_index"))
    name = snapshot.entries[entry_id].template
    editor = access.console().editor
    before = editor.source(name)
    try:
        after = example_added(before, entry_id, question)  # the rule `flask faq attach` uses
        editor.save(name, after, actor(), f"예시 추가: {question}")
    except ValueError as exc:  # the entry's rules, or the save's checks (EditRefused)
        say("faq.example_refused", "error", reason=explain(exc))
        return redirect(url_for("console.faq_index"))
    service.unanswered.forget(question)
    access.edits_applied()
    audit("faq.example", name, before, after)
    say("faq.example_added", "ok", question=question, title=snapshot.entries[entry_id].title)
    return redirect(url_for("console.faq_index", q=question))


@bp.post("/faq/unanswered/forget")
@area(AREA)
def faq_forget() -> Any:
    """Drop one question from the unanswered list (not worth an entry)."""
    question = (request.form.get("question") or "").strip()
    if question:
        _service().unanswered.forget(question)
        audit("faq.unanswered.forget", question)
    return redirect(url_for("console.faq_index"))


@bp.post("/faq/unanswered/clear")
@area(AREA)
def faq_clear_unanswered() -> Any:
    """Forget the whole unanswered list (after its questions became entries or examples)."""
    log = _service().unanswered
    count = len(log.top(10_000))
    log.clear()
    audit("faq.unanswered.clear", f"{count} questions")
    say("faq.unanswered_cleared", "ok", count=count)
    return redirect(url_for("console.faq_index"))


def entry_source(entry_id: str, title: str, topic: str, examples: list[str], answer: str) -> str:
    """The YAML of a new entry, laid out like the files in templates/faq/."""
    def item(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = [f"# 자주 묻는 질문: {title} (콘솔에서 만듦)", "faq:", f"  title: {item(title)}",
             f"  topic: {item(topic)}", "  examples:"]
    lines += [f"    - {item(e)}" for e in examples]
    lines += ["  related: []", "text: |"]
    lines += [f"  {line}" if line else "" for line in answer.splitlines()]
    return "\n".join(lines) + "\n"


@bp.post("/faq/new")
@area(AREA)
def faq_new() -> Any:
    """A new entry: id, title, topic, example questions and the answer, checked like a save."""
    form = request.form
    entry_id = (form.get("id") or "").strip()
    title = (form.get("title") or "").strip()
    topic = (form.get("topic") or "").strip()
    answer = (form.get("answer") or "").strip()
    examples = [e.strip() for e in (form.get("examples") or "").splitlines() if e.strip()]
    if not (entry_id and title and topic and answer and examples):
        say("faq.fields_needed", "error")
        return redirect(url_for("console.faq_index"))
    name = f"faq/{entry_id}"
    text = entry_source(entry_id, title, topic, examples, answer)
    try:
        access.console().editor.create(name, text, actor())
    except EditRefused as exc:
        say("faq.not_created", "error", reason=explain(exc))
        return redirect(url_for("console.faq_index"))
    access.edits_applied()
    audit("faq.new", name, None, text)
    say("faq.created", "ok", title=title)
    return redirect(url_for("console.templates_edit", name=name))


@bp.get("/faq/check")
@area(AREA)
def faq_check() -> str:
    """What `flask faq check [-v]` reports, on the live entries (console edits included):
    the problems, the coverage of program-facts.md, and (?advice=1) where wordings are thin."""
    from ....faq import knowledge as faq_kb

    service = _service()
    problems = faq_kb.check_kb(access.bot().renderer, service.kb)
    snapshot = service.kb.snapshot()
    cover = faq_kb.coverage(snapshot)
    sections = [(s, cover.sections[s], cover.entries.get(s, ())) for s in cover.required]
    advice = (faq_kb.leave_one_out(snapshot, service.bands)
              if request.args.get("advice") else None)
    return render_template("console/check.html", title=label("faq_check", "page"),
                           problems=problems,
                           back=url_for("console.faq_index"), coverage=sections,
                           entries=snapshot.entries, advice=advice)
