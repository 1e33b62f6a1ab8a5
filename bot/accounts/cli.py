"""`flask console …`: console accounts from the shell (the first admin is made here).

Admins read the output in Korean (messages.yaml: `cli.console.*`, roles by their labels,
refusals by code through bot/core/staff_cli.py); account names and roles stay as typed.
"""

from __future__ import annotations

import getpass
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..core import staff_cli, wording
from ..core.clock import KST
from .audit import AuditLog
from .roles import ADMIN, ROLES
from .users import AccountError, UserStore

console_cli = AppGroup("console", help="Web console accounts (/console).")


def _users() -> UserStore:
    svc = current_app.extensions["bot"].services
    return UserStore(svc.redis, svc.keys)


def _audit(action: str, target: str, before: object = None, after: object = None) -> None:
    svc = current_app.extensions["bot"].services
    who = f"cli:{current_app.config.get('USER') or getpass.getuser() or 'shell'}"
    AuditLog(svc.redis, svc.keys).record(who, action, target, before, after)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(wording.text("cli.console.password"), hide_input=True,
                        confirmation_prompt=wording.text("cli.console.password_again"))


def _fail(exc: AccountError) -> None:
    staff_cli.fail(exc)


@console_cli.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="operator: answers, FAQ, settings; staff: notices, broadcasts, "
                   "applications, stats; admin: everything and accounts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one stdin line.")
def add_user(name: str, role: str, password_stdin: bool) -> None:
    """Create a console account (password asked twice, or read from stdin)."""
    try:
        user = _users().add(name, role, _password(password_stdin))
    except AccountError as exc:
        _fail(exc)
        return
    _audit("user.add", user.name, None, {"role": user.role})
    click.echo(wording.text("cli.console.created", name=user.name, role=user.role))


@console_cli.command("list-users")
def list_users() -> None:
    """Accounts with their role and last login."""
    users = _users().all()
    for user in users:
        last = (datetime.fromtimestamp(user.last_login, KST).strftime("%Y-%m-%d %H:%M KST")
                if user.last_login else wording.text("cli.console.never"))
        role = staff_cli.pad(wording.label(user.role, "role"), 7)
        click.echo(wording.text("cli.console.user_line", name=f"{user.name:<20}", role=role,
                                last=last))
    click.echo(wording.text("cli.console.count", count=len(users)))


@console_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def set_role(name: str, role: str) -> None:
    """Change an account's role (effective on its next page)."""
    store = _users()
    try:
        before = store.require(name)
        if before.role == ADMIN and role != ADMIN and store.admins() <= 1:
            raise AccountError("that is the last admin account", code="account.last_admin")
        user = store.set_role(name, role)
    except AccountError as exc:
        _fail(exc)
        return
    _audit("user.role", user.name, {"role": before.role}, {"role": user.role})
    click.echo(wording.text("cli.console.role_changed", name=user.name, role=user.role))


@console_cli.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from one stdin line.")
def set_password(name: str, password_stdin: bool) -> None:
    """Give an account a new password (its open sessions end)."""
    try:
        user = _users().set_password(name, _password(password_stdin))
    except AccountError as exc:
        _fail(exc)
        return
    _audit("user.password", user.name)
    click.echo(wording.text("cli.console.password_changed", name=user.name))


@console_cli.command("remove-user")
@click.argument("name")
def remove_user(name: str) -> None:
    """Delete an account (its open sessions end on their next page)."""
    store = _users()
    try:
        user = store.require(name)
        if user.role == ADMIN and store.admins() <= 1 and len(store.all()) > 1:
            raise AccountError("that is the last admin account; make another admin first",
                               code="account.last_admin")
        store.remove(name)
    except AccountError as exc:
        _fail(exc)
        return
    _audit("user.remove", user.name, {"role": user.role}, None)
    click.echo(wording.text("cli.console.removed", name=user.name))
