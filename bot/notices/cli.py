"""`flask notices …`: import from 기업마당 and manage notices by hand (staff only)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core.clock import today_of
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
    except (OSError, yaml.YAMLError) as exc:
        raise click.UsageError(f"cannot read {path}: {exc}") from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise click.UsageError(f"{path}: expected a mapping of notice fields (or a list)")
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


# What a merchant needs to act on a notice (notices/detail): the field (as in the file) and
# how staff know it. A notice missing one of them is refused by `add` and `edit`.
REQUIRED = (
    ("title", "제목(title)", lambda n: n.title),
    ("summary", "사업 내용(summary)", lambda n: n.summary),
    ("period", "신청기간(period: 2026-09-01 ~ 2026-09-30, 상시, 예산 소진 시까지, 추후 공지)",
     lambda n: n.period_text),
    ("how", "신청 방법이나 링크(how, url 또는 apply_url 중 하나)",
     lambda n: n.how or n.url or n.apply_url),
)


def _complete(notice: Notice, path: str) -> Notice:
    """Refuse a notice a merchant could not act on, naming what is missing (in Korean)."""
    missing = [label for _, label, value in REQUIRED if not value(notice)]
    if missing:
        raise click.UsageError(
            f"{path}: 공고에 꼭 필요한 항목이 빠졌어요 — {', '.join(missing)}. "
            "data/sample_notices.yaml 의 공고 모양을 참고해 채워 주세요.")
    return notice


def _line(notice: Notice) -> str:
    status = "hidden" if notice.hidden else notice.status(today_of(_services().clock()))
    deadline = notice.end or notice.period_kind
    return f"{notice.id}\t{status}\t{deadline}\t{notice.category}\t{notice.title}"


@notices_cli.command("import")
@click.option("--category", help="분야 name or code (금융/01, 기술/02 … 기타/09).")
@click.option("--pages", type=click.IntRange(min=1), help="At most this many pages.")
def import_notices(category: str | None, pages: int | None) -> None:
    """Import notices from the 기업마당 API (BIZINFO_API_KEY); prints a summary."""
    from . import bizinfo  # requests loads with the commands that read bizinfo records

    if not _services().features.notices.bizinfo_key:
        raise click.UsageError("BIZINFO_API_KEY is not set")
    try:
        code = bizinfo.category_code(category)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--category") from None
    importer = bizinfo.Importer.of(_services().features.notices, _store())
    expected = pages or importer.max_pages
    with click.progressbar(length=expected, label="bizinfo pages", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        result = importer.run(code, pages, progress)
    for problem in result.problems:
        click.echo(f"! {problem}", err=True)
    click.echo(f"pages {result.pages} · new {result.new} · updated {result.updated} · "
               f"unchanged {result.unchanged} · skipped {result.skipped} · "
               f"errors {result.errors}")
    if result.errors:
        sys.exit(1)


@notices_cli.command("add")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
def add(path: str) -> None:
    """Add notices that do not come from 기업마당 (e.g. the centre's own)."""
    store = _store()
    for record in _read(path):
        try:
            notice = _complete(_build(record), path)
        except NoticeError as exc:
            raise click.UsageError(f"{path}: {exc}") from None
        if store.get(notice.id) is not None:
            raise click.UsageError(f"{notice.id} exists already; use `notices edit`")
        store.put(notice)
        click.echo(f"added {notice.id}")


@notices_cli.command("edit")
@click.argument("notice_id")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
def edit(notice_id: str, path: str) -> None:
    """Change the fields given in the file; the others stay as they are."""
    store = _store()
    old = store.get(notice_id)
    if old is None:
        raise click.UsageError(f"no notice {notice_id}")
    changes = _read(path)[0]
    fields = {**old.to_fields(), **changes, "id": old.id}
    try:
        notice = _complete(from_fields(fields, source=old.source,
                                       today=today_of(_services().clock())), path)
    except NoticeError as exc:
        raise click.UsageError(f"{path}: {exc}") from None
    store.put(notice, old)
    click.echo(f"updated {notice.id}")


@notices_cli.command("hide")
@click.argument("notice_id")
@click.option("--undo", is_flag=True, help="Show the notice to merchants again.")
def hide(notice_id: str, undo: bool) -> None:
    """Hide a notice from merchants (kept, and kept hidden across imports)."""
    if _store().set_hidden(notice_id, not undo) is None:
        raise click.UsageError(f"no notice {notice_id}")
    click.echo(f"{'shown' if undo else 'hidden'} {notice_id}")


@notices_cli.command("delete")
@click.argument("notice_id")
def delete(notice_id: str) -> None:
    """Delete a notice (an import brings a bizinfo notice back; hide it instead)."""
    if not _store().delete(notice_id):
        raise click.UsageError(f"no notice {notice_id}")
    click.echo(f"deleted {notice_id}")


@notices_cli.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only notices merchants can see now.")
def list_notices(only_open: bool) -> None:
    """List notices: id, status, deadline, 분야, title."""
    today = today_of(_services().clock())
    shown = 0
    for notice in _store().all():
        if only_open and (notice.hidden or notice.status(today) == "closed"):
            continue
        click.echo(_line(notice))
        shown += 1
    click.echo(f"{shown} notice(s)")


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask notices`."""
    app.cli.add_command(notices_cli)
