"""Who is asking: the logged-in account, role checks on every route, CSRF, login and logout."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from ...accounts import User, can
from ...accounts.roles import AREAS
from . import access
from .blueprint import bp
from .messages import say, text

PUBLIC = "public"  # the area of the login page and static files
Area = str


def area(name: Area) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view with the console area it belongs to (roles.AREAS decides who may use it)."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.console_area = name  # type: ignore[attr-defined]
        return view

    return mark


def current_user() -> User | None:
    """The account of this request (None: not logged in)."""
    return g.get("console_user")


def actor() -> str:
    """The name written to histories and the audit log."""
    user = current_user()
    return user.name if user else "-"


def client_address() -> str:
    """The client address counted by the login throttle."""
    return request.remote_addr or "unknown"


def may(area_name: Area) -> bool:
    """Whether the current user may use an area (for navigation and buttons)."""
    user = current_user()
    return user is not None and can(user.role, area_name)


def audit(action: str, target: str, before: Any = None, after: Any = None) -> None:
    """Record a change made by the current user."""
    access.audit().record(actor(), action, target, before, after)


@bp.before_request
def guard() -> Response | None:
    """Deny by default: every console route names its area; roles are checked on the server."""
    if not access.console().enabled:
        return Response(render_template("console/closed.html"), status=503)
    view = current_app.view_functions.get(request.endpoint or "")
    where = getattr(view, "console_area", None)
    if request.endpoint == "console.static":
        where = PUBLIC
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions["csrf"].protect()  # 400 without a valid token
    g.console_user = _session_user()
    if where == PUBLIC:
        return None
    if where not in AREAS:
        abort(404)  # a route without an area is never served
    if g.console_user is None:
        if request.headers.get("HX-Request"):
            return Response("", status=401, headers={"HX-Redirect": url_for("console.login")})
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    if not can(g.console_user.role, where):
        abort(403)
    return None


def _session_user() -> User | None:
    name = session.get("user")
    if not name:
        return None
    user = access.users().get(name)
    if user is None or session.get("stamp") != user.stamp:
        session.clear()  # removed, or the password changed since this login
        return None
    return user


@bp.errorhandler(403)
def forbidden(_exc: Exception) -> tuple[str, int]:
    """A polite Korean page for a role without access."""
    return render_template("console/error.html", code=403, message=text("page.forbidden")), 403


@bp.errorhandler(404)
def not_found(_exc: Exception) -> tuple[str, int]:
    """Unknown console page."""
    return render_template("console/error.html", code=404, message=text("page.not_found")), 404


@bp.errorhandler(CSRFError)
def csrf_failed(exc: CSRFError) -> tuple[str, int]:
    """A form without a valid CSRF token (e.g. an old tab): ask to reload."""
    return render_template("console/error.html", code=400, message=text("page.csrf")), 400


def _safe_next(target: str | None) -> str:
    """Only paths inside the console are followed after login (no open redirect)."""
    if target:
        parts = urlparse(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console"):
            return target
    return url_for("console.home")


@bp.route("/login", methods=["GET", "POST"])
@area(PUBLIC)
def login() -> Any:
    """The login form (fields `username`, `password`), limited per account and address."""
    if request.method == "GET":
        if current_user() is not None:
            return redirect(url_for("console.home"))
        return render_template("console/login.html", next=request.args.get("next", ""))
    name = (request.form.get("username") or "").strip().lower()
    password = request.form.get("password") or ""
    address = client_address()
    wait = access.throttle().blocked(name, address)
    if wait:
        minutes = max(1, round(wait / 60))
        say("login.throttled", "error", minutes=minutes)
        return render_template("console/login.html", next=request.form.get("next", ""),
                               username=name), 429
    user = access.users().authenticate(name, password, time.time())
    if user is None:
        access.throttle().failed(name, address)
        access.audit().record(name or "-", "login.failed", address)
        say("login.failed", "error")
        return render_template("console/login.html", next=request.form.get("next", ""),
                               username=name), 401
    access.throttle().succeeded(name)
    session.clear()  # a fresh session on login (no fixation)
    session["user"] = user.name
    session["stamp"] = user.stamp
    session.permanent = True
    access.audit().record(user.name, "login", address)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
@area(PUBLIC)
def logout() -> Response:
    """End the session."""
    if current_user() is not None:
        audit("logout", client_address())
    session.clear()
    say("logout.done", "info")
    return redirect(url_for("console.login"))


def requires(area_name: Area) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Alias of `area` that reads well on views: @requires('templates')."""
    return area(area_name)

