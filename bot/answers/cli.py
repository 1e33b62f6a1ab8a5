"""`flask templates check|preview`: operators see and check their answer templates.

Operators run these after editing files on the server (README, "답변 템플릿 고치기"), so the
problems are printed in Korean, from the same wording as the console's template editor
(bot/core/wording.py, messages.yaml), each with its code; the English message of a problem
stays in the logs.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.conversation import simulator
from bot.core import wording
from bot.services import Services

from . import checks, preview
from .templating import TemplateError

templates_cli = AppGroup("templates", help="Operator answer templates.")


@templates_cli.command("check")
def templates_check() -> None:
    """Render every template with its samples and validate it against Kakao's limits."""
    bot = current_app.extensions["bot"]
    problems = checks.check_all(bot.renderer)
    names = bot.templates.names()
    for problem in problems:
        click.echo(f"✗ {wording.describe(problem, with_code=True)}", err=True)
    if problems:
        click.echo(wording.text("cli.check_failed", count=len(problems), templates=len(names)),
                   err=True)
        sys.exit(1)
    click.echo(f"✓ {wording.text('cli.check_ok', templates=len(names))}")


@templates_cli.command("preview")
@click.argument("name")
@click.option("--sample", "sample_no", type=click.IntRange(min=1),
              help="Only this sample of the file (1 = the first); default: every sample.")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set a value (read as YAML; nested: free.balance=0). Repeatable.")
def templates_preview(name: str, sample_no: int | None, assignments: tuple[str, ...]) -> None:
    """Draw a template as `flask chat` shows it, then list its Kakao limit problems."""
    bot = current_app.extensions["bot"]
    store = bot.templates
    name = preview.normalise(name)
    names = store.names()
    if name not in names:
        close = preview.suggest(name, names)
        if close:
            _fail(wording.text("cli.unknown_template", name=name, close=", ".join(close)))
        _fail(wording.text("cli.unknown_template_no_hint", name=name))
    try:
        values = preview.parse_assignments(assignments)
        store.spec(name, fresh=True, last_good=False)  # the file on disk, as check judges it
    except preview.AssignmentError as exc:
        _fail(wording.explain(exc))
    except TemplateError as exc:
        _fail(wording.describe(checks.from_error(exc), with_code=True))
    samples = store.samples(name)
    if sample_no is not None and sample_no > len(samples):
        _fail(wording.text("cli.no_such_sample", name=name, count=len(samples),
                            number=sample_no))
    picked = [sample_no] if sample_no else range(1, len(samples) + 1)
    problems: list[checks.Problem] = []
    for i in picked:
        label = f"sample {i}" if len(samples) > 1 else "sample"
        which = (f" · {wording.text('cli.sample_of', number=i, count=len(samples))}"
                 if len(samples) > 1 else "")
        changed = f" {wording.text('cli.with_set_values')}" if values else ""
        click.echo(f"── {name}{which}{changed}")
        base = dict(samples[i - 1])
        if any(parts[0] == "settings" for parts, _ in values):  # change one setting, keep the rest
            base.setdefault("settings", store.settings())
        context = preview.with_values(base, values)
        response, found = checks.check_sample(bot.renderer, name, context, label,
                                              i if len(samples) > 1 else None)
        if response is not None:
            click.echo("\n".join(simulator.draw(response)[0]))
        if store.is_partial(name):
            click.echo(f"  {wording.text('cli.partial')}")
        for problem in found:
            click.echo(f"✗ {wording.describe(problem, with_code=True)}")
        problems += found
    if problems:
        click.echo(wording.text("cli.preview_failed", count=len(problems)), err=True)
        sys.exit(1)
    click.echo(f"✓ {wording.text('cli.preview_ok')}")


def _fail(message: str) -> NoReturn:
    click.echo(f"✗ {message}", err=True)
    sys.exit(1)


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask templates`."""
    app.cli.add_command(templates_cli)
