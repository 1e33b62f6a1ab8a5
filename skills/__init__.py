"""Every skill module, imported in one visible list (importing registers them)."""

from __future__ import annotations

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

MODULES = (welcome, fallback, operator, faq, apply, wallet, notices, notice_followup, notice_push)
