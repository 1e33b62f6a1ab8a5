"""/console/users (admin): accounts and roles, the same store as `flask console …`."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from ....accounts import ADMIN, ROLES, AccountError
from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp
from ..messages import explain, say

AREA = "users"


@bp.get("/users")
@area(AREA)
def users_index() -> str:
    """Every account with its role and last login; forms to add, change and remove."""
    return render_template("console/users.html", users=access.users().all(), roles=ROLES)


@bp.post("/users")
@area(AREA)
def users_add() -> Any:
    """Create an account."""
    name = request.form.get("username", "")
    role = request.form.get("role", "")
    try:
        user = access.users().add(name, role, request.form.get("password", ""))
    except AccountError as exc:
        say("users.not_created", "error", reason=explain(exc))
        return redirect(url_for("console.users_index"))
    audit("user.add", user.name, None, {"role": user.role})
    say("users.created", "ok", name=user.name)
    return redirect(url_for("console.users_index"))


@bp.post("/users/<name>/role")
@area(AREA)
def users_role(name: str) -> Any:
    """Change an account's role (the last admin stays admin)."""
    store = access.users()
    role = request.form.get("role", "")
    try:
        before = store.require(name)
        if before.role == ADMIN and role != ADMIN and store.admins() <= 1:
            raise AccountError("that is the last admin account", code="account.last_admin")
        user = store.set_role(name, role)
    except AccountError as exc:
        say("users.role_not_changed", "error", reason=explain(exc))
        return redirect(url_for("console.users_index"))
    audit("user.role", user.name, {"role": before.role}, {"role": user.role})
    say("users.role_changed", "ok", name=user.name, role=user.role)
    return redirect(url_for("console.users_index"))


@bp.post("/users/<name>/password")
@area(AREA)
def users_password(name: str) -> Any:
    """Set a new password (the account's open sessions end)."""
    try:
        user = access.users().set_password(name, request.form.get("password", ""))
    except AccountError as exc:
        say("users.password_not_changed", "error", reason=explain(exc))
        return redirect(url_for("console.users_index"))
    audit("user.password", user.name)
    say("users.password_changed", "ok", name=user.name)
    return redirect(url_for("console.users_index"))


@bp.post("/users/<name>/remove")
@area(AREA)
def users_remove(name: str) -> Any:
    """Delete an account (not oneself, not the last admin)."""
    store = access.users()
    try:
        user = store.require(name)
        if user.name == actor():
            raise AccountError("an account cannot remove itself", code="account.self_remove")
        if user.role == ADMIN and store.admins() <= 1:
            raise AccountError("that is the last admin account", code="account.last_admin")
        store.remove(name)
    except AccountError as exc:
        say("users.not_removed", "error", reason=explain(exc))
        return redirect(url_for("console.users_index"))
    audit("user.remove", user.name, {"role": user.role}, None)
    say("users.removed", "ok", name=user.name)
    return redirect(url_for("console.users_index"))
