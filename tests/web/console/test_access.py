"""Every console route: anonymous → login, wrong role → 403, POST without CSRF → 400,
and every page renders for a role that may use it."""

from __future__ import annotations

import pytest

from bot.accounts.roles import AREAS
from tests.support import notice_fixture
from tests.support.apply_flow import fill, freeze
from tests.support.console import Console
from tests.support.kakao import Chat
from tests.support.payloads import make_payload

ROLES = ("operator", "staff", "admin")


@pytest.fixture
def seeded(make_app):
    """An app with an application, a notice and a broadcast to open pages of."""
    app = make_app(env={"BROADCAST_INLINE": "1"})
    freeze(app)
    chat = Chat(app)
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    svc = app.extensions["bot"].services
    notice = notice_fixture.install(app).put({
        "id": "N-2026-001", "title": "소상공인 디지털 전환 지원", "category": "기술",
        "deadline": "2026-12-31"})["id"]
    bid = svc.broadcasts.create(notice, test_users=[chat.user_id])["id"]
    return app, {"receipt": receipt, "notice": notice, "bid": bid}


# (method, path, area); {receipt} {notice} {bid} are filled from the seeded app.
ROUTES = [
    ("GET", "/console/templates", "templates"),
    ("GET", "/console/templates/check", "templates"),
    ("GET", "/console/templates/wallet/balance", "templates"),
    ("POST", "/console/templates/wallet/balance/preview", "templates"),
    ("POST", "/console/templates/wallet/balance", "templates"),
    ("GET", "/console/templates/wallet/balance/history", "templates"),
    ("POST", "/console/templates/wallet/balance/rollback", "templates"),
    ("POST", "/console/templates/wallet/balance/reset", "templates"),
    ("GET", "/console/faq", "faq"),
    ("GET", "/console/faq/check", "faq"),
    ("POST", "/console/faq/new", "faq"),
    ("POST", "/console/faq/example", "faq"),
    ("POST", "/console/faq/unanswered/forget", "faq"),
    ("POST", "/console/faq/unanswered/clear", "faq"),
    ("GET", "/console/settings", "settings"),
    ("POST", "/console/settings", "settings"),
    ("GET", "/console/simulator", "simulator"),
    ("POST", "/console/simulator/say", "simulator"),
    ("POST", "/console/simulator/reset", "simulator"),
    ("GET", "/console/notices", "notices"),
    ("GET", "/console/notices/new", "notices"),
    ("POST", "/console/notices/new", "notices"),
    ("GET", "/console/notices/{notice}", "notices"),
    ("POST", "/console/notices/{notice}", "notices"),
    ("POST", "/console/notices/{notice}/hide", "notices"),
    ("POST", "/console/notices/import", "notices"),
    ("GET", "/console/notices/import", "notices"),
    ("GET", "/console/broadcasts", "broadcasts"),
    ("POST", "/console/broadcasts", "broadcasts"),
    ("GET", "/console/broadcasts/{bid}", "broadcasts"),
    ("GET", "/console/broadcasts/{bid}/progress", "broadcasts"),
    ("POST", "/console/broadcasts/{bid}/send", "broadcasts"),
    ("POST", "/console/broadcasts/{bid}/cancel", "broadcasts"),
    ("POST", "/console/broadcasts/{bid}/resolve", "broadcasts"),
    ("GET", "/console/applications", "applications"),
    ("GET", "/console/applications/{receipt}", "applications"),
    ("POST", "/console/applications/{receipt}/status", "applications"),
    ("GET", "/console/applications.csv", "applications"),
    ("GET", "/console/stats", "stats"),
    ("GET", "/console/users", "users"),
    ("POST", "/console/users", "users"),
    ("POST", "/console/users/someone/role", "users"),
    ("POST", "/console/users/someone/password", "users"),
    ("POST", "/console/users/someone/remove", "users"),
    ("GET", "/console/audit", "audit"),
]


