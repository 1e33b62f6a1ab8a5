"""`flask broadcast …`: the staff commands, a thin layer over BroadcastService.

Staff read every line: it is worded in Korean from messages.yaml (`cli.broadcast.*`, statuses
and skip reasons by their labels, refusals by code through bot/core/staff_cli.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.conversation import simulator
from bot.core import wording
from bot.core.clock import KST
from bot.core.staff_cli import Misused, pad, refusing
from bot.services import Services

from . import store as st
from .notes import funds_note
from .service import BroadcastError, BroadcastService

broadcast_cli = AppGroup("broadcast", help="Notice alerts to subscribers (Kakao Event API).")
BAR_WIDTH = 30
staff_errors = refusing(BroadcastError)  # a refusal: '✗ <Korean> [code]', exit status 1


def _service() -> BroadcastService:
    return current_app.extensions["bot"].services.broadcasts


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, KST).strftime("%Y-%m-%d %H:%M KST") if ts else "-"


def _bar(fraction: float) -> str:
    filled = round(fraction * BAR_WIDTH)
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:4.0%}"


def _reasons(kind: str, reasons: dict[str, int]) -> None:
    """Failed or skipped recipients by reason, most first (skip reasons by their label)."""
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        if kind == "skipped":
            click.echo(wording.text("cli.broadcast.skipped_reason", count=count, reason=reason))
        else:
            click.echo(wording.text("cli.broadcast.failed_reason", count=count, reason=reason))


def _flags(meta: dict[str, Any]) -> str:
    """' · 광고 · 테스트 발송' for an ad and a rehearsal."""
    flags = []
    if meta["ad"]:
        flags.append(wording.text("cli.broadcast.flag_ad"))
    if meta["test"]:
        flags.append(wording.text("cli.broadcast.flag_test"))
    return "".join(f" · {flag}" for flag in flags)


@broadcast_cli.command("create")
@click.option("--notice", "notice_id", required=True, help="Notice id to push.")
@click.option("--category", help="Only subscribers of this category (default: the notice's).")
@click.option("--region", help="Only subscribers of this region (default: the notice's).")
@click.option("--ad", is_flag=True, help="Advertising content: ad label and opt-out line.")
@click.option("--test-users", default="",
              help="Comma-separated user keys (botUserKey) or `flask chat` user names: "
                   "a rehearsal.")
@staff_errors
def create(notice_id: str, category: str | None, region: str | None, ad: bool,
           test_users: str) -> None:
    """Plan a broadcast and show its audience, cost, send time and a preview."""
    service = _service()
    tests = [_test_user(entry.strip()) for entry in test_users.split(",") if entry.strip()]
    meta = service.create(notice_id, category=category, region=region, ad=ad,
                          test_users=tests or None)
    preview = service.preview(meta["id"], current_app.extensions["bot"].renderer.to_kakao)
    s = service.settings
    every = wording.text("cli.broadcast.every")
    click.echo(wording.text("cli.broadcast.head", bid=str(meta["id"]), status=meta["status"],
                            notice=meta["notice_id"], title=meta["notice"].get("title") or ""))
    click.echo(wording.text("cli.broadcast.filters", category=meta["category"] or every,
                            region=meta["region"] or every, flags=_flags(meta)))
    click.echo(wording.text("cli.broadcast.recipients", recipients=meta["recipients"],
                            batches=meta["batches"], skipped=meta["skipped"]))
    _reasons("skipped", service.report(meta["id"])["skipped_reasons"])
    click.echo(wording.text("cli.broadcast.cost", cost=meta["cost"], recipients=meta["recipients"],
                            unit=s.unit_price))
    click.echo(wording.text("cli.broadcast.wallet", funds=_funds(service.funds(meta["id"]))))
    quiet = (meta["live_at"] or 0) > meta["created_at"]
    quiet_note = (wording.text("cli.broadcast.quiet_note") if quiet
                  else wording.text("cli.broadcast.now_note"))
    if s.dry_run:
        click.echo(wording.text("cli.broadcast.send_at_dry", live_at=_when(meta["live_at"]),
                                note=quiet_note))
    else:
        click.echo(wording.text("cli.broadcast.send_at", at=_when(meta["scheduled_at"]),
                                note=quiet_note))
    dry_note = wording.text("cli.broadcast.dry_note") if s.dry_run else ""
    click.echo(wording.text("cli.broadcast.mode", mode=s.mode, note=dry_note))
    click.echo(wording.text("cli.broadcast.preview"))
    lines, _ = simulator.draw(preview)
    click.echo("\n".join("    " + line for line in lines))
    click.echo(wording.text("cli.broadcast.next", bid=str(meta["id"])))


def _test_user(entry: str) -> str:
    """A user key as given, or the key of a `flask chat` user name (see /whoami there)."""
    profiles = current_app.extensions["bot"].services.profiles
    if profiles.get(entry) is not None:
        return entry
    key = simulator.sim_user_id(entry)
    if profiles.get(key) is not None:
        click.echo(wording.text("cli.broadcast.test_user", name=entry, user_key=key))
        return key
    return entry  # unknown: reported below as skipped (not a channel friend)


def _funds(funds: Any) -> str:
    """One line on the centre's wallet against what the broadcast may still cost."""
    note = funds_note(funds)
    if funds.verdict == "unchecked":
        return wording.text("cli.broadcast.funds_unchecked", note=note)
    line = wording.text("cli.broadcast.funds", usable=funds.usable, needed=funds.needed)
    if funds.verdict == "short":
        gap = funds.needed - funds.usable
        line += (wording.text("cli.broadcast.funds_short_by", gap=gap) if gap > 0
                 else wording.text("cli.broadcast.funds_short"))
    return line + (f" ({note})" if note else "")


