"""The console's routes: the blueprint with every page registered on it."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for

from ...accounts.roles import AREAS
from . import auth, helpers  # noqa: F401  (auth installs the guard; helpers the filters)
from .blueprint import bp
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

# Navigation, in order: (area, endpoint, label)
NAV = (
    ("templates", "console.templates_index", "답변 템플릿"),
    ("faq", "console.faq_index", "자주 묻는 질문"),
    ("settings", "console.settings_page", "운영 설정"),
    ("simulator", "console.simulator_page", "시뮬레이터"),
    ("notices", "console.notices_index", "지원사업 공고"),
    ("broadcasts", "console.broadcasts_index", "공고 알림 발송"),
    ("applications", "console.applications_index", "지원금 신청"),
    ("stats", "console.stats_page", "통계"),
    ("users", "console.users_index", "계정 관리"),
    ("audit", "console.audit_page", "변경 기록"),
)
assert {a for a, _, _ in NAV} == set(AREAS)


@bp.context_processor
def navigation() -> dict[str, Any]:
    """The links the current user's role may follow."""
    return {"console_nav": [(e, label) for a, e, label in NAV if auth.may(a)],
            "console_user": auth.current_user(), "may": auth.may}


@bp.get("/")
@auth.area(auth.PUBLIC)
def home() -> Any:
    """The first page the user's role may see."""
    for area_name, endpoint, _ in NAV:
        if auth.may(area_name):
            return redirect(url_for(endpoint))
    return redirect(url_for("console.login"))
