"""`flask notices …`: import from 기업마당 and manage notices by hand (staff only).

Staff read the output: every line is worded in Korean from messages.yaml (`cli.notices.*`,
refusals by code, bot/core/staff_cli.py); ids, file paths and option names stay as typed.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core import staff_cli, wording
from bot.core.clock import today_of
from bot.core.staff_cli import Misused, fail, refusing
from bot.services import Services

from .store import Notice, NoticeError, NoticeStore, from_fields

notices_cli = AppGroup("notices", help="Support notices (지원사업 공고).")


def _services() -> Any:
    return current_app.extensions["bot"].services


def _store() -> NoticeStore:
    return _services().notices


def _read(path: str) -> list[dict[str, Any]]:
    """The notice records in a YAML or JSON file (one mapping or a list of them)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise Misused(code="notices.not_utf8", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise Misused(code="notices.not_yaml", path=path,
                      line=str(mark.line + 1) if mark else "?") from None
    except OSError as exc:
        raise Misused(code="notices.unreadable", path=path,
                      detail=exc.strerror or type(exc).__name__) from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise Misused(code="notices.not_mapping", path=path)
    return records


def _build(record: dict[str, Any]) -> Notice:
    """A notice from a staff record: bizinfo field names or our own (see README)."""
    from . import bizinfo  # requests loads with the commands that read bizinfo records

    svc = _services()
    if "pblancId" in record:
        return bizinfo.parse_item(record, source="manual")
    if not record.get("id"):
        record = {**record, "id": f"CENTER_{today_of(svc.clock()):%Y%m%d}_{secrets.token_hex(3)}"}
    return from_fields(record, source="manual", today=today_of(svc.clock()))


# What a merchant needs to act on a notice (notices/detail): the field as in the file (staff
# read it by its `notice_field` label). A notice missing one of them is refused by `add`/`edit`.
REQUIRED = (
    ("title", lambda n: n.title),
    ("summary", lambda n: n.summary),
    ("period", lambda n: n.period_text),
    ("how", lambda n: n.how or n.url or n.apply_url),
)


def _complete(notice: Notice, path: str) -> Notice:
    """Refuse a notice a merchant could not act on, naming what is missing (in Korean)."""
    missing = [wording.label(name, "notice_field") for name, value in REQUIRED
               if not value(notice)]
    if missing:
        raise Misused(code="notices.incomplete", path=path, missing=", ".join(missing))
    return notice


def _line(notice: Notice) -> str:
    status = "hidden" if notice.hidden else notice.status(today_of(_services().clock()))
    deadline = notice.end or wording.label(notice.period_kind, "notice")
    return "\t".join([notice.id, wording.label(status, "notice"), deadline,
                      notice.category, notice.title])


@notices_cli.command("import")
@click.option("--category", help="분야 name or code (금융/01, 기술/02 … 기타/09).")
@click.option("--pages", type=click.IntRange(min=1), help="At most this many pages.")
@refusing()
def import_notices(category: str | None, pages: int | None) -> None:
    """Import notices from the 기업마당 API (BIZINFO_API_KEY); prints a summary."""
    from . import bizinfo  # requests loads with the commands that read bizinfo records

    if not _services().features.notices.bizinfo_key:
        raise Misused(code="notices.no_api_key")
    try:
        code = bizinfo.category_code(category)
    except ValueError as exc:  # a NoticeError, worded by its code
        fail(exc, status=2)
    importer = bizinfo.Importer.of(_services().features.notices, _store())
    expected = pages or importer.max_pages
    with click.progressbar(length=expected, label=wording.text("cli.notices.pages"),
                           file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        result = importer.run(code, pages, progress)
    for cause in result.causes:
        click.echo(f"! {staff_cli.refusal(cause)}", err=True)
    click.echo(wording.text("cli.notices.imported", pages=result.pages, new=result.new,
                            updated=result.updated, unchanged=result.unchanged,
                            skipped=result.skipped, errors=result.errors))
    if result.errors:
        sys.exit(1)


@notices_cli.command("add")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
@refusing()
def add(path: str) -> None:
    """Add notices that do not come from 기업마당 (e.g. the centre's own)."""
    store = _store()
    for record in _read(path):
        try:
            notice = _complete(_build(record), path)
        except NoticeError as exc:
            _refuse_file(path, exc)
        if store.get(notice.id) is not None:
            raise Misused(code="notices.exists", id=notice.id)
        store.put(notice)
        click.echo(wording.text("cli.notices.added", id=notice.id))


@notices_cli.command("edit")
@click.argument("notice_id")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
@refusing()
def edit(notice_id: str, path: str) -> None:
    """Change the fields given in the file; the others stay as they are."""
    store = _store()
    old = store.get(notice_id)
    if old is None:
        raise Misused(code="notices.unknown", id=notice_id)
    changes = _read(path)[0]
    fields = {**old.to_fields(), **changes, "id": old.id}
    try:
        notice = _complete(from_fields(fields, source=old.source,
                                       today=today_of(_services().clock())), path)
    except NoticeError as exc:
        _refuse_file(path, exc)
    store.put(notice, old)
    click.echo(wording.text("cli.notices.updated", id=notice.id))


@notices_cli.command("hide")
@click.argument("notice_id")
@click.option("--undo", is_flag=True, help="Show the notice to merchants again.")
@refusing()
def hide(notice_id: str, undo: bool) -> None:
    """Hide a notice from merchants (kept, and kept hidden across imports)."""
    if _store().set_hidden(notice_id, not undo) is None:
        raise Misused(code="notices.unknown", id=notice_id)
    if undo:
        click.echo(wording.text("cli.notices.shown", id=notice_id))
    else:
        click.echo(wording.text("cli.notices.hidden", id=notice_id))


@notices_cli.command("delete")
@click.argument("notice_id")
@refusing()
def delete(notice_id: str) -> None:
    """Delete a notice (an import brings a bizinfo notice back; hide it instead)."""
    if not _store().delete(notice_id):
        raise Misused(code="notices.unknown", id=notice_id)
    click.echo(wording.text("cli.notices.deleted", id=notice_id))


@notices_cli.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only notices merchants can see now.")
def list_notices(only_open: bool) -> None:
    """List notices: id, status, deadline, 분야, title."""
    today = today_of(_services().clock())
    shown = 0
    click.echo(wording.text("cli.notices.list_head"))
    for notice in _store().all():
        if only_open and (notice.hidden or notice.status(today) == "closed"):
            continue
        click.echo(_line(notice))
        shown += 1
    click.echo(wording.text("cli.notices.count", count=shown))


def _refuse_file(path: str, exc: NoticeError) -> NoReturn:
    """A record of the file the store refused: the file, then why (exit status 2)."""
    click.echo(f"✗ {path}: {staff_cli.refusal(exc)}", err=True)
    sys.exit(2)


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask notices`."""
    app.cli.add_command(notices_cli)
