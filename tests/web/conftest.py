"""Browser tests: the real app (`dyno serve --demo`) on a free port, driven by Debian's Chromium.

One server per test module, on a scratch database of the session's PostgreSQL, with the offline
model and "today" pinned to 2026-03-02. Without /usr/bin/chromium the tests are skipped, except in
CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from dyno_agent.db.embedded import drop_database
from tests.conftest import TODAY, create_scratch_database
from tests.servers import AppServer, require_binary, server_env
from tests.web.pages import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENGINEER = "engineer@demo.local"
MANAGER = "manager@demo.local"
ADMIN = "admin@demo.local"
SECRET = "web-tests-secret-" + "x" * 32


@dataclass
class LiveServer:
    base_url: str

    def token(self, email: str, password: str = PASSWORD) -> str:
        response = httpx.post(
            f"{self.base_url}/api/v1/auth/login", json={"email": email, "password": password}
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def api(self, email: str) -> httpx.Client:
        """An HTTP client signed in as `email` (close it, or use it in a `with`)."""
        return httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {self.token(email)}"},
            timeout=30,
        )


@pytest.fixture(scope="module")
def live_server(server_url: URL) -> Iterator[LiveServer]:
    require_binary(CHROMIUM, "chromium")
    url, admin = create_scratch_database(server_url, "dyno_web")
    try:
        with tempfile.TemporaryDirectory(prefix="dyno-web-") as data_dir:
            env = server_env(url, data_dir, DYNO_JWT_SECRET=SECRET)
            server = AppServer(
                env=env,
                log=Path(data_dir) / "server.log",
                args=["--demo", "--today", TODAY.isoformat()],
            )
            with server.running():
                yield LiveServer(server.base_url)
    finally:
        drop_database(admin, url.database or "")


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (no stored token). Page errors fail the test."""
    context = browser.new_context(  # dates show in the browser's locale: pin it
        base_url=live_server.base_url, viewport={"width": 1366, "height": 860}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    # 4xx answers the UI shows on purpose are logged by Chromium as failed resources: ignore them.
    unexpected = [e for e in errors if "Failed to load resource" not in e]
    assert unexpected == [], f"errors in the page: {unexpected}"
