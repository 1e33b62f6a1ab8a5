"""The one place the console reaches the app's feature services.

The features are attributes of the typed Services; the console looks them up here
and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from ...accounts import AuditLog, LoginThrottle, UserStore


def bot() -> Any:
    """The app's Bot (services, pipeline, renderer, templates)."""
    return current_app.extensions["bot"]


def services() -> Any:
    """The app's Services."""
    return bot().services


def console() -> Any:
    """The console's own objects (users, audit, overrides, editor), see init_app."""
    return current_app.extensions["console"]


def faq_service(svc: Any | None = None) -> Any:
    """The FAQ service."""
    return getattr(svc or services(), "faq", None)


def notice_store(svc: Any | None = None) -> Any:
    """The NoticeStore."""
    return getattr(svc or services(), "notices", None)


def broadcast_service(svc: Any | None = None) -> Any:
    """The BroadcastService."""
    return getattr(svc or services(), "broadcasts", None)


def wallet_backend(svc: Any | None = None) -> Any:
    """The wallet backend."""
    return getattr(svc or services(), "wallet", None)


def application_store(svc: Any | None = None) -> Any:
    """The ApplicationStore."""
    return (svc or services()).applications


def edits_applied() -> None:
    """Show a console edit at once in this worker (the others see it within seconds)."""
    b = bot()
    b.templates.expire()
    b.renderer.forget()
    faq = faq_service()
    if faq is not None:
        faq.kb.store.expire()
        # Rebuild the index now, in the operator's request: the next merchant's question
        # finds it ready in this worker (other workers rebuild in the background within
        # seconds and answer with the previous index meanwhile, as for edited files).
        faq.kb.snapshot(wait=True)


def users() -> UserStore:
    """Console accounts."""
    return console().users


def audit() -> AuditLog:
    """The console audit log."""
    return console().audit


def throttle() -> LoginThrottle:
    """Login attempt limits."""
    return console().throttle
