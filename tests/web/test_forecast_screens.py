"""The Import and Plan screens and the schedule downloads in a real browser, on the real API."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import ENGINEER, MANAGER
from tests.web.pages import log_in, open_tab


class TestRoles:
    def test_a_user_plans_but_neither_imports_nor_commits(self, page: Page) -> None:
        log_in(page, ENGINEER)
        expect(page.locator("#tabs")).to_contain_text("Plan")
        expect(page.locator("#tabs")).not_to_contain_text("Import")
        page.goto("/#import")
        expect(page.get_by_role("alert")).to_contain_text("This page needs the power_user role.")

    def test_the_plan_form_refuses_a_horizon_under_one_day(self, page: Page) -> None:
        log_in(page, MANAGER)
        open_tab(page, "Plan")
        form = page.get_by_role("form", name="Plan the open requests")
        form.get_by_label("Horizon (days)").fill("0")
        form.get_by_role("button", name="Plan").click()
        assert form.get_by_label("Horizon (days)").evaluate("el => el.validity.rangeUnderflow")
        expect(page.get_by_label("Plan summary")).to_have_count(0)

    def test_import_waits_for_a_check(self, page: Page) -> None:
        log_in(page, MANAGER)
        open_tab(page, "Import")
        form = page.get_by_role("form", name="Import a forecast")
        expect(form.get_by_role("button", name="Import", exact=True)).to_be_disabled()
