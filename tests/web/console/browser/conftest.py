"""Browser tests: the console in Debian's chromium, driven by Playwright, against a real server.

The app runs on a werkzeug server thread on a free loopback port; chromium is the
system's (`/usr/bin/chromium`, never downloaded). Without it these tests skip.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from bot.app import create_app
from bot.core.config import ROOT, TestConfig
from tests.conftest import TEST_TEMPLATES
from tests.support.console import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The README's screenshots are refreshed on request (UPDATE_SCREENSHOTS=1), so an ordinary test
# run leaves the working tree clean; otherwise they go to a scratch folder.
SHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS")
         else Path(tempfile.gettempdir()) / "danggol-console-screenshots")
LAPTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark every test here `browser`; skip them all, with the reason, without chromium."""
    reason = None
    if not Path(CHROMIUM).is_file():
        reason = (f"{CHROMIUM} is missing (apt-get install -y chromium); "
                  "browsers are never downloaded")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[Any]:
    """The real app on a loopback port: (base URL, app). Broadcasts run inline, no quiet hours."""
    # A generous skill budget: the machine running the suite may be busy (it is no timing test).
    config = TestConfig(
        REDIS_URL=redis_url, SKILL_BUDGET=10.0,
        TEMPLATES_DIR=os.pathsep.join([str(ROOT / "templates"), str(TEST_TEMPLATES)]),
    ).with_env({"BROADCAST_INLINE": "1", "BROADCAST_RATE": "0", "BROADCAST_POLL_INTERVAL": "0.2",
                "BROADCAST_QUIET_START": "00:00", "BROADCAST_QUIET_END": "00:00"})
    app = create_app(config)
    app.extensions["bot"].services.redis.flushdb()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True, name="console-server")
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    app.extensions["bot"].services.redis.flushdb()
    app.extensions["bot"].pipeline.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30000)  # a busy CI machine, not a slow page

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Staff:
    """A person at the console in a browser tab."""

    def __init__(self, browser: Any, base: str, app: Any, viewport: dict[str, int]) -> None:
        self.base = base
        self.app = app
        self.context = browser.new_context(viewport=viewport, locale="ko-KR")
        self.context.set_default_timeout(30000)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # 확인 dialogs say yes

    def login(self, name: str, role: str) -> Staff:
        """Create the account if needed and log in through the form."""
        users = self.app.extensions["console"].users
        if users.get(name) is None:
            users.add(name, role, PASSWORD)
        self.page.goto(f"{self.base}/console/login")
        self.page.fill("input[name=username]", name)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/console/**")
        return self

    def go(self, path: str) -> Any:
        """Open a console page."""
        self.page.goto(f"{self.base}{path}")
        return self.page

    def shot(self, name: str, full_page: bool = False) -> None:
        """Save a screenshot for the README."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        """Close the tab's context."""
        self.context.close()


@pytest.fixture
def person(browser: Any, server: Any) -> Iterator[Any]:
    """Factory: `person("kim", "operator")` opens a logged-in browser context."""
    base, app = server
    opened: list[Staff] = []

    def open_(name: str, role: str, viewport: dict[str, int] = LAPTOP) -> Staff:
        staff = Staff(browser, base, app, viewport).login(name, role)
        opened.append(staff)
        return staff

    yield open_
    for staff in opened:
        staff.close()
