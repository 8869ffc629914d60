"""The Book form's Repeat option: preview the dates, book the series, see it in the allocation
panel and cancel the rest of it there."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import ENGINEER, LiveServer
from tests.web.pages import log_in, open_tab


def test_a_series_is_previewed_booked_shown_and_cancelled_from_the_ui(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.api(ENGINEER) as api:
        vehicle = api.get("/vehicles/40").json()
    log_in(page, ENGINEER)
    open_tab(page, "Book")
    form = page.get_by_role("form", name="Availability search")
    form.get_by_label("Vehicle (optional)").fill(vehicle["vin"])
    expect(form.get_by_label("Drive")).to_have_value(vehicle["drive_type"])
    form.get_by_label("Test type").select_option("brake")
    form.get_by_label("Start date").fill("2026-06-01")
    form.get_by_label("Days").fill("1")

    page.get_by_label("Repeat this booking").check()
    page.get_by_label("Times").fill("3")
    page.get_by_role("button", name="Preview dates").click()
    dates = page.get_by_label("Dates of the series")
    expect(dates.locator("li")).to_have_count(3)
    expect(page.locator(".series-preview")).to_contain_text("Would book 3 of 3 occurrence(s)")
    page.get_by_role("button", name="Book the series").click()
    expect(page.locator(".series-preview .alert-success")).to_contain_text("Series #")

    page.locator(".series-preview").get_by_role("button", name="Show on the schedule").click()
    panel = page.get_by_label("Allocation details")
    expect(panel).to_contain_text("every Monday, 3 times")
    expect(panel.get_by_label("Occurrences of the series").locator("li")).to_have_count(3)
    panel.get_by_role("button", name="Cancel the rest of the series").click()
    page.get_by_role("button", name="Cancel the rest", exact=True).click()
    expect(page.locator(".toast").last).to_contain_text("Cancelled 3 occurrence(s)")
    with live_server.api(ENGINEER) as api:
        mine = api.get("/allocations", params={"vehicle_id": 40, "start_date": "2026-06-01"}).json()
    assert [a["status"] for a in mine["items"] if a["series_id"]] == ["cancelled"] * 3
