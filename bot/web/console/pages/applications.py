"""/console/applications: the review queue, detail, approve / reject / mark paid, CSV export.

Status changes go through bot.applications.change_status, as `flask applications …` do;
personal data is masked unless the role is listed in CONSOLE_UNMASK_ROLES.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for

from ....applications import service as apps
from ....applications.service import ApplicationError
from ....core.clock import KST
from .. import access
from ..auth import actor, area, audit, current_user
from ..blueprint import bp
from ..messages import explain, say

AREA = "applications"
ACTIONS = {"review": apps.REVIEWING, "approve": apps.APPROVED, "reject": apps.REJECTED,
           "paid": apps.PAID}


def unmasked() -> bool:
    """Whether this user's role may see business numbers, names and phones in full."""
    roles = str(access.services().config.get("CONSOLE_UNMASK_ROLES") or "admin")
    user = current_user()
    return user is not None and user.role in {r.strip() for r in roles.split(",")}


def _filters() -> tuple[str | None, float | None, str]:
    status = request.args.get("status") or None
    if status not in apps.STATUSES:
        status = None
    since = None
    if request.args.get("since"):
        try:
            since = datetime.strptime(request.args["since"], "%Y-%m-%d").replace(
                tzinfo=KST).timestamp()
        except ValueError:
            since = None
    return status, since, (request.args.get("q") or "").strip()


def _found() -> list[Any]:
    status, since, query = _filters()
    found = access.application_store().list(status, since)
    if query:
        found = [a for a in found if query in a.receipt or query in a.business_name]
    return found


@bp.get("/applications")
@area(AREA)
def applications_index() -> str:
    """The review queue, newest first, with status filters."""
    found = sorted(_found(), key=lambda a: a.submitted_at, reverse=True)
    everything = access.application_store().list()
    counts = {s: sum(1 for a in everything if a.status == s) for s in apps.STATUSES}
    return render_template("console/applications.html", rows=[(a, a.row(unmasked()))
                                                              for a in found],
                           counts=counts, statuses=apps.STATUSES, args=request.args)


@bp.get("/applications/<receipt>")
@area(AREA)
def applications_show(receipt: str) -> str:
    """One application with its history and the next steps its status allows."""
    app = access.application_store().get(receipt) or abort(404)
    allowed = apps.TRANSITIONS.get(app.status, ())
    return render_template("console/application.html", app=app, row=app.row(unmasked()),
                           allowed=allowed, unmasked=unmasked(), grant=apps.GRANT_AMOUNT)


@bp.post("/applications/<receipt>/status")
@area(AREA)
def applications_change(receipt: str) -> Any:
    """Review / approve / reject with a reason / mark paid."""
    status = ACTIONS.get(request.form.get("action", ""))
    if status is None:
        abort(400)
    reason = (request.form.get("reason") or "").strip()
    if status == apps.REJECTED and not reason:
        say("applications.reason_needed", "error")
        return redirect(url_for("console.applications_show", receipt=receipt))
    store = access.application_store()
    before = store.get(receipt) or abort(404)
    try:
        app = apps.change_status(access.services(), receipt, status, actor(), reason)
    except ApplicationError as exc:
        say("applications.not_changed", "error", reason=explain(exc))
        return redirect(url_for("console.applications_show", receipt=receipt))
    audit(f"application.{request.form['action']}", receipt, {"status": before.status},
          {"status": app.status, **({"reason": reason} if reason else {})})
    say("applications.changed", "ok", receipt=receipt, status=app.status)
    return redirect(url_for("console.applications_show", receipt=receipt))


@bp.get("/applications.csv")
@area(AREA)
def applications_csv() -> Response:
    """The filtered list as CSV, UTF-8 with BOM so Excel reads the Korean right."""
    full = unmasked()
    rows = [a.row(full) for a in _found()]
    columns = list(rows[0]) if rows else list(apps.Application.blank().row())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    audit("application.export", request.query_string.decode() or "all", None,
          {"rows": len(rows), "unmasked": full})
    stamp = datetime.now(KST).strftime("%Y%m%d-%H%M")
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="applications-{stamp}.csv"'})
