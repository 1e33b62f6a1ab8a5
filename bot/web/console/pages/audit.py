"""/console/audit (admin): every change made through the console, newest first."""

from __future__ import annotations

from flask import render_template, request

from .. import access
from ..auth import area
from ..blueprint import bp

PAGE = 100


@bp.get("/audit")
@area("audit")
def audit_page() -> str:
    """The audit log, filtered by person or kind of action."""
    who = (request.args.get("who") or "").strip() or None
    action = (request.args.get("action") or "").strip() or None
    try:
        page = max(0, int(request.args.get("page", 0)))
    except ValueError:
        page = 0
    entries = access.audit().recent(PAGE, page * PAGE, who=who, action=action)
    return render_template("console/audit.html", entries=entries, who=who or "",
                           action=action or "", page=page, more=len(entries) == PAGE)
