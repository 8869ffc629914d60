"""Export, then import the export: nothing changes (the issue's round trip), for the xlsx and the
csv, also after the schedule has moved on (a request booked, a booking made outside the import)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.forecast.export import schedule_rows
from dyno_agent.forecast.writer import to_csv, to_xlsx
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.models import Allocation, Vehicle
from tests.forecast.conftest import IMPORTER, run_import


async def _export_then_import(db: AsyncSession, kind: str) -> dict[str, Any]:
    rows = await schedule_rows(db)
    if kind == "xlsx":
        return await run_import(db, to_xlsx(rows), "export.xlsx")
    return await run_import(db, to_csv(rows).encode(), "export.csv")


def _nothing_changed(report: dict[str, Any]) -> None:
    assert report["invalid"] == 0, report["problems"][:3]
    assert report["created"] == {"vehicles": 0, "requests": 0, "allocations": 0}
    assert all(n == 0 for n in report["updated"].values()), report["updated"]
    assert {change["action"] for change in report["changes"]} <= {"unchanged", "skip"}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
async def test_an_export_imported_again_changes_nothing(db: AsyncSession, kind: str) -> None:
    before = await db.scalar(select(func.count()).select_from(TestRequest))
    _nothing_changed(await _export_then_import(db, kind))
    assert await db.scalar(select(func.count()).select_from(TestRequest)) == before


async def test_the_round_trip_holds_after_bookings_made_since_the_import(
    db: AsyncSession,
) -> None:
    request = await db.scalar(
        select(TestRequest)
        .where(TestRequest.status == RequestStatus.open.value, TestRequest.days <= 30)
        .order_by(TestRequest.id)
        .limit(1)
    )
    assert request is not None
    vehicle = await db.get(Vehicle, request.vehicle_id)
    assert vehicle is not None
    start = dt.date(2031, 1, 6)  # far from every imported booking
    result = await booking.auto_allocate(
        db,
        IMPORTER,
        test_type=request.test_type,
        start_date=start,
        days_to_complete=request.days,
        vehicle_id=vehicle.id,
        backup=True,
        max_backup_days=30,
    )
    request.status, request.allocation_id = RequestStatus.booked.value, result.allocation.id
    await db.flush()
    allocations = await db.scalar(select(func.count()).select_from(Allocation))

    _nothing_changed(await _export_then_import(db, "xlsx"))
    assert await db.scalar(select(func.count()).select_from(Allocation)) == allocations
