"""`flask broadcast …`: the staff commands, a thin layer over BroadcastService."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.conversation import simulator
from bot.core.clock import KST
from bot.services import Services

from . import store as st
from .service import BroadcastError, BroadcastService

broadcast_cli = AppGroup("broadcast", help="Notice alerts to subscribers (Kakao Event API).")
BAR_WIDTH = 30


def _service() -> BroadcastService:
    return current_app.extensions["bot"].services.broadcasts


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, KST).strftime("%Y-%m-%d %H:%M KST") if ts else "-"


def staff_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Turn a BroadcastError into a one-line message and exit status 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except BroadcastError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return run


def _bar(fraction: float) -> str:
    filled = round(fraction * BAR_WIDTH)
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:4.0%}"


def _reasons(title: str, reasons: dict[str, int]) -> None:
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        click.echo(f"    {title} {count:>7,}  {reason}")


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
    click.echo(f"broadcast {meta['id']} (draft) — notice {meta['notice_id']}: "
               f"{meta['notice'].get('title')}")
    click.echo(f"  filters   category={meta['category'] or '*'} region={meta['region'] or '*'}"
               f"{' ad' if meta['ad'] else ''}{' TEST' if meta['test'] else ''}")
    click.echo(f"  recipients {meta['recipients']:,} in {meta['batches']} call(s); "
               f"skipped {meta['skipped']:,}")
    _reasons("skipped", service.report(meta["id"])["skipped_reasons"])
    click.echo(f"  cost      {meta['cost']:,} KRW = {meta['recipients']:,} × {s.unit_price} KRW"
               " × 1.1 (VAT incl., total rounded up)")
    click.echo(f"  wallet    {_funds(service.funds(meta['id']))}")
    quiet = (meta["live_at"] or 0) > meta["created_at"]
    quiet_note = " (quiet hours: nothing goes out 20:50–08:00)" if quiet else " (now)"
    if s.dry_run:
        click.echo(f"  send at   now — a dry run ignores quiet hours; a live send would go out "
                   f"{_when(meta['live_at'])}{quiet_note}")
    else:
        click.echo(f"  send at   {_when(meta['scheduled_at'])}{quiet_note}")
    dry_note = " (nothing is sent: calls are simulated)" if s.dry_run else ""
    click.echo(f"  mode      {s.mode}{dry_note}")
    click.echo("  preview:")
    lines, _ = simulator.draw(preview)
    click.echo("\n".join("    " + line for line in lines))
    click.echo(f"next: flask broadcast send {meta['id']}")


def _test_user(entry: str) -> str:
    """A user key as given, or the key of a `flask chat` user name (see /whoami there)."""
    profiles = current_app.extensions["bot"].services.profiles
    if profiles.get(entry) is not None:
        return entry
    key = simulator.sim_user_id(entry)
    if profiles.get(key) is not None:
        click.echo(f"  test user {entry!r} = flask chat user, key {key}")
        return key
    return entry  # unknown: reported below as skipped (not a channel friend)


def _funds(funds: Any) -> str:
    """One line on the centre's wallet against what the broadcast may still cost."""
    if funds.verdict == "unchecked":
        return f"not checked ({funds.note})"
    line = f"{funds.usable:,} KRW usable for up to {funds.needed:,} KRW"
    if funds.verdict == "short":
        gap = funds.needed - funds.usable
        line += " — SHORT" + (f" by {gap:,} KRW" if gap > 0 else "")
    return line + (f" ({funds.note})" if funds.note else "")


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
        click.confirm(f"Send broadcast {broadcast_id} to {meta['recipients']:,} recipients "
                      f"({meta['cost']:,} KRW, mode {service.settings.mode}; wallet: "
                      f"{_funds(service.funds(broadcast_id))})?", abort=True)
    result = service.send(broadcast_id, force=force)
    if result.status == st.QUEUED:
        later = f" at {_when(result.resume_at)}" if result.resume_at else ""
        click.echo(f"queued for the worker{later}")
    elif result.status in (st.SCHEDULED, st.PAUSED):
        click.echo(f"{result.status}: quiet hours — run `send` again after "
                   f"{_when(result.resume_at)}")
    elif result.status == "busy":
        click.echo("another worker is sending this broadcast")
    _print_status(service.report(broadcast_id))


