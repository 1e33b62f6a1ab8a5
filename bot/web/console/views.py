"""The console's routes: the blueprint with every page registered on it."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for

from ...accounts.roles import AREAS
from . import auth, helpers  # noqa: F401  (auth installs the guard; helpers the filters)
from .blueprint import bp
from .messages import label
from .pages import (  # noqa: F401  (importing registers the routes)
    applications,
    audit,
    broadcasts,
    faq,
    notices,
    settings,
    simulator,
    stats,
    templates,
    users,
)

# Navigation, in order: (area, endpoint); the words are `labels: nav:` in messages.yaml.
NAV = (
    ("templates", "console.templates_index"),
    ("faq", "console.faq_index"),
    ("settings", "console.settings_page"),
    ("simulator", "console.simulator_page"),
    ("notices", "console.notices_index"),
    ("broadcasts", "console.broadcasts_index"),
    ("applications", "console.applications_index"),
    ("stats", "console.stats_page"),
    ("users", "console.users_index"),
    ("audit", "console.audit_page"),
)
assert {a for a, _ in NAV} == set(AREAS)


@bp.context_processor
def navigation() -> dict[str, Any]:
    """The links the current user's role may follow."""
    return {"console_nav": [(e, label(a, "nav")) for a, e in NAV if auth.may(a)],
            "console_user": auth.current_user(), "may": auth.may}


@bp.get("/")
@auth.area(auth.PUBLIC)
def home() -> Any:
    """The first page the user's role may see."""
    for area_name, endpoint in NAV:
        if auth.may(area_name):
            return redirect(url_for(endpoint))
    return redirect(url_for("console.login"))
