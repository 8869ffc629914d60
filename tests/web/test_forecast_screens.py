"""The Import and Plan screens and the schedule downloads in a real browser, on the real API."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import httpx
import openpyxl
from playwright.sync_api import Download, Page, expect

from dyno_agent.forecast import columns as c
from tests.web.conftest import ENGINEER, MANAGER, LiveServer
from tests.web.pages import log_in, open_tab

SHARED_WORKBOOK = Path(__file__).parents[1] / "forecast" / "data" / "cert_fuel_baseline.xlsx"
PLAN_TEST = "coastdown"  # the plan tests' requests; the imports here are 4K certification


def small_forecast(rows: list[dict[str, object]]) -> bytes:
    """A forecast workbook with the sheet's columns (header on row 1) and `rows`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = c.FORECAST_SHEET
    sheet.append(list(c.FORECAST_COLUMNS))
    for row in rows:
        sheet.append([row.get(name) for name in c.FORECAST_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def forecast_row(tag: str, step: str, start: dt.date, days: int, drive: str = "2WD") -> dict:
    return {
        c.TEST: "4K Certification",
        c.MODEL_YEAR: 2027,
        c.PROGRAM: "P990",
        c.TAG: tag,
        c.MILEAGE_STEP: step,
        c.STATUS: "G",
        c.ESTIMATED_START: start,
        c.WEIGHT_CLASS: "<10K",
        c.DRIVE: drive,
        c.DAYS_TO_COMPLETE: days,
    }


def stat(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-stat="{key}"] .stat-value')


def open_request(api: httpx.Client, vehicle_id: int, earliest: str) -> int:
    created = api.post(
        "/requests",
        json={
            "vehicle_id": vehicle_id,
            "test_type": PLAN_TEST,
            "mileage_step": "0K-5K",
            "days": 3,
            "earliest_start": earliest,
        },
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def plan_in_the_browser(page: Page) -> int:
    """Plan the open coastdown requests on the Plan screen; the plan's id."""
    form = page.get_by_role("form", name="Plan the open requests")
    form.get_by_label("Horizon (days)").fill("90")
    form.get_by_label("Time limit (s)").fill("5")
    form.get_by_label("Test type").select_option(PLAN_TEST)
    form.get_by_role("button", name="Plan").click()
    heading = page.get_by_label("Plan summary").get_by_role("heading")
    expect(heading).to_contain_text("preview", timeout=30_000)
    return int(re.search(r"Plan #(\d+)", heading.inner_text()).group(1))  # type: ignore[union-attr]


def downloaded_sheet(download: Download) -> list[dict[str, object]]:
    """The forecast sheet of a downloaded workbook, as rows by column name."""
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook[c.FORECAST_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == list(c.EXPORT_COLUMNS)
    return [dict(zip(c.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]]


class TestImportScreen:
    def test_checking_the_shared_workbook_reports_every_row_and_writes_nothing(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(MANAGER) as api:
            before = api.get("/requests", params={"limit": 1}).json()["total"]
        log_in(page, MANAGER)
        open_tab(page, "Import")
        form = page.get_by_role("form", name="Import a forecast")
        form.get_by_label("Forecast file (.xlsx or .csv)").set_input_files(SHARED_WORKBOOK)
        form.get_by_role("button", name="Check").click()
        expect(stat(page, "rows")).to_have_text("591", timeout=30_000)
        invalid = int(stat(page, "invalid").inner_text())
        assert invalid > 0
        assert int(stat(page, "valid").inner_text()) == 591 - invalid
        problems = page.get_by_label("Problems")
        expect(problems.locator("tr.problem-error").first).to_contain_text(c.FORECAST_SHEET)
        expect(page.get_by_label("Changes").locator("tr.change").first).to_be_visible()
        expect(
            form.get_by_role("button", name=f"Import, skipping {invalid} invalid rows")
        ).to_be_enabled()
        with live_server.api(MANAGER) as api:
            assert api.get("/requests", params={"limit": 1}).json()["total"] == before

    def test_an_import_then_a_second_check_finds_nothing_to_change(
        self, page: Page, live_server: LiveServer, tmp_path: Path
    ) -> None:
        file = tmp_path / "web-forecast.xlsx"
        file.write_bytes(
            small_forecast(
                [
                    forecast_row("WEB001", "0K - 5K", dt.date(2026, 4, 6), 5),
                    forecast_row("WEB001", "5K - 75K", dt.date(2026, 4, 13), 10),
                    forecast_row("WEB002", "0K - 5K", dt.date(2026, 4, 6), 5, drive="HOVER"),
                ]
            )
        )
        log_in(page, MANAGER)
        open_tab(page, "Import")
        form = page.get_by_role("form", name="Import a forecast")
        form.get_by_label("Forecast file (.xlsx or .csv)").set_input_files(file)
        form.get_by_role("button", name="Check").click()
        expect(stat(page, "invalid")).to_have_text("1")
        expect(stat(page, "created-requests")).to_have_text("2")
        expect(page.get_by_label("Problems").locator("tr.problem-error")).to_contain_text("HOVER")

        form.get_by_role("button", name="Import, skipping 1 invalid rows").click()
        expect(page.locator(".import-output .alert-success")).to_contain_text(
            "1 vehicles, 2 requests and 0 allocations created"
        )
        with live_server.api(MANAGER) as api:
            vehicle = api.get("/vehicles", params={"q": "WEB001"}).json()["items"][0]
            requests = api.get("/requests", params={"vehicle_id": vehicle["id"]}).json()
            assert [(r["mileage_step"], r["status"]) for r in requests["items"]] == [
                ("0K-5K", "open"),
                ("5K-75K", "open"),
            ]
            assert api.get("/vehicles", params={"q": "WEB002"}).json()["items"] == []

        form.get_by_role("button", name="Check").click()
        expect(stat(page, "created-requests")).to_have_text("0")
        expect(stat(page, "updated-requests")).to_have_text("0")
        expect(form).to_contain_text("Nothing to import")
        expect(form.get_by_role("button", name=re.compile("^Import"))).to_be_disabled()

    def test_a_file_that_is_not_a_workbook_is_refused_with_the_reason(
        self, page: Page, tmp_path: Path
    ) -> None:
        file = tmp_path / "notes.xlsx"
        file.write_text("these are my notes, not a workbook\n")
        log_in(page, MANAGER)
        open_tab(page, "Import")
        form = page.get_by_role("form", name="Import a forecast")
        form.get_by_label("Forecast file (.xlsx or .csv)").set_input_files(file)
        form.get_by_role("button", name="Check").click()
        alert = page.locator(".import-output").get_by_role("alert")
        expect(alert).to_contain_text("This file is not a forecast workbook.")
        expect(form.get_by_role("button", name=re.compile("^Import"))).to_be_disabled()

        big = tmp_path / "big.csv"
        big.write_bytes(b"x" * (10 * 2**20 + 1))  # DYNO_IMPORT_MAX_BYTES is 10 MiB
        form.get_by_label("Forecast file (.xlsx or .csv)").set_input_files(big)
        form.get_by_role("button", name="Check").click()
        expect(alert).to_contain_text("The file is too large.")
        expect(alert).to_contain_text("DYNO_IMPORT_MAX_BYTES")


class TestPlanScreen:
    def test_a_plan_is_drawn_as_a_preview_and_commit_books_it(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(MANAGER) as api:
            ids = [open_request(api, vehicle, "2026-03-09") for vehicle in (40, 41)]
        log_in(page, MANAGER)
        open_tab(page, "Plan")
        plan_id = plan_in_the_browser(page)
        expect(stat(page, "placed")).to_have_text("2")
        expect(stat(page, "unplaced")).to_have_text("0")
        assignments = page.get_by_label("Assignments")
        for request_id in ids:
            expect(assignments.locator(f'tr[data-request-id="{request_id}"]')).to_be_visible()
        preview = page.get_by_label("Plan preview")
        expect(preview.locator(".bar.preview")).not_to_have_count(0)
        with live_server.api(MANAGER) as api:
            plan = api.get(f"/plans/{plan_id}").json()
            assert {r["status"] for r in (api.get(f"/requests/{i}").json() for i in ids)} == {
                "open"
            }
        first = plan["assignments"][0]
        bar = page.locator(f'.bar.preview[data-request-id="{first["request_id"]}"]')
        expect(preview.locator(".tl-row", has=bar)).to_have_attribute(
            "data-dyno", first["dyno_name"]
        )

        page.get_by_role("button", name="Commit: book 2 tests").click()
        page.get_by_role("dialog").get_by_role("button", name="Book them").click()
        expect(page.locator(".commit-area")).to_contain_text("Booked 2 tests.")
        expect(page.get_by_label("Plan summary")).to_contain_text("committed")
        expect(preview.locator(".bar.preview")).to_have_count(0)
        with page.expect_download() as started:
            page.locator(".plan-actions").get_by_role("button", name="Download .xlsx").click()
        sheet = downloaded_sheet(started.value)
        with live_server.api(MANAGER) as api:
            tags = {api.get(f"/vehicles/{v}").json()["tag"] for v in (40, 41)}
            for request_id in ids:
                request = api.get(f"/requests/{request_id}").json()
                assert request["status"] == "booked"
                booking = api.get(f"/allocations/{request['allocation_id']}").json()
                assert booking["vehicle_id"] == request["vehicle_id"]
                expect(
                    preview.locator(f'.bar[data-allocation-id="{booking["id"]}"]')
                ).to_have_count(1 if booking["start_date"] <= "2026-03-31" else 0)
        booked_rows = [r for r in sheet if r[c.TAG] in tags and r[c.TEST].casefold() == PLAN_TEST]
        assert len(booked_rows) == 2 and all(r[c.DYNO] for r in booked_rows), booked_rows

    def test_a_commit_after_the_schedule_changed_lists_the_conflicts_and_replans(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(MANAGER) as api:
            request_id = open_request(api, 42, "2026-03-16")
        log_in(page, MANAGER)
        open_tab(page, "Plan")
        plan_id = plan_in_the_browser(page)
        with live_server.api(MANAGER) as api:
            planned = api.get(f"/plans/{plan_id}").json()["assignments"]
            assert [a["request_id"] for a in planned] == [request_id]
            taken = api.post(
                "/allocations",
                json={
                    "vehicle_id": 43,
                    "dyno": planned[0]["dyno_name"],
                    "test_type": PLAN_TEST,
                    "start_date": planned[0]["start_date"],
                    "end_date": planned[0]["end_date"],
                },
            )
            assert taken.status_code == 201, taken.text

        page.get_by_role("button", name="Commit: book 1 tests").click()
        page.get_by_role("dialog").get_by_role("button", name="Book them").click()
        conflicts = page.locator(".conflicts")
        expect(conflicts).to_contain_text("Nothing was booked.")
        expect(conflicts.locator(f'tr[data-request-id="{request_id}"]')).to_contain_text(
            planned[0]["dyno_name"]
        )
        expect(page.get_by_role("button", name="Commit: book 1 tests")).to_be_disabled()
        with live_server.api(MANAGER) as api:
            assert api.get(f"/requests/{request_id}").json()["status"] == "open"

        conflicts.get_by_role("button", name="Re-plan").click()
        heading = page.get_by_label("Plan summary").get_by_role("heading")
        expect(heading).not_to_contain_text(f"Plan #{plan_id} ", timeout=30_000)
        page.get_by_role("button", name="Commit: book 1 tests").click()
        page.get_by_role("dialog").get_by_role("button", name="Book them").click()
        expect(page.locator(".commit-area")).to_contain_text("Booked 1 tests.")
        with live_server.api(MANAGER) as api:
            assert api.get(f"/requests/{request_id}").json()["status"] == "booked"

    def test_a_user_plans_but_neither_imports_nor_commits(self, page: Page) -> None:
        log_in(page, ENGINEER)
        expect(page.locator("#tabs")).not_to_contain_text("Import")
        page.goto("/#import")
        expect(page.get_by_role("alert")).to_contain_text("This page needs the power_user role.")
        open_tab(page, "Plan")
        form = page.get_by_role("form", name="Plan the open requests")
        form.get_by_label("Horizon (days)").fill("0")
        form.get_by_role("button", name="Plan").click()
        assert form.get_by_label("Horizon (days)").evaluate("el => el.validity.rangeUnderflow")
        plan_in_the_browser(page)
        expect(page.locator(".plan-actions")).to_contain_text("Power users commit plans.")
        expect(page.get_by_role("button", name=re.compile("^Commit"))).to_have_count(0)


class TestDownloads:
    def test_the_schedule_downloads_as_the_forecast_workbook(self, page: Page) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Schedule")
        with page.expect_download() as started:
            page.get_by_role("button", name="Download .xlsx").click()
        download = started.value
        assert download.suggested_filename == "dyno-schedule-2026-03-02.xlsx"
        assert downloaded_sheet(download)
        expect(page.locator(".toast").last).to_contain_text("Downloaded dyno-schedule")
