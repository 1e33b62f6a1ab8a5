"""Commands the console adds: `flask console …` and `flask templates export`.

Operators read `templates export` in Korean, like the rest of `flask templates`
(messages.yaml `cli.templates_export*`).
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ...accounts.cli import console_cli
from ...core import wording


@click.command("export")
@with_appcontext
@click.option("--clear", is_flag=True,
              help="Afterwards drop the console versions (the files answer again).")
def templates_export(clear: bool) -> None:
    """Write the templates and settings edited in the console back to files in templates/."""
    editor = current_app.extensions["console"].editor
    written = editor.export(clear=clear)
    for name, path in written:
        click.echo(wording.text("cli.templates_export_wrote", name=name, path=str(path)))
    if clear and written:
        click.echo(wording.text("cli.templates_exported_cleared", count=len(written)))
    else:
        click.echo(wording.text("cli.templates_exported", count=len(written)))


def init_cli(app: Flask) -> None:
    """Register the console's commands (the `templates` group exists already)."""
    app.cli.add_command(console_cli)
    group = app.cli.commands.get("templates")
    if group is not None:
        group.add_command(templates_export)
