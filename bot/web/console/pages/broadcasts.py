"""/console/broadcasts: compose (audience, skips, cost, wallet, send time, preview), send with a
confirmation, follow the progress, read the report, cancel and resolve — all through the
BroadcastService the CLI uses."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from ....broadcast import store as st
from ....broadcast.notes import funds_note
from ....broadcast.service import BroadcastError, short_of_funds
from ....core.clock import today_of
from ....notices.store import CATEGORIES
from .. import access
from ..auth import area, audit
from ..blueprint import bp
from ..messages import explain, say

log = logging.getLogger(__name__)
AREA = "broadcasts"
_running: dict[str, threading.Thread] = {}  # broadcasts this process is sending inline


def _service() -> Any:
    service = access.broadcast_service()
    if service is None:
        abort(404)
    return service


def _open_notices() -> list[Any]:
    store = access.notice_store()
    if store is None:
        return []
    today = today_of(access.services().clock())
    return [n for n in store.all() if not n.hidden and n.status(today) != "closed"]


@bp.get("/broadcasts")
@area(AREA)
def broadcasts_index() -> str:
    """The composer and the latest broadcasts."""
    service = _service()
    return render_template("console/broadcasts.html", broadcasts=service.list(30),
                           notices=_open_notices(), categories=CATEGORIES,
                           mode=service.settings.mode)


@bp.post("/broadcasts")
@area(AREA)
def broadcasts_create() -> Any:
    """Plan a broadcast (a draft: nothing is sent yet)."""
    service = _service()
    tests = [u.strip() for u in (request.form.get("test_users") or "").replace(",", "\n")
             .splitlines() if u.strip()]
    try:
        meta = service.create(request.form.get("notice", ""),
                              category=request.form.get("category") or None,
                              region=(request.form.get("region") or "").strip() or None,
                              ad=request.form.get("ad") == "1", test_users=tests or None)
    except BroadcastError as exc:
        say("broadcasts.not_created", "error", reason=explain(exc))
        return redirect(url_for("console.broadcasts_index"))
    audit("broadcast.create", meta["id"], None, {k: meta[k] for k in (
        "notice_id", "category", "region", "ad", "test", "recipients", "cost")})
    return redirect(url_for("console.broadcasts_show", bid=meta["id"]))


@bp.get("/broadcasts/<bid>")
@area(AREA)
def broadcasts_show(bid: str) -> str:
    """Plan, preview bubble, send button, progress and report of one broadcast."""
    service = _service()
    try:
        report = service.report(bid)
    except BroadcastError:
        abort(404)
    try:
        preview = service.preview(bid, access.bot().renderer.to_kakao)
    except BroadcastError:
        preview = None
    return render_template("console/broadcast.html", r=report, preview=preview,
                           funds=(funds := service.funds(bid)), funds_note=funds_note(funds),
                           settings=service.settings,
                           quiet=report["scheduled_at"] > report["created_at"],
                           active=_active(report))


@bp.get("/broadcasts/<bid>/progress")
@area(AREA)
def broadcasts_progress(bid: str) -> str:
    """The progress bar and figures (polled while the broadcast runs)."""
    try:
        report = _service().report(bid)
    except BroadcastError:
        abort(404)
    return render_template("console/_broadcast_progress.html", r=report,
                           active=_active(report))


def _active(report: dict[str, Any]) -> bool:
    return report["status"] in (st.QUEUED, st.RUNNING) or report["id"] in _running


@bp.post("/broadcasts/<bid>/send")
@area(AREA)
def broadcasts_send(bid: str) -> Any:
    """Send after an explicit confirmation; inline mode runs the job on a thread here."""
    service = _service()
    if request.form.get("confirm") != "yes":
        say("broadcasts.confirm_needed", "error")
        return redirect(url_for("console.broadcasts_show", bid=bid))
    force = request.form.get("force") == "1"
    try:
        meta = service.get(bid)
        funds = service.funds(bid)
        if service.settings.mode == "live" and not force and funds.verdict == "short":
            raise short_of_funds(bid, funds)
    except BroadcastError as exc:
        say("broadcasts.not_sent", "error", reason=explain(exc))
        return redirect(url_for("console.broadcasts_show", bid=bid))
    audit("broadcast.send", bid, {"status": meta["status"]},
          {"recipients": meta["recipients"], "cost": meta["cost"], "force": force,
           "mode": service.settings.mode})
    if bid in _running and _running[bid].is_alive():
        say("broadcasts.already_sending", "info")
        return redirect(url_for("console.broadcasts_show", bid=bid))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_send, args=(app, bid, force), daemon=True,
                              name=f"console-broadcast-{bid}")
    _running[bid] = thread
    thread.start()
    if service.settings.inline:
        say("broadcasts.started", "ok")
    else:
        say("broadcasts.queued", "ok")
    return redirect(url_for("console.broadcasts_show", bid=bid))


def _send(app: Any, bid: str, force: bool) -> None:
    """BroadcastService.send off the request thread (inline mode runs the whole job here)."""
    service = access.broadcast_service(app.extensions["bot"].services)
    try:
        service.send(bid, force=force)
    except Exception:  # the report shows the state; the log has the reason
        log.exception("console broadcast %s failed", bid)
    finally:
        _running.pop(bid, None)


@bp.post("/broadcasts/<bid>/cancel")
@area(AREA)
def broadcasts_cancel(bid: str) -> Any:
    """Stop a broadcast before its next call."""
    try:
        meta = _service().cancel(bid)
    except BroadcastError as exc:
        say("broadcasts.not_cancelled", "error", reason=explain(exc))
    else:
        audit("broadcast.cancel", bid, None, {"status": meta["status"], "sent": meta["sent"]})
        say("broadcasts.cancelled", "ok")
    return redirect(url_for("console.broadcasts_show", bid=bid))


@bp.post("/broadcasts/<bid>/resolve")
@area(AREA)
def broadcasts_resolve(bid: str) -> Any:
    """Decide on calls whose outcome is unknown: send again, or count them sent."""
    action = request.form.get("action")
    if action not in ("resend", "sent"):
        abort(400)
    try:
        count = _service().resolve(bid, action)
    except BroadcastError as exc:
        say("broadcasts.not_resolved", "error", reason=explain(exc))
    else:
        audit("broadcast.resolve", bid, None, {"action": action, "calls": count})
        if action == "resend":
            say("broadcasts.resolved_resend", "ok", count=count)
        else:
            say("broadcasts.resolved_sent", "ok", count=count)
    return redirect(url_for("console.broadcasts_show", bid=bid))
