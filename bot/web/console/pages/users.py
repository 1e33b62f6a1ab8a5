"""/console/users (admin): accounts and roles, the same store as `flask console …`."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from ....accounts import ADMIN, ROLES, AccountError
from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp

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
        flash(f"계정을 만들지 않았어요: {exc}", "error")
        return redirect(url_for("console.users_index"))
    audit("user.add", user.name, None, {"role": user.role})
    flash(f"{user.name} 계정을 만들었어요.", "ok")
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
            raise AccountError("마지막 관리자 계정이에요")
        user = store.set_role(name, role)
    except AccountError as exc:
        flash(f"역할을 바꾸지 않았어요: {exc}", "error")
        return redirect(url_for("console.users_index"))
    audit("user.role", user.name, {"role": before.role}, {"role": user.role})
    flash(f"{user.name}의 역할을 바꿨어요.", "ok")
    return redirect(url_for("console.users_index"))


@bp.post("/users/<name>/password")
@area(AREA)
def users_password(name: str) -> Any:
    """Set a new password (the account's open sessions end)."""
    try:
        user = access.users().set_password(name, request.form.get("password", ""))
    except AccountError as exc:
        flash(f"비밀번호를 바꾸지 않았어요: {exc}", "error")
        return redirect(url_for("console.users_index"))
    audit("user.password", user.name)
    flash(f"{user.name}의 비밀번호를 바꿨어요.", "ok")
    return redirect(url_for("console.users_index"))


@bp.post("/users/<name>/remove")
@area(AREA)
def users_remove(name: str) -> Any:
    """Delete an account (not oneself, not the last admin)."""
    store = access.users()
    try:
        user = store.require(name)
        if user.name == actor():
            raise AccountError("자기 계정은 지울 수 없어요")
        if user.role == ADMIN and store.admins() <= 1:
            raise AccountError("마지막 관리자 계정이에요")
        store.remove(name)
    except AccountError as exc:
        flash(f"계정을 지우지 않았어요: {exc}", "error")
        return redirect(url_for("console.users_index"))
    audit("user.remove", user.name, {"role": user.role}, None)
    flash(f"{user.name} 계정을 지웠어요.", "ok")
    return redirect(url_for("console.users_index"))
