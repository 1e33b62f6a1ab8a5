"""Every skill module, imported in one visible list (importing registers them)."""

from __future__ import annotations

from typing import Any

from . import (
    apply,
    fallback,
    faq,
    notice_followup,
    notice_push,
    notices,
    operator,
    wallet,
    welcome,
)

# notice_followup after notices: it takes over the fallback's notices_followup hook.
MODULES = (welcome, fallback, operator, faq, apply, wallet, notices, notice_followup, notice_push)


def init_services(services: Any) -> None:
    """Let skill modules attach their outside clients (wallet API, matcher…) to services."""
    for module in MODULES:
        init = getattr(module, "init_services", None)
        if init is not None:
            init(services)
