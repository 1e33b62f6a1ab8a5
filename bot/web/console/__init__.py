"""운영 콘솔: the web console for operators and staff, a blueprint under /console.

`init_app(app)` wires it into the skill server: the Redis layer of template edits
(every TemplateStore consults it), accounts, CSRF protection for the console's
forms only (the Kakao webhook posts JSON with its own secret header), the session
cookie and the `flask console …` / `flask templates export` commands.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from bot.answers.overrides import Overrides
from bot.web.console.editing import TemplateEditor

from ...accounts import AuditLog, LoginThrottle, UserStore
from . import access
from .blueprint import bp

log = logging.getLogger(__name__)
SECRET_FILE = "console-secret"


@dataclass
class Console:
    """The console's objects, kept on app.extensions['console']."""

    users: UserStore
    audit: AuditLog
    throttle: LoginThrottle
    overrides: Overrides
    editor: TemplateEditor
    enabled: bool  # False in production without CONSOLE_SECRET_KEY


class HttpsAwareSessions(SecureCookieSessionInterface):
    """The console's session cookie: Secure whenever the console is reached over https.

    Only the console's own requests open it. A Kakao skill call carries no console cookie,
    yet opening a signed-cookie session costs each request its signing serializer
    (~0.08 ms of a ~1 ms welcome reply): every other request gets Flask's null session.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        """The signed cookie session on console pages; None (a null session) elsewhere."""
        # By path: Flask opens the session before it matches the URL to a blueprint.
        if not request.path.startswith(bp.url_prefix or "/console"):
            return None
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request came over https."""
        return bool(super().get_cookie_secure(app) or request.is_secure)


def secret_key(config: Any) -> str | None:
    """CONSOLE_SECRET_KEY; for embedded/dev runs one generated and kept in the data dir."""
    if config.get("CONSOLE_SECRET_KEY"):
        return str(config["CONSOLE_SECRET_KEY"])
    if config.get("ENV") == "production" and config.get("REDIS_URL"):
        return None  # several hosts must share one key: the deployer sets it
    path = Path(config.get("EMBEDDED_DATA_DIR") or ".data") / SECRET_FILE
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    except OSError as exc:
        log.error("console secret could not be kept in %s: %s", path, exc)
        return None


def init_app(app: Flask) -> None:
    """Attach the console, the template edit layer and their commands to the app."""
    bot = app.extensions["bot"]
    svc = bot.services
    overrides = Overrides(svc.redis, svc.keys)
    bot.templates.overlay = overrides
    faq = access.faq_service(svc)
    if faq is not None:  # the FAQ reads its entries through a store of its own
        faq.kb.store.overlay = overrides
    key = secret_key(app.config)
    if key is None:
        log.error("CONSOLE_SECRET_KEY is not set: the web console (/console) is closed")
    else:
        app.secret_key = key
    app.session_interface = HttpsAwareSessions()
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # no cross-site form posts carry it
    app.config["SESSION_COOKIE_HTTPONLY"] = True  # no script reads it
    app.config["SESSION_COOKIE_NAME"] = "danggol_console"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=int(app.config.get("CONSOLE_SESSION_HOURS") or 8))
    # CSRF is checked on the console's own requests only (see views.protect).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's lifetime bounds it
    CSRFProtect(app)
    cfg = app.config
    app.extensions["console"] = Console(
        users=UserStore(svc.redis, svc.keys),
        audit=AuditLog(svc.redis, svc.keys),
        throttle=LoginThrottle(svc.redis, svc.keys, int(cfg.get("CONSOLE_LOGIN_LIMIT", 5)),
                               int(cfg.get("CONSOLE_LOGIN_LIMIT_ADDRESS", 20)),
                               int(cfg.get("CONSOLE_LOGIN_WINDOW", 900))),
        overrides=overrides,
        editor=TemplateEditor(bot.templates, overrides),
        enabled=key is not None,
    )
    from . import stats_recorder, views
    from .cli import init_cli

    stats_recorder.install(app)
    app.register_blueprint(views.bp)
    init_cli(app)
