"""`flask applications …`: staff commands for 지원금 신청 (list, show, status changes,
CSV export, intake retry). Personal data is masked unless `--unmasked` is given.

Staff read every line in Korean (messages.yaml: `cli.applications.*`, statuses and fields by
their labels, refusals by code through bot/core/staff_cli.py); the CSV keeps its column names.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core import wording
from bot.core.clock import KST
from bot.core.staff_cli import Misused, Refused, pad, refusing
from bot.services import Services

from . import service as apps
from .fields import REVENUE_CODES
from .service import Application, ApplicationError

applications_cli = AppGroup("applications", help="지원금 신청 applications: review and export.")

# Unset: the user running the command ($USER, read by config) or "staff".
_by = click.option("--by", default=None,
                   show_default="$USER", help="Who made the change (kept in the history).")


def _services() -> Any:
    return current_app.extensions["bot"].services


def _since(value: datetime | None) -> float | None:
    """A --since date, read as the start of that day in KST."""
    return value.replace(tzinfo=KST).timestamp() if value else None


# The stored revenue codes back to the choices merchants tapped (the form's own wording).
REVENUE_LABELS = {code: choice for choice, code in REVENUE_CODES.items()}
# The list's columns: (field, terminal columns); the last one is not padded.
LIST_COLUMNS = (("receipt", 16), ("status", 9), ("submitted_at", 25), ("business_number", 14),
                ("business_name", 20), ("delivery", 0))


def _columns(cells: list[str]) -> str:
    return "  ".join(pad(cell, cols) for cell, (_, cols) in
                     zip(cells, LIST_COLUMNS, strict=True)).rstrip()


def _line(app: Application) -> str:
    row = app.row()
    delivery = "delivered" if app.delivered_at else ("queued" if app.delivery_attempts else "-")
    return _columns([app.receipt, wording.label(app.status, "application"),
                     row["submitted_at"], row["business_number"], app.business_name,
                     wording.label(delivery, "delivery")])


def _shown(key: str, value: Any) -> str:
    """A value of `show` as staff read it: codes by their labels, yes/no in Korean."""
    if key == "status":
        return wording.label(value, "application")
    if key == "entity_kind":
        return wording.label(value, "entity")
    if key == "revenue_band":
        return REVENUE_LABELS.get(str(value), str(value))
    if value in ("yes", "no"):
        return wording.label(value, "yes_no")
    return str(value)


@applications_cli.command("list")
@click.option("--status", type=click.Choice(apps.STATUSES), help="Only this status.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Submitted on/after (KST).")
def list_applications(status: str | None, since: datetime | None) -> None:
    """List applications, oldest first (personal data masked)."""
    found = apps.store_of(_services()).list(status, _since(since))
    click.echo(_columns([wording.label(name, "application_field") for name, _ in LIST_COLUMNS]))
    for app in found:
        click.echo(_line(app))
    click.echo(wording.text("cli.applications.count", count=len(found)))


@applications_cli.command("show")
@click.argument("receipt")
@click.option("--unmasked", is_flag=True, help="Show personal data in full.")
@refusing()
def show(receipt: str, unmasked: bool) -> None:
    """Show one application with its status history."""
    app = apps.store_of(_services()).get(receipt)
    if app is None:
        raise Refused(code="application.unknown", receipt=receipt)
    for key, value in app.row(unmasked).items():
        name = pad(wording.label(key, "application_field"), 16, right=True)
        click.echo(f"{name}: {_shown(key, value)}")
    click.echo(f"{pad(wording.text('cli.applications.history'), 16, right=True)}:")
    for change in app.history:
        reason = f"  ({change.reason})" if change.reason else ""
        click.echo(wording.text("cli.applications.history_line", at=apps.iso(change.at),
                                status=change.status, by=change.by, reason=reason))


@refusing(ApplicationError)
def _change(receipt: str, status: str, by: str | None, reason: str = "") -> None:
    by = by or current_app.config.get("USER") or "staff"
    app = apps.change_status(_services(), receipt, status, by, reason)
    click.echo(wording.text("cli.applications.changed", receipt=app.receipt, status=app.status,
                            by=by))


def _status_command(name: str, status: str, summary: str) -> None:
    """Register `flask applications <name> RECEIPT [--by]`, which moves it to `status`."""

    @applications_cli.command(name, help=summary)
    @click.argument("receipt")
    @_by
    def command(receipt: str, by: str | None) -> None:
        """Change the application's status (help text set per command)."""
        _change(receipt, status, by)


for _name, _status, _summary in (
    ("review", apps.REVIEWING, "Mark an application as being reviewed (검토 중)."),
    ("approve", apps.APPROVED, "Approve an application (승인)."),
    ("mark-paid", apps.PAID,
     "Mark an approved application paid (지급 완료); the wallet feature credits it."),
):
    _status_command(_name, _status, _summary)


@applications_cli.command("reject")
@click.argument("receipt")
@click.option("--reason", required=True, help="Shown to the merchant in 신청 현황.")
@_by
@refusing()
def reject(receipt: str, reason: str, by: str | None) -> None:
    """Reject an application (반려); the business may apply again."""
    if not reason.strip():
        raise Misused(code="applications.reason_needed")
    _change(receipt, apps.REJECTED, by, reason.strip())


@applications_cli.command("export")
@click.option("--csv", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write (UTF-8 with BOM, opens in Excel).")
@click.option("--status", type=click.Choice(apps.STATUSES), help="Only this status.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Submitted on/after (KST).")
@click.option("--unmasked", is_flag=True, help="Write personal data in full.")
def export(path: str, status: str | None, since: datetime | None, unmasked: bool) -> None:
    """Export applications to CSV (masked unless --unmasked)."""
    found = apps.store_of(_services()).list(status, _since(since))
    rows = [app.row(unmasked) for app in found]
    columns = list(rows[0]) if rows else list(Application.blank().row())
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    if unmasked:
        click.echo(wording.text("cli.applications.exported", count=len(rows), path=path))
    else:
        click.echo(wording.text("cli.applications.exported_masked", count=len(rows), path=path))


@applications_cli.command("retry")
@click.option("--attempts", default=3, show_default=True, help="Attempts per application.")
def retry(attempts: int) -> None:
    """Deliver queued applications to APPLICATION_INTAKE_URL."""
    report = apps.deliver_pending(_services(), attempts=attempts)
    if not report.configured:
        click.echo(wording.text("cli.applications.no_intake"))
        return
    click.echo(wording.text("cli.applications.retried", delivered=len(report.delivered),
                            queued=len(report.failed)))
    for receipt in report.failed:
        click.echo(wording.text("cli.applications.still_queued", receipt=receipt))
    if report.failed:
        raise SystemExit(1)


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask applications`."""
    app.cli.add_command(applications_cli)
