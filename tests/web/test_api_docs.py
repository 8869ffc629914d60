"""`/docs` and `/redoc` render offline in Chromium from the vendored files, under the page's CSP."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from dyno_agent.web.docs import redoc_policy
from dyno_agent.web.router import CONTENT_SECURITY_POLICY, STATIC_DIR
from tests.web.conftest import LiveServer

VENDOR = STATIC_DIR / "vendor"
RENDER_TIMEOUT_MS = 30_000  # parsing a megabyte of script and the whole schema, on a busy machine


def offline(page: Page, base_url: str) -> list[str]:
    """Abort every request that would leave the app; the returned list fills with their URLs."""
    outside: list[str] = []

    def handle(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return outside


def test_swagger_ui_lists_the_operations_offline(page: Page, live_server: LiveServer) -> None:
    outside = offline(page, live_server.base_url)

    response = page.goto("/docs")

    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    login = page.locator(".opblock-summary-path[data-path='/api/v1/auth/login']")
    expect(login).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert page.locator(".opblock").count() > 30
    page.locator(".opblock-post", has=login).locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-post.is-open .opblock-section-request-body")).to_be_visible()
    assert outside == []


def test_redoc_renders_the_api_offline(browser, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.base_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    outside = offline(page, live_server.base_url)

    response = page.goto("/redoc")

    assert response is not None
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([\w-]+)'", policy)
    assert nonce and policy == redoc_policy(nonce.group(1))
    assert "script-src 'self';" in policy
    expect(page.locator("h1", has_text="Dyno Agent")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_role("menuitem", name="auth")).to_be_visible()
    assert page.locator("[data-section-id^='operation/']").count() > 30
    page.wait_for_load_state("networkidle")
    context.close()
    # ReDoc's styles and search ran; the one thing refused is its logo from a CDN, by the policy.
    refused = [e for e in errors if "Failed to load resource" not in e]
    assert [e for e in refused if "cdn.redoc.ly/redoc/logo-mini.svg" not in e] == []
    assert outside == []


def test_the_vendored_files_match_the_checksums_recorded_in_the_vendor_readme() -> None:
    readme = (VENDOR / "README.md").read_text()
    recorded = dict(re.findall(r"`([\w./-]+\.(?:js|css))` .*?`([0-9a-f]{64})`", readme))

    assert {"swagger-ui/swagger-ui-bundle.js", "redoc/redoc.standalone.js"} <= recorded.keys()
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    for licence in ("swagger-ui/LICENSE", "redoc/LICENSE"):
        assert Path(VENDOR / licence).is_file()