@broadcast_cli.command("status")
@click.argument("broadcast_id")
@staff_errors
def status(broadcast_id: str) -> None:
    """Progress bar and figures; the final report once done."""
    report = _service().report(broadcast_id)
    _print_status(report)


def _print_status(r: dict[str, Any]) -> None:
    stalled = " (STALLED: run send again)" if r["stalled"] else ""
    click.echo(f"broadcast {r['id']} — {r['status']}{stalled}"
               f" — notice {r['notice_id']}: {r['notice'].get('title')}")
    click.echo(f"  {_bar(r['progress'])}  calls made for {r['called']}/{r['batches']} batches, "
               f"delivery known for {r['reported']}")
    if r["dry_run"]:
        click.echo(f"  recipients {r['recipients']:>7,}   simulated {r['simulated']:>7,}   "
                   f"(dry run: nothing was sent or delivered; a live send would go out "
                   f"{_when(r['live_at'])})")
    else:
        click.echo(f"  recipients {r['recipients']:>7,}   sent {r['sent']:>7,}   "
                   f"delivered {r['delivered']:>7,}   failed {r['failed']:>7,}")
    rate = f" ({r['calls_per_s']:.1f}/s)" if r["calls_per_s"] else ""
    click.echo(f"  skipped    {r['skipped']:>7,}   unconfirmed {r['unconfirmed']:>7,}   "
               f"calls {r['calls']:,}{rate}")
    if r["possibly_duplicated"]:
        click.echo(f"  possibly duplicated (가능한 중복) {r['possibly_duplicated']:,} recipient(s) "
                   f"in {r['resent_calls']:,} call(s) sent again after an unknown outcome")
    _reasons("failed ", r["failed_reasons"])
    _reasons("skipped", r["skipped_reasons"])
    if r["held"]:
        click.echo(f"  {r['held']} call(s) held: unknown whether they reached Kakao — "
                   f"flask broadcast resolve {r['id']} --resend | --sent")
    click.echo(f"  created {_when(r['created_at'])}  scheduled {_when(r['scheduled_at'])}  "
               f"started {_when(r['started_at'])}  finished {_when(r['finished_at'])}")


@broadcast_cli.command("cancel")
@click.argument("broadcast_id")
@staff_errors
def cancel(broadcast_id: str) -> None:
    """Stop a broadcast before its next call."""
    meta = _service().cancel(broadcast_id)
    click.echo(f"broadcast {broadcast_id}: {meta['status']} "
               f"(cancel requested; {meta['sent']:,} already sent)")


@broadcast_cli.command("resolve")
@click.argument("broadcast_id")
@click.option("--resend", "action", flag_value="resend", help="Send held calls again.")
@click.option("--sent", "action", flag_value="sent", help="Count held calls as sent.")
@staff_errors
def resolve(broadcast_id: str, action: str | None) -> None:
    """Decide on calls whose outcome is unknown (BROADCAST_UNCONFIRMED=hold)."""
    if action is None:
        raise click.UsageError("choose --resend or --sent")
    count = _service().resolve(broadcast_id, action)
    click.echo(f"{count} call(s) marked {action}"
               + (f"; run `flask broadcast send {broadcast_id}`" if action == "resend" else ""))


@broadcast_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """The newest broadcasts, under a header row."""
    rows = _service().list(limit)
    if not rows:
        click.echo("no broadcasts yet")
        return
    click.echo(f"{'id':>5}  {'status':<10} {'created':<20}  {'recipients':>10}  "
               f"{'delivered':>10}  notice")
    for m in rows:
        flags = (" ad" if m["ad"] else "") + (" TEST" if m["test"] else "")
        dry = m.get("mode") == "dry-run"
        outcome = f"{m['sent']:,} sim." if dry else f"{m['delivered']:,}"
        click.echo(f"{m['id']:>5}  {m['status']:<10} {_when(m['created_at']):<20}  "
                   f"{m['recipients']:>10,}  {outcome:>10}  {m['notice_id']}{flags}"
                   f"{' (dry run)' if dry else ''}")


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask broadcast`."""
    app.cli.add_command(broadcast_cli)
