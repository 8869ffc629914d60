"""Rows of the shared workbook that are odd but usable: imported, with a warning saying how (a
request longer than a booking, a Tag # that describes a vehicle not built yet, a RUNNING row on a
dyno another RUNNING row holds)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.forecast import columns as c
from dyno_agent.planning import problem as planning
from dyno_agent.planning.candidates import screen
from dyno_agent.requests.models import TestRequest
from dyno_agent.requests.schemas import TestRequestUpdate
from dyno_agent.requests.service import update_request
from dyno_agent.scheduling.models import Dyno, DynoRule, Vehicle
from tests.forecast.conftest import IMPORTER, SETTINGS, edited_workbook, run_import

Imported = tuple[AsyncEngine, dict[str, Any]]


def problems_of(report: dict[str, Any], row: int, column: str) -> list[dict[str, Any]]:
    return [p for p in report["problems"] if (p["row"], p["column"]) == (row, column)]


async def request_of_row(session: AsyncSession, row: int) -> TestRequest:
    request = await session.scalar(select(TestRequest).where(TestRequest.source_row == row))
    assert request is not None, f"row {row} was not imported as a request"
    return request


async def test_a_request_longer_than_a_booking_is_imported_and_the_planner_calls_it_bad_data(
    imported: Imported, db: AsyncSession
) -> None:
    limit = SETTINGS.max_booking_days
    [warning] = problems_of(imported[1], 77, c.DAYS_TO_COMPLETE)
    assert warning["severity"] == "warning" and warning["value"] == 160
    assert f"a booking may last at most {limit} days" in warning["reason"]
    request = await request_of_row(db, 77)
    assert (request.status, request.days) == ("open", 160)

    vehicle = await db.get(Vehicle, request.vehicle_id)
    assert vehicle is not None
    problem = planning.Problem.of(
        [
            planning.Request(
                id=request.id,
                vehicle=vehicle.label,
                test_type=request.test_type,
                drive_type=vehicle.drive_type,
                weight_class=vehicle.weight_class,
                days=request.days,
                earliest_start=request.earliest_start,
                desired_start=request.desired_start,
                facility=request.facility,
            )
        ],
        [planning.Dyno(d.id, d.name, d.facility) for d in await db.scalars(select(Dyno))],
        [
            planning.Rule(r.dyno_id, r.test_type, r.drive_type, r.weight_class)
            for r in await db.scalars(select(DynoRule))
        ],
        request.earliest_start,
        max_booking_days=limit,
    )
    assert screen(problem).unplaced[request.id].reason == "bad_data"

    # the request can be edited; its days only to a value within the limit
    edited = await update_request(db, IMPORTER, request.id, TestRequestUpdate(priority=3))
    assert (edited.priority, edited.days) == (3, 160)
    with pytest.raises(InvalidInput, match=f"at most {limit} days"):
        await update_request(db, IMPORTER, request.id, TestRequestUpdate(days=limit + 1))
    fixed = await update_request(db, IMPORTER, request.id, TestRequestUpdate(days=limit))
    assert fixed.days == limit


PLACEHOLDER_ROWS = {
    159: "26MY P702 FHEV 4X4 [JOB1]#1",
    165: "26MY P702 FHEV 4X2 [JOB2]#1",
    166: "26MY P702 FHEV 4X2 [JOB2]#2",
    167: "26MY P702 FHEV 4X2 [JOB2]#3",
    168: "26MY P702 FHEV 4X2 [JOB2]#4",
}


async def test_a_tag_that_describes_a_vehicle_is_a_placeholder_per_row(
    imported: Imported, db: AsyncSession
) -> None:
    for row, key in PLACEHOLDER_ROWS.items():
        [warning] = problems_of(imported[1], row, c.TAG)
        assert warning["severity"] == "warning" and f"placeholder {key}" in warning["reason"]
        request = await request_of_row(db, row)
        vehicle = await db.get(Vehicle, request.vehicle_id)
        assert vehicle is not None
        assert (vehicle.tag, vehicle.placeholder_key, vehicle.program) == (None, key, "P702")


async def test_a_long_tag_description_is_cut_so_its_placeholder_key_fits(db: AsyncSession) -> None:
    text = "26MY P702 FHEV 4x4 " + "[VERY LONG DESCRIPTION] " * 6

    def edit(sheet: Any, col: dict[str, int]) -> None:
        sheet.cell(159, col[c.TAG]).value = text
        sheet.cell(165, col[c.TAG]).value = text

    report = await run_import(db, edited_workbook(edit), dry_run=True)
    keys = [
        change["key"].split(" | ")[0] for change in report["changes"] if change["row"] in (159, 165)
    ]
    assert [k[-2:] for k in keys] == ["#1", "#2"] and {len(k) for k in keys} == {74}
    assert keys[0].startswith("26MY P702 FHEV 4X4 [VERY LONG DESCRIPTION]")


@pytest.mark.parametrize(("row", "other"), [(169, 7), (180, 31), (190, 78)])
async def test_a_running_row_on_a_dyno_another_running_row_holds_becomes_an_open_request(
    imported: Imported, db: AsyncSession, row: int, other: int
) -> None:
    [warning] = problems_of(imported[1], row, c.DYNO)
    assert warning["severity"] == "warning"
    assert (
        f"but row {other} holds that dyno then; imported as an open request" in (warning["reason"])
    )
    change = next(change for change in imported[1]["changes"] if change["row"] == row)
    assert (change["what"], change["action"]) == ("request", "create")
    request = await request_of_row(db, row)
    assert (request.status, request.allocation_id) == ("open", None)