@broadcast_cli.command("send")
@click.argument("broadcast_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@click.option("--force", is_flag=True, help="Send even if the centre's wallet looks short.")
@staff_errors
def send(broadcast_id: str, yes: bool, force: bool) -> None:
    """Confirm and send a broadcast (also resumes one whose worker stopped)."""
    service = _service()
    meta = service.get(broadcast_id)
    if not yes:
        click.confirm(wording.text("cli.broadcast.confirm", bid=broadcast_id,
                                   recipients=meta["recipients"], cost=meta["cost"],
                                   mode=service.settings.mode,
                                   funds=_funds(service.funds(broadcast_id))), abort=True)
    result = service.send(broadcast_id, force=force)
    if result.status == st.QUEUED:
        if result.resume_at:
            click.echo(wording.text("cli.broadcast.queued_at", at=_when(result.resume_at)))
        else:
            click.echo(wording.text("cli.broadcast.queued"))
    elif result.status in (st.SCHEDULED, st.PAUSED):
        click.echo(wording.text("cli.broadcast.quiet_hours", status=str(result.status),
                                at=_when(result.resume_at)))
    elif result.status == "busy":
        click.echo(wording.text("cli.broadcast.busy"))
    _print_status(service.report(broadcast_id))


@broadcast_cli.command("status")
@click.argument("broadcast_id")
@staff_errors
def status(broadcast_id: str) -> None:
    """Progress bar and figures; the final report once done."""
    report = _service().report(broadcast_id)
    _print_status(report)


def _print_status(r: dict[str, Any]) -> None:
    stalled = wording.text("cli.broadcast.stalled") if r["stalled"] else ""
    click.echo(wording.text("cli.broadcast.status_head", bid=str(r["id"]), status=r["status"],
                            stalled=stalled, notice=r["notice_id"],
                            title=r["notice"].get("title") or ""))
    click.echo(wording.text("cli.broadcast.progress", bar=_bar(r["progress"]), called=r["called"],
                            batches=r["batches"], reported=r["reported"]))
    if r["dry_run"]:
        click.echo(wording.text("cli.broadcast.figures_dry", recipients=r["recipients"],
                                simulated=r["simulated"], live_at=_when(r["live_at"])))
    else:
        click.echo(wording.text("cli.broadcast.figures", recipients=r["recipients"], sent=r["sent"],
                                delivered=r["delivered"], failed=r["failed"]))
    rate = wording.text("cli.broadcast.rate", rate=r["calls_per_s"]) if r["calls_per_s"] else ""
    click.echo(wording.text("cli.broadcast.skips", skipped=r["skipped"],
                            unconfirmed=r["unconfirmed"], calls=r["calls"], rate=rate))
    if r["possibly_duplicated"]:
        click.echo(wording.text("cli.broadcast.duplicated", recipients=r["possibly_duplicated"],
                                calls=r["resent_calls"]))
    _reasons("failed", r["failed_reasons"])
    _reasons("skipped", r["skipped_reasons"])
    if r["held"]:
        click.echo(wording.text("cli.broadcast.held", calls=r["held"], bid=str(r["id"])))
    click.echo(wording.text("cli.broadcast.times", created=_when(r["created_at"]),
                            scheduled=_when(r["scheduled_at"]), started=_when(r["started_at"]),
                            finished=_when(r["finished_at"])))


@broadcast_cli.command("cancel")
@click.argument("broadcast_id")
@staff_errors
def cancel(broadcast_id: str) -> None:
    """Stop a broadcast before its next call."""
    meta = _service().cancel(broadcast_id)
    click.echo(wording.text("cli.broadcast.cancelled", bid=broadcast_id, status=meta["status"],
                            sent=meta["sent"]))


@broadcast_cli.command("resolve")
@click.argument("broadcast_id")
@click.option("--resend", "action", flag_value="resend", help="Send held calls again.")
@click.option("--sent", "action", flag_value="sent", help="Count held calls as sent.")
@staff_errors
def resolve(broadcast_id: str, action: str | None) -> None:
    """Decide on calls whose outcome is unknown (BROADCAST_UNCONFIRMED=hold)."""
    if action is None:
        raise Misused(code="broadcast.resolve_how")
    count = _service().resolve(broadcast_id, action)
    if action == "resend":
        click.echo(wording.text("cli.broadcast.resolved_resend", count=count, bid=broadcast_id))
    else:
        click.echo(wording.text("cli.broadcast.resolved_sent", count=count))


# The list's columns: (heading key, terminal columns, right-aligned).
COLUMNS = (("id", 5, True), ("status", 10, False), ("created", 20, False),
           ("recipients", 10, True), ("delivered", 10, True), ("notice", 0, False))


def _row(cells: list[str]) -> str:
    return "  ".join(pad(cell, cols, right=right)
                     for cell, (_, cols, right) in zip(cells, COLUMNS, strict=True)).rstrip()


@broadcast_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """The newest broadcasts, under a header row."""
    rows = _service().list(limit)
    if not rows:
        click.echo(wording.text("cli.broadcast.none"))
        return
    click.echo(_row([wording.label(name, "broadcast_column") for name, _, _ in COLUMNS]))
    for m in rows:
        dry = m.get("mode") == "dry-run"
        outcome = (wording.text("cli.broadcast.simulated", count=m["sent"]) if dry
                   else f"{m['delivered']:,}")
        notice = m["notice_id"] + _flags(m) + (
            f" ({wording.label('dry-run', 'broadcast_mode')})" if dry else "")
        click.echo(_row([str(m["id"]), wording.label(m["status"], "broadcast"),
                         _when(m["created_at"]), f"{m['recipients']:,}", outcome, notice]))


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask broadcast`."""
    app.cli.add_command(broadcast_cli)
