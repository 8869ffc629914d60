"""Browser tests: the real app (`dyno serve --demo`) on a free port, driven by Debian's Chromium.

One server per test module, on a scratch database of the session's PostgreSQL, with the offline
model and "today" pinned to 2026-03-02. Without /usr/bin/chromium the tests are skipped, except in
CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from dyno_agent.db.embedded import drop_database
from tests.conftest import TODAY, create_scratch_database
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
STARTUP_TIMEOUT_S = 90


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{CHROMIUM} is missing in CI: install it with `apt-get install -y chromium`.")
    pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium); CI is not set")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    _require_chromium()
    url, admin = create_scratch_database(server_url, "dyno_web")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "DYNO_JWT_SECRET": SECRET,
        "DYNO_LLM": "offline",
        "DYNO_LOGIN_RATE_LIMIT": "1000/minute",
        "DYNO_CHAT_RATE_LIMIT": "1000/minute",
        "DYNO_LOG_LEVEL": "warning",
    }
    for key in ("GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST"):
        env.pop(key, None)
    dyno = Path(sys.executable).with_name("dyno")
    command = [str(dyno), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--today", TODAY.isoformat()]
    with tempfile.TemporaryDirectory(prefix="dyno-web-") as data_dir:
        env["DYNO_DATA_DIR"] = data_dir
        log = Path(data_dir) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(base_url, process, log)
            yield LiveServer(base_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            drop_database(admin, url.database or "")


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start in time:\n{log.read_text(errors='replace')}")


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
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1366, "height": 860}
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