def test_every_console_route_is_listed_here(app):
    """A new route must join the table above (and so the checks below)."""
    listed = {path.split("{")[0].rstrip("/") for _, path, _ in ROUTES}
    rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/console")}
    public = {"/console/login", "/console/logout", "/console/", "/console/static/<path:filename>"}
    for rule in rules - public:
        stem = rule.split("<")[0].rstrip("/")
        assert any(p == stem or p.startswith(stem) for p in listed), rule


def test_anonymous_users_are_sent_to_login(seeded):
    app, ids = seeded
    console = Console(app)
    for method, path, _ in ROUTES:
        path = path.format(**ids)
        if method == "GET":
            response = console.get(path)
        else:  # with a valid token, so it is the missing login that stops it
            response = console.post(path)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response.headers["Location"].startswith("/console/login"), path


@pytest.mark.parametrize("role", ROLES)
def test_roles_are_checked_on_the_server(seeded, role):
    app, ids = seeded
    console = Console(app)
    assert console.login(f"{role}-1", role).status_code == 302
    token = console.token("/console/")
    for method, path, area in ROUTES:
        if role in AREAS[area]:
            continue
        path = path.format(**ids)
        response = (console.get(path) if method == "GET"
                    else console.post(path, {"csrf_token": token}))
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert "권한이 없어요" in console.text(response)


def test_posts_without_a_valid_csrf_token_are_refused(seeded):
    app, ids = seeded
    console = Console(app)
    console.login("boss", "admin")
    for method, path, _ in ROUTES:
        if method != "POST":
            continue
        path = path.format(**ids)
        assert console.post(path, csrf=False).status_code == 400, path
        assert console.post(path, {"csrf_token": "forged"}).status_code == 400, path
    assert console.post("/console/logout", csrf=False).status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_its_roles(seeded, role):
    app, ids = seeded
    console = Console(app)
    console.login(f"{role}-2", role)
    shown = 0
    for method, path, area in ROUTES:
        if method != "GET" or role not in AREAS[area]:
            continue
        path = path.format(**ids)
        response = console.get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        shown += 1
    assert shown >= 4


def test_the_skill_webhook_needs_no_csrf_token(app):
    """Kakao posts JSON with its secret header: CSRF protection must not touch /skill."""
    chat = Chat(app)
    assert chat.say("처음으로").status == 200


def test_navigation_follows_the_role(app):
    console = Console(app)
    console.login("op", "operator")
    page = console.text(console.get("/console/templates"))
    assert "답변 템플릿" in page and "시뮬레이터" in page
    assert "지원금 신청" not in page and "계정 관리" not in page
    staff = Console(app)
    staff.login("st", "staff")
    page = staff.text(staff.get("/console/", follow_redirects=True))
    assert "지원사업 공고" in page and "답변 템플릿" not in page


def test_a_removed_account_or_changed_password_ends_the_session(app):
    console = Console(app)
    console.login("op", "operator")
    assert console.get("/console/templates").status_code == 200
    app.extensions["console"].users.set_password("op", "another-password-1")
    assert console.get("/console/templates").status_code == 302
    console.login("op", password="another-password-1")
    app.extensions["console"].users.remove("op")
    assert console.get("/console/templates").status_code == 302


def test_role_changes_apply_on_the_next_request(app):
    console = Console(app)
    console.login("op", "operator")
    assert console.get("/console/applications").status_code == 403
    app.extensions["console"].users.set_role("op", "staff")
    assert console.get("/console/applications").status_code == 200


def test_skill_calls_never_open_the_console_session(app):
    from flask.sessions import SecureCookieSession

    console = Console(app)
    console.login("amy", "operator")  # the client now carries a signed console cookie
    interface = app.session_interface
    with app.test_request_context("/skill/welcome", method="POST"):
        from flask import request

        assert interface.open_session(app, request) is None  # Flask's null session: no signing
    with app.test_request_context("/console/templates"):
        from flask import request

        assert isinstance(interface.open_session(app, request), SecureCookieSession)
    said = console.client.post("/skill/welcome", json=make_payload("안녕", "u-cookie"))
    assert said.status_code == 200 and "Set-Cookie" not in said.headers
    assert console.get("/console/templates").status_code == 200  # the console session still holds
