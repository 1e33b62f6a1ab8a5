"""`flask faq check`, `unanswered` and `attach`: the FAQ knowledge base for operators.

Operators run `flask faq check` after editing entries on the server, so its report is in
Korean (bot/core/wording.py, messages.yaml), each problem with its code; the English
messages stay in the logs.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core import wording
from bot.core.clock import KST
from bot.services import Services

from . import coverage as faq_coverage
from . import knowledge as faq

faq_cli = AppGroup("faq", help="FAQ knowledge base (templates/faq/*.yaml).")


def _service() -> Any:
    """The installed FAQ service (bot/faq/service.py)."""
    return current_app.extensions["bot"].services.faq


@faq_cli.command("check")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list examples another entry would take if they were deleted.")
def check(verbose: bool) -> None:
    """Validate every entry and print the coverage of program-facts.md; exit 1 on a problem."""
    bot = current_app.extensions["bot"]
    service = _service()
    problems = faq.check_kb(bot.renderer, service.kb)
    snapshot = service.kb.snapshot()
    for line in _coverage_lines(faq.coverage(snapshot)):
        click.echo(line)
    for problem in problems:
        click.echo(f"✗ {wording.describe(problem, with_code=True)}", err=True)
    if verbose:
        for entry, example, band, winner in faq.leave_one_out(snapshot, service.bands):
            if winner == "-":
                said = wording.text("cli.faq_advice_lost", entry=entry, example=example,
                                    band=band)
            else:
                said = wording.text("cli.faq_advice", entry=entry, example=example, band=band,
                                    winner=winner)
            click.echo(f"· {said}")
    if problems:
        click.echo(wording.text("cli.faq_check_failed", count=len(problems),
                                entries=len(snapshot.entries)), err=True)
        sys.exit(1)
    examples = sum(len(e.examples) for e in snapshot.entries.values())
    said = wording.text("cli.faq_check_ok", entries=len(snapshot.entries), examples=examples)
    click.echo(f"✓ {said}")


def _coverage_lines(cover: faq_coverage.Coverage) -> list[str]:
    """The coverage map: each required section with its entries (✗: none), then the others."""
    lines = [wording.text("cli.faq_coverage")]
    for section in cover.required:
        ids = cover.entries.get(section, ())
        mark = "✓" if ids else "✗"
        listed = ", ".join(ids) if ids else wording.text("cli.faq_no_entry")
        lines.append(f"  {mark} {section} {cover.sections[section]} ({len(ids)}): {listed}")
    for section, ids in cover.entries.items():
        if section not in cover.required:
            lines.append(f"  · {section} ({len(ids)}): {', '.join(ids)}")
    return lines


@faq_cli.command("unanswered")
@click.option("--limit", default=30, show_default=True, help="How many questions to list.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option("--clear", is_flag=True, help="Forget the list (after adding entries for it).")
def unanswered(limit: int, as_json: bool, clear: bool) -> None:
    """Questions the FAQ could not answer (digits masked, no user keys), most asked first."""
    log = _service().unanswered
    if clear:
        log.clear()
        click.echo(wording.text("cli.faq_unanswered_cleared"))
        return
    rows = log.top(limit)
    if as_json:
        if rows:
            click.echo(faq.dump(rows))
        return
    if not rows:
        click.echo(wording.text("cli.faq_unanswered_none"))
        return
    snapshot = _service().kb.snapshot()
    groups = faq.group_unanswered(log.top(faq.UNANSWERED_CAP), snapshot.index)[:limit]
    click.echo(wording.text("cli.faq_unanswered_head"))
    for group in groups:
        when = datetime.fromtimestamp(group.last_seen, KST).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{group.count:>5}  {when:<16}  {group.examples[0]}"
                   f"  (→ {group.nearest or '-'})")
        for example in group.examples[1:]:
            click.echo(f"{'':>5}  {'':<16}  {example}")
    click.echo(wording.text("cli.faq_unanswered_attach"))


@faq_cli.command("attach")
@click.argument("question")
@click.argument("entry_id")
def attach(question: str, entry_id: str) -> None:
    """Add QUESTION to the examples of ENTRY_ID (templates/faq/ENTRY_ID.yaml)."""
    service = _service()
    console = current_app.extensions.get("console")
    name = f"faq/{entry_id}"
    try:
        if console is not None and console.editor.is_edited(name):
            # The entry was edited in the web console: that version answers, so add it there
            # (the file alone would stay hidden behind it).
            text = faq.example_added(console.editor.source(name), entry_id, question)
            console.editor.save(name, text, f"cli:{current_app.config.get('USER') or 'shell'}",
                                f"flask faq attach: {question}")
            where = wording.text("cli.faq_console_version", name=name)
        else:
            where = faq.attach_example(service.kb.store, entry_id, question).name
    except ValueError as exc:  # the entry's rules (ExampleRefused), or the console's checks
        click.echo(f"✗ {wording.explain(exc)}", err=True)
        sys.exit(1)
    service.unanswered.forget(question)
    click.echo(f"✓ {wording.text('cli.faq_attached', where=where, question=question)}")


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask faq`."""
    app.cli.add_command(faq_cli)
