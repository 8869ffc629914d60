"""A screenshot of each main screen, taken on a fresh demo (its own server).

Runs with the suite and checks every screen renders; the images go to a temporary directory.
To refresh the README's images:

    DYNO_UPDATE_SCREENSHOTS=1 uv run pytest tests/web/test_screenshots.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import ADMIN, ENGINEER, MANAGER, LiveServer
from tests.web.pages import log_in, open_tab, send

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("DYNO_UPDATE_SCREENSHOTS") == "1" else tmp_path


def _shoot(page: Page, folder: Path, name: str, **options: object) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=path, animations="disabled", caret="hide", **options)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name


def test_each_main_screen_renders(browser, live_server: LiveServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _target(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.get_by_label("Demo logins")).to_be_visible()
        _shoot(page, folder, "login")

        log_in(page, ENGINEER)
        reply = send(page, "Book vehicle 5 for a brake test next Monday for 2 days")
        booked = int(re.search(r"#(\d+)", reply).group(1))  # type: ignore[union-attr]
        dyno = re.search(r"on (VTS #\d|TRP #\d)", reply).group(1)  # type: ignore[union-attr]
        send(page, f"What's on {dyno} next week?")
        expect(page.locator(".msg-assistant table").last).to_be_visible()
        send(page, f"cancel allocation {booked}")
        expect(page.locator(".confirm-card").get_by_role("button", name="Approve")).to_be_enabled()
        _shoot(page, folder, "chat")

        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        with live_server.api(ENGINEER) as api:
            vin = api.get("/vehicles/30").json()["vin"]
        form.get_by_label("Vehicle (optional)").fill(vin)
        expect(form.get_by_label("Drive")).not_to_have_value("")
        form.get_by_label("Test type").select_option("4k certification")
        form.get_by_label("Days").fill("3")
        form.get_by_role("button", name="Find free dynos").click()
        expect(page.get_by_label("Free dynos, best first")).to_be_visible()
        _shoot(page, folder, "book")

        page.get_by_role("button", name="Log out").click()
        log_in(page, MANAGER)
        open_tab(page, "Schedule")
        page.locator(f'.bar[data-allocation-id="{booked}"]').click()
        expect(page.get_by_label("Allocation details")).to_contain_text(f"Allocation #{booked}")
        _shoot(page, folder, "timeline")

        open_tab(page, "Dynos")
        page.get_by_role("button", name="Edit VTS #2").click()
        editor = page.get_by_label("Dyno editor")
        expect(editor.locator(".maint-list li")).not_to_have_count(0)
        expect(editor.locator(".maint-list")).not_to_contain_text("No maintenance")
        _shoot(page, folder, "dynos", full_page=False)

        open_tab(page, "Reports")
        expect(page.locator(".chart-row")).to_have_count(23)
        _shoot(page, folder, "reports")

        page.get_by_role("button", name="Log out").click()
        log_in(page, ADMIN)
        open_tab(page, "Users")
        expect(page.locator("tr[data-user-id]")).to_have_count(3)
        _shoot(page, folder, "users")
    finally:
        context.close()
