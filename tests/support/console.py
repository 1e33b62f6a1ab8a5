"""The Console helper: a staff member using /console through Flask's test client."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

PASSWORD = "correct-horse-42"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    """One browser session on the console: log in, read pages, post forms with the CSRF token."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.users = app.extensions["console"].users

    def add_user(self, name: str, role: str, password: str = PASSWORD) -> None:
        """Create an account directly in the store (as `flask console add-user` does)."""
        self.users.add(name, role, password)

    def token(self, path: str = "/console/login") -> str:
        """The CSRF token a page of this session carries."""
        page = self.client.get(path, follow_redirects=True)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, name: str, role: str | None = None, password: str = PASSWORD) -> Any:
        """Log in (creating the account first when a role is given)."""
        if role is not None and self.users.get(name) is None:
            self.add_user(name, role, password)
        return self.client.post("/console/login", data={
            "username": name, "password": password, "csrf_token": self.token()})

    def get(self, path: str, **kw: Any) -> Any:
        """GET a console page."""
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True,
             **kw: Any) -> Any:
        """POST a form, with this session's CSRF token unless `csrf=False`."""
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token("/console/"))
        return self.client.post(path, data=data, **kw)

    @staticmethod
    def text(response: Any) -> str:
        """A page's visible text, tags removed and spaces squeezed."""
        html = response.get_data(as_text=True)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
