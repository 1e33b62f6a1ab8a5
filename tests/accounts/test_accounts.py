"""Console accounts: `flask console …`, login, throttling, the session cookie, the audit log."""

from __future__ import annotations

import pytest

from tests.support.console import PASSWORD, Console


def cli(app, *args: str, input: str | None = None):
    """Invoke `flask console …`."""
    return app.test_cli_runner().invoke(args=["console", *args], input=input)


def test_add_user_asks_the_password_twice(app):
    result = cli(app, "add-user", "kim", "--role", "operator",
                 input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "비밀번호: \n비밀번호 다시: \n" in result.output  # asked twice, in Korean, not echoed
    assert result.output.endswith(
        "kim 계정을 만들었어요 (운영자). /console/login에서 로그인해 주세요.\n")
    assert Console(app).login("kim").headers["Location"] == "/console/"


def test_add_user_reads_the_password_from_stdin_and_refuses_weak_ones(app):
    assert cli(app, "add-user", "lee", "--role", "staff", "--password-stdin",
               input=f"{PASSWORD}\n").exit_code == 0
    short = cli(app, "add-user", "park", "--role", "staff", "--password-stdin", input="short\n")
    assert short.exit_code == 1
    assert short.output == "✗ 비밀번호는 10자 이상이어야 해요. [account.short_password]\n"
    again = cli(app, "add-user", "lee", "--role", "admin", "--password-stdin",
                input=f"{PASSWORD}\n")
    assert again.exit_code == 1 and "'lee' 계정이 이미 있어요. [account.exists]" in again.output


def test_passwords_are_stored_as_scrypt_hashes(app):
    cli(app, "add-user", "kim", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    stored = app.extensions["console"].users.get("kim").password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_list_set_role_and_remove(app):
    cli(app, "add-user", "boss", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    cli(app, "add-user", "kim", "--role", "operator", "--password-stdin", input=f"{PASSWORD}\n")
    listed = cli(app, "list-users").output
    assert listed.splitlines() == [
        "boss                 관리자   마지막 로그인 없음",
        "kim                  운영자   마지막 로그인 없음",
        "계정 2개"]
    changed = cli(app, "set-role", "kim", "staff")
    assert changed.exit_code == 0 and changed.output == "kim의 역할을 직원(으)로 바꿨어요.\n"
    assert app.extensions["console"].users.get("kim").role == "staff"
    last_admin = cli(app, "set-role", "boss", "staff")
    assert last_admin.exit_code == 1 and "[account.last_admin]" in last_admin.output
    assert "마지막 관리자 계정이에요" in last_admin.output
    assert cli(app, "remove-user", "kim").output == "kim 계정을 지웠어요.\n"
    assert app.extensions["console"].users.get("kim") is None
    actions = [e.action for e in app.extensions["console"].audit.recent(10)]
    assert actions == ["user.remove", "user.role", "user.add", "user.add"]


def test_a_wrong_password_is_refused_politely(app):
    console = Console(app)
    console.add_user("kim", "operator")
    response = console.login("kim", password="not-the-password")
    assert response.status_code == 401
    assert "아이디 또는 비밀번호가 맞지 않아요" in console.text(response)
    assert console.get("/console/templates").status_code == 302


def test_logins_are_limited_per_account(make_app):
    app = make_app(CONSOLE_LOGIN_LIMIT=3)
    console = Console(app)
    console.add_user("kim", "operator")
    for _ in range(3):
        assert console.login("kim", password="wrong-password").status_code == 401
    blocked = console.login("kim")  # even the right password waits now
    assert blocked.status_code == 429 and "로그인 시도가 너무 많아요" in console.text(blocked)
    other = Console(app)
    other.add_user("lee", "staff")
    assert other.login("lee").status_code == 302  # other accounts are not affected


def test_logins_are_limited_per_address(make_app):
    app = make_app(CONSOLE_LOGIN_LIMIT_ADDRESS=4)
    console = Console(app)
    console.add_user("kim", "operator")
    for name in ("a1", "a2", "a3", "a4"):
        console.login(name, password="guessing-names")
    assert console.login("kim").status_code == 429


def test_the_session_cookie_is_httponly_and_samesite_lax(app):
    console = Console(app)
    console.add_user("kim", "operator")
    response = console.login("kim")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    over_https = Console(app).client.get("/console/login", base_url="https://console.example")
    assert "Secure" in over_https.headers["Set-Cookie"]  # the CSRF token's session


def test_login_only_follows_console_paths(app):
    console = Console(app)
    console.add_user("kim", "operator")
    response = console.client.post("/console/login", data={
        "username": "kim", "password": PASSWORD, "next": "https://evil.example/",
        "csrf_token": console.token()})
    assert response.headers["Location"] == "/console/"
    console.client.post("/console/logout", data={"csrf_token": console.token("/console/")})
    response = console.client.post("/console/login", data={
        "username": "kim", "password": PASSWORD, "next": "/console/faq",
        "csrf_token": console.token()})
    assert response.headers["Location"] == "/console/faq"


def test_logins_and_failures_are_audited(app):
    console = Console(app)
    console.add_user("kim", "operator")
    console.login("kim", password="wrong-password")
    console.login("kim")
    entries = app.extensions["console"].audit.recent(5)
    assert [(e.who, e.action) for e in entries] == [("kim", "login"), ("kim", "login.failed")]


def test_admins_manage_accounts_in_the_console(app):
    admin = Console(app)
    admin.login("boss", "admin")
    admin.post("/console/users", {"username": "kim", "role": "operator", "password": PASSWORD})
    assert app.extensions["console"].users.get("kim").role == "operator"
    admin.post("/console/users/kim/role", {"role": "staff"})
    assert app.extensions["console"].users.get("kim").role == "staff"
    refused = admin.post("/console/users/boss/remove", follow_redirects=True)
    assert "자기 계정은 지울 수 없어요" in admin.text(refused)
    admin.post("/console/users/kim/remove")
    assert app.extensions["console"].users.get("kim") is None
    page = admin.text(admin.get("/console/audit"))
    assert "user.remove" in page and "user.role" in page


@pytest.mark.parametrize("env", ["production"])
def test_production_without_a_secret_keeps_the_console_closed(make_app, env):
    app = make_app(ENV=env, CONSOLE_SECRET_KEY=None)
    response = app.test_client().get("/console/login")
    assert response.status_code == 503 and "CONSOLE_SECRET_KEY" in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200  # the bot still serves


def test_development_generates_one_secret_per_data_dir(make_app, tmp_path):
    first = make_app(ENV="development", CONSOLE_SECRET_KEY=None, EMBEDDED_DATA_DIR=str(tmp_path))
    second = make_app(ENV="development", CONSOLE_SECRET_KEY=None, EMBEDDED_DATA_DIR=str(tmp_path))
    assert first.secret_key and first.secret_key == second.secret_key
    assert (tmp_path / "console-secret").stat().st_mode & 0o777 == 0o600
