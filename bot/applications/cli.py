"""`flask applications …`: staff commands for 지원금 신청 (list, show, status changes,
CSV export, intake retry). Personal data is masked unless `--unmasked` is given.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core.clock import KST
from bot.services import Services

from . import service as apps
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


def _line(app: Application) -> str:
    row = app.row()
    delivery = "delivered" if app.delivered_at else ("queued" if app.delivery_attempts else "-")
    return "  ".join([app.receipt, f"{app.status:<9}", row["submitted_at"],
                      row["business_number"], app.business_name, delivery])


@applications_cli.command("list")
@click.option("--status", type=click.Choice(apps.STATUSES), help="Only this status.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Submitted on/after (KST).")
def list_applications(status: str | None, since: datetime | None) -> None:
    """List applications, oldest first (personal data masked)."""
    found = apps.store_of(_services()).list(status, _since(since))
    for app in found:
        click.echo(_line(app))
    click.echo(f"{len(found)} application(s)")


@applications_cli.command("show")
@click.argument("receipt")
@click.option("--unmasked", is_flag=True, help="Show personal data in full.")
def show(receipt: str, unmasked: bool) -> None:
    """Show one application with its status history."""
    app = apps.store_of(_services()).get(receipt)
    if app is None:
        raise click.ClickException(f"no application {receipt}")
    for key, value in app.row(unmasked).items():
        click.echo(f"{key:>18}: {value}")
    click.echo("           history:")
    for change in app.history:
        reason = f"  ({change.reason})" if change.reason else ""
        click.echo(f"    {apps.iso(change.at)}  {change.status:<9} by {change.by}{reason}")


def _change(receipt: str, status: str, by: str | None, reason: str = "") -> None:
    by = by or current_app.config.get("USER") or "staff"
    try:
        app = apps.change_status(_services(), receipt, status, by, reason)
    except ApplicationError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{app.receipt} is now {app.status} (by {by})")


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
def reject(receipt: str, reason: str, by: str | None) -> None:
    """Reject an application (반려); the business may apply again."""
    if not reason.strip():
        raise click.BadParameter("a reason is required", param_hint="--reason")
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
    click.echo(f"{len(rows)} application(s) written to {path}"
               + ("" if unmasked else " (personal data masked)"))


@applications_cli.command("retry")
@click.option("--attempts", default=3, show_default=True, help="Attempts per application.")
def retry(attempts: int) -> None:
    """Deliver queued applications to APPLICATION_INTAKE_URL."""
    report = apps.deliver_pending(_services(), attempts=attempts)
    if not report.configured:
        click.echo("APPLICATION_INTAKE_URL is not set: nothing to deliver")
        return
    click.echo(f"delivered {len(report.delivered)}, still queued {len(report.failed)}")
    for receipt in report.failed:
        click.echo(f"  queued: {receipt}")
    if report.failed:
        raise SystemExit(1)


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask applications`."""
    app.cli.add_command(applications_cli)
