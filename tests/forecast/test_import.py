"""Importing the shared forecast workbook: dry run, real import, re-import, changed files,
invalid rows, the G-row rule, CSV, and the DynoRules/Maintenance sheets."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role
from dyno_agent.errors import InvalidRows, PermissionDenied, StrandsBookings
from dyno_agent.forecast import columns as c
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule, MaintenanceWindow, Vehicle
from tests.factories import make_allocation
from tests.forecast.conftest import WORKBOOK, edited_workbook, make_lab, run_import

ROWS, INVALID = 591, 9
CREATED = {"vehicles": 478, "requests": 566, "allocations": 16}
NOTHING = {"vehicles": 0, "requests": 0, "allocations": 0}
ROW_8 = 8  # 312W028, 150K Mileage, 75K 150K, G, MPG 1, from 2025-08-27 for 100 days


async def count(session: AsyncSession, model: Any) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


def change_of(report: dict[str, Any], row: int) -> dict[str, Any]:
    return next(change for change in report["changes"] if change["row"] == row)


async def row_8_request(session: AsyncSession) -> TestRequest:
    return await session.scalar(
        select(TestRequest)
        .join(Vehicle, Vehicle.id == TestRequest.vehicle_id)
        .where(Vehicle.tag == "312W028", TestRequest.mileage_step == "75K-150K")
        .execution_options(populate_existing=True)
    )


async def test_a_dry_run_reports_every_row_and_writes_nothing(session: AsyncSession) -> None:
    await make_lab(session)
    report = await run_import(session, dry_run=True)
    assert (report["rows"], report["valid"], report["invalid"]) == (ROWS, ROWS - INVALID, INVALID)
    assert sorted(change["row"] for change in report["changes"]) == list(range(6, 6 + ROWS))
    assert report["created"] == CREATED
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    # no drive (489-492); a tag reused for another drive/weight class or the same vehicle, test
    # and step twice (503-506, 519)
    assert {p["row"] for p in errors} == {489, 490, 491, 492, 503, 504, 505, 506, 519}
    assert all(set(p) >= {"sheet", "row", "column", "value", "reason"} for p in errors)
    drive_checks = [p for p in report["problems"] if p["column"] == c.DYNO_CONSTRAINT]
    assert len(drive_checks) > 180 and {p["severity"] for p in drive_checks} == {"warning"}
    assert await count(session, Vehicle) == await count(session, TestRequest) == 0


async def test_invalid_rows_block_the_import_and_nothing_is_written(session: AsyncSession) -> None:
    await make_lab(session)
    with pytest.raises(InvalidRows) as caught:
        await run_import(session)
    assert caught.value.details["invalid"] == INVALID
    assert len(caught.value.details["problems"]) > INVALID
    assert await count(session, Vehicle) == await count(session, Allocation) == 0


async def test_only_power_users_import(session: AsyncSession) -> None:
    await make_lab(session)
    with pytest.raises(PermissionDenied):
        await run_import(session, actor=Actor(None, Role.user, Channel.api), dry_run=True)


async def test_the_import_creates_vehicles_requests_and_allocations(
    imported: tuple[AsyncEngine, dict[str, Any]], db: AsyncSession
) -> None:
    report = imported[1]
    assert report["created"] == CREATED and report["skipped"] == INVALID
    assert await count(db, Vehicle) == CREATED["vehicles"]
    assert await count(db, TestRequest) == CREATED["requests"]
    assert await count(db, Allocation) == CREATED["allocations"]
    # 47 rows carry `TBD-2027 P702`: 47 placeholders keyed in sheet order
    keys = await db.scalars(
        select(Vehicle.placeholder_key).where(Vehicle.placeholder_key.like("TBD-2027 P702#%"))
    )
    assert sorted(keys, key=lambda k: int(k.split("#")[1]))[-1] == "TBD-2027 P702#47"
    assert len(list(await db.scalars(select(Vehicle.id).where(Vehicle.tag.is_(None))))) > 379
    vehicle = await db.scalar(select(Vehicle).where(Vehicle.tag == "312W028"))
    assert (vehicle.vin, vehicle.program, vehicle.model_year, vehicle.drive_type) == (
        "1FTRF2BM4REC58264",
        "P708",
        2027,
        "2WD",
    )
    request = await row_8_request(db)
    assert (request.days, request.desired_start, request.facility) == (
        100,
        dt.date(2025, 8, 27),
        "MPG",
    )
    assert (request.source_sheet, request.source_row) == (c.FORECAST_SHEET, ROW_8)
    assert request.source_values[c.ESTIMATED_START] == "2025-08-27T08:00:00"
    # row 6: COMPLETED on MPG 2 from its actual start, for its 7 days to complete
    done = await db.scalar(
        select(Allocation).where(
            Allocation.vehicle_id == vehicle.id, Allocation.status == "completed"
        )
    )
    dyno = await db.get(Dyno, done.dyno_id)
    assert (dyno.name, done.start_date, done.end_date) == (
        "MPG 2",
        dt.date(2024, 12, 5),
        dt.date(2024, 12, 11),
    )
    audited = await db.scalar(
        text(
            "SELECT count(*) FROM audit_log WHERE table_name = 'test_requests'"
            " AND channel = :channel"
        ),
        {"channel": "import"},
    )
    events = await db.scalar(
        text("SELECT count(*) FROM allocation_events WHERE channel = 'import'")
    )
    assert (audited, events) == (CREATED["requests"], CREATED["allocations"])


async def test_importing_the_same_file_again_changes_nothing(db: AsyncSession) -> None:
    audit_before = await db.scalar(text("SELECT count(*) FROM audit_log"))
    report = await run_import(db, skip_invalid=True)
    assert report["created"] == NOTHING
    assert report["updated"] == NOTHING
    assert report["unchanged"] == ROWS - INVALID
    assert await db.scalar(text("SELECT count(*) FROM audit_log")) == audit_before
    assert await count(db, TestRequest) == CREATED["requests"]


async def test_a_changed_file_updates_open_requests_and_reports_old_and_new(
    db: AsyncSession,
) -> None:
    def edit(sheet: Any, col: dict[str, int]) -> None:
        sheet.cell(ROW_8, col[c.NEW_EST_DATE]).value = dt.datetime(2025, 9, 15)
        sheet.cell(ROW_8, col[c.DAYS_TO_COMPLETE]).value = 110
        sheet.cell(ROW_8, col[c.FACILITY]).value = "VTS"

    report = await run_import(db, edited_workbook(edit), "changed.xlsx", skip_invalid=True)
    assert report["updated"] == {"vehicles": 0, "requests": 1, "allocations": 0}
    assert report["created"] == NOTHING
    assert change_of(report, ROW_8)["fields"] == {
        "days": [100, 110],
        "earliest_start": ["2025-08-27", "2025-09-15"],
        "desired_start": ["2025-08-27", "2025-09-15"],
        "facility": ["MPG", "VTS"],
    }
    request = await row_8_request(db)
    assert (request.days, request.desired_start, request.facility) == (
        110,
        dt.date(2025, 9, 15),
        "VTS",
    )
    assert request.source_file == "changed.xlsx"


async def test_a_planned_request_is_left_as_it_is(db: AsyncSession) -> None:
    request = await row_8_request(db)
    await db.execute(
        update(TestRequest).where(TestRequest.id == request.id).values(status="planned")
    )

    def edit(sheet: Any, col: dict[str, int]) -> None:
        sheet.cell(ROW_8, col[c.DAYS_TO_COMPLETE]).value = 50

    report = await run_import(db, edited_workbook(edit), skip_invalid=True)
    assert change_of(report, ROW_8)["action"] == "unchanged"
    assert report["updated"] == NOTHING
    assert (await row_8_request(db)).days == 100


async def test_a_running_row_becomes_an_allocation_that_books_its_open_request(
    db: AsyncSession,
) -> None:
    def edit(sheet: Any, col: dict[str, int]) -> None:
        sheet.cell(ROW_8, col[c.STATUS]).value = "RUNNING"
        sheet.cell(ROW_8, col[c.ACTUAL_START]).value = dt.datetime(2025, 9, 1)

    report = await run_import(db, edited_workbook(edit), skip_invalid=True)
    assert report["created"] == {"vehicles": 0, "requests": 0, "allocations": 1}
    change = change_of(report, ROW_8)
    assert (change["what"], change["action"]) == ("allocation", "create")
    request = await row_8_request(db)
    allocation = await db.get(Allocation, request.allocation_id)
    assert (request.status, allocation.status) == ("booked", "running")
    assert (allocation.start_date, allocation.end_date) == (
        dt.date(2025, 9, 1),
        dt.date(2025, 12, 9),
    )


async def test_a_g_row_on_the_dyno_of_an_existing_allocation_is_that_allocation(
    db: AsyncSession,
) -> None:
    vehicle = await db.scalar(select(Vehicle).where(Vehicle.tag == "312W028"))
    mpg1 = await db.scalar(select(Dyno).where(Dyno.name == "MPG 1"))
    booked = await make_allocation(
        db, vehicle, mpg1, dt.date(2025, 8, 27), dt.date(2025, 12, 4), test_type="150k mileage"
    )
    report = await run_import(db, skip_invalid=True)
    change = change_of(report, ROW_8)
    assert (change["what"], change["action"]) == ("allocation", "unchanged")
    assert report["created"] == NOTHING and report["updated"] == NOTHING
    assert booked.id  # the allocation stands; the request is not touched
    assert (await row_8_request(db)).status == "open"


async def test_a_csv_with_the_same_rows_imports_the_same(session: AsyncSession) -> None:
    workbook = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in workbook[c.FORECAST_SHEET].iter_rows(values_only=True):
        writer.writerow([v.isoformat() if isinstance(v, dt.datetime) else v for v in row])
    await make_lab(session)
    report = await run_import(session, out.getvalue().encode(), "forecast.csv", skip_invalid=True)
    assert (report["rows"], report["invalid"], report["created"]) == (ROWS, INVALID, CREATED)
    assert await count(session, TestRequest) == CREATED["requests"]


async def test_rules_and_maintenance_sheets_show_their_diff_and_replace_the_lab_s(
    db: AsyncSession,
) -> None:
    preview = await run_import(db, dry_run=True, rules=True, maintenance=True)
    # the demo table = the workbook's rules, their 4WD twins and a few other tests
    assert preview["rules"]["added"] == []
    assert "VTS #1: brake / any / any" in preview["rules"]["removed"]
    assert preview["maintenance"] == {"added": ["MPG 1: 2024-09-30 to 2024-12-05"], "removed": []}
    assert await db.scalar(select(func.count()).where(DynoRule.test_type == "brake")) > 0

    report = await run_import(db, skip_invalid=True, rules=True, maintenance=True)
    assert report["rules"] == preview["rules"]
    assert await db.scalar(select(func.count()).where(DynoRule.test_type == "brake")) == 0
    assert await db.scalar(select(func.count()).where(DynoRule.drive_type == "4WD")) > 0
    window = await db.scalar(select(MaintenanceWindow))
    assert (window.start_date, window.end_date) == (dt.date(2024, 9, 30), dt.date(2024, 12, 5))


async def test_rules_that_would_strand_bookings_are_refused(db: AsyncSession) -> None:
    vehicle = await db.scalar(select(Vehicle).where(Vehicle.tag == "312W028"))
    vts = await db.scalar(select(Dyno).where(Dyno.name == "VTS #1"))
    await make_allocation(db, vehicle, vts, dt.date(2026, 6, 1), dt.date(2026, 6, 2))
    with pytest.raises(StrandsBookings):
        await run_import(db, skip_invalid=True, rules=True)


async def test_a_class_that_contradicts_a_known_weight_makes_the_vehicle_s_rows_invalid(
    db: AsyncSession,
) -> None:
    await db.execute(
        update(Vehicle)
        .where(Vehicle.tag == "312W028")
        .values(weight_lbs=12_000, weight_class=">10K")
    )
    report = await run_import(db, dry_run=True)
    refused = [p for p in report["problems"] if "weighs 12,000 lbs" in p["reason"]]
    assert [(p["row"], p["column"]) for p in refused] == [
        (6, c.WEIGHT_CLASS),
        (7, c.WEIGHT_CLASS),
        (8, c.WEIGHT_CLASS),
    ]
    assert report["invalid"] == INVALID + 3
