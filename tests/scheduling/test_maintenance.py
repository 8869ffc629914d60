"""Maintenance windows: never on a booked day (checked here, guaranteed by PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.db.errors import constraint_name, translate
from dyno_agent.errors import (
    DynoNotFound,
    InvalidInput,
    MaintenanceConflict,
    MaintenanceNotFound,
)
from dyno_agent.scheduling import maintenance
from dyno_agent.scheduling.models import Dyno, MaintenanceWindow
from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate, MaintenanceUpdate
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


def window(start: int, end: int, reason: str | None = "service") -> MaintenanceCreate:
    return MaintenanceCreate(start_date=d(start), end_date=d(end), reason=reason)


async def window_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(MaintenanceWindow)) or 0


@pytest.fixture
async def dyno(session: AsyncSession) -> Dyno:
    return await make_dyno(session, "MPG 1")


@pytest.fixture
async def booked(session: AsyncSession, dyno: Dyno) -> int:
    """A booking of `dyno` from the 10th to the 12th; returns its id."""
    allocation = await make_allocation(session, await make_vehicle(session), dyno, d(10), d(12))
    return allocation.id


# Adding -------------------------------------------------------------------------------------------
async def test_add_a_window(session: AsyncSession, dyno: Dyno):
    added = await maintenance.add_maintenance(session, dyno.id, window(3, 5, "calibration"))
    assert (added.dyno_id, added.start_date, added.end_date) == (dyno.id, d(3), d(5))
    assert added.reason == "calibration" and added.created_at is not None
    assert await window_count(session) == 1


async def test_windows_may_overlap_each_other_and_touch_bookings(
    session: AsyncSession, dyno: Dyno, booked: int
):
    await maintenance.add_maintenance(session, dyno.id, window(1, 9))
    await maintenance.add_maintenance(session, dyno.id, window(5, 9))
    await maintenance.add_maintenance(session, dyno.id, window(13, 13))
    assert await window_count(session) == 3


def test_end_before_start_is_refused_by_the_schema():
    with pytest.raises(ValidationError):
        window(5, 4)
    with pytest.raises(ValidationError):
        MaintenanceUpdate(start_date=d(5), end_date=d(4))
    with pytest.raises(ValidationError):
        MaintenanceUpdate(start_date=None)
    with pytest.raises(ValidationError):
        MaintenanceCreate(start_date=d(5), end_date=d(6), extra="x")


async def test_add_to_an_unknown_dyno(session: AsyncSession, dyno: Dyno):
    with pytest.raises(DynoNotFound):
        await maintenance.add_maintenance(session, dyno.id + 1000, window(3, 5))


async def test_a_window_over_a_booking_is_refused_and_nothing_is_written(
    session: AsyncSession, dyno: Dyno, booked: int
):
    with pytest.raises(MaintenanceConflict) as caught:
        await maintenance.add_maintenance(session, dyno.id, window(8, 10))
    assert caught.value.details["allocation_ids"] == [booked]
    assert caught.value.details["dyno_id"] == dyno.id
    assert str(booked) in caught.value.message
    assert await window_count(session) == 0


async def test_cancelled_bookings_and_other_dynos_do_not_block(session: AsyncSession, dyno: Dyno):
    other = await make_dyno(session, "MPG 2")
    await make_allocation(session, await make_vehicle(session), other, d(10), d(12))
    await make_allocation(
        session, await make_vehicle(session), dyno, d(10), d(12), status="cancelled"
    )
    await maintenance.add_maintenance(session, dyno.id, window(10, 12))
    assert await window_count(session) == 1


async def test_the_database_refuses_a_direct_insert_over_a_booking(
    session: AsyncSession, dyno: Dyno, booked: int
):
    with pytest.raises(IntegrityError) as caught:
        async with session.begin_nested():
            await session.execute(
                text(
                    "INSERT INTO maintenance_windows (dyno_id, start_date, end_date) "
                    "VALUES (:dyno, :start, :end)"
                ),
                {"dyno": dyno.id, "start": d(12), "end": d(14)},
            )
    assert constraint_name(caught.value) == "ex_dyno_occupancy_maintenance"
    assert isinstance(translate(caught.value), MaintenanceConflict)
    assert await window_count(session) == 0


@pytest.mark.parametrize("write", ["add", "update"])
async def test_a_booking_the_check_missed_is_still_refused_with_its_id(
    session: AsyncSession, dyno: Dyno, booked: int, monkeypatch: pytest.MonkeyPatch, write: str
):
    """As if the booking committed between the check and the write: the database decides."""
    existing = await make_maintenance(session, dyno, d(1), d(2))
    real = maintenance.conflicting_allocations
    calls: list[int] = []

    async def misses_once(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return [] if len(calls) == 1 else await real(*args)

    monkeypatch.setattr(maintenance, "conflicting_allocations", misses_once)
    with pytest.raises(MaintenanceConflict) as caught:
        if write == "add":
            await maintenance.add_maintenance(session, dyno.id, window(11, 11))
        else:
            await maintenance.update_maintenance(
                session, existing.id, MaintenanceUpdate(end_date=d(11))
            )
    assert caught.value.details["allocation_ids"] == [booked]
    # nothing written, and the session is still usable
    rows = await session.execute(select(MaintenanceWindow.start_date, MaintenanceWindow.end_date))
    assert list(rows) == [(d(1), d(2))]


# Listing ------------------------------------------------------------------------------------------
async def test_list_by_dyno_and_overlapping_days(session: AsyncSession, dyno: Dyno):
    other = await make_dyno(session, "MPG 2")
    early = await make_maintenance(session, dyno, d(1), d(3))
    late = await make_maintenance(session, dyno, d(20), d(22))
    elsewhere = await make_maintenance(session, other, d(2), d(2))

    def ids(rows: list[MaintenanceWindow]) -> list[int]:
        return [w.id for w in rows]

    assert ids(await maintenance.list_maintenance(session)) == [early.id, elsewhere.id, late.id]
    assert ids(await maintenance.list_maintenance(session, dyno_id=dyno.id)) == [early.id, late.id]
    assert ids(await maintenance.list_maintenance(session, start_date=d(3))) == [early.id, late.id]
    assert ids(await maintenance.list_maintenance(session, end_date=d(2))) == [
        early.id,
        elsewhere.id,
    ]
    between = await maintenance.list_maintenance(session, start_date=d(4), end_date=d(20))
    assert ids(between) == [late.id]
    assert await maintenance.list_maintenance(session, start_date=d(4), end_date=d(19)) == []


async def test_list_errors(session: AsyncSession, dyno: Dyno):
    with pytest.raises(DynoNotFound):
        await maintenance.list_maintenance(session, dyno_id=dyno.id + 1000)
    with pytest.raises(InvalidInput):
        await maintenance.list_maintenance(session, start_date=d(5), end_date=d(4))


# Updating and deleting ----------------------------------------------------------------------------
async def test_update_moves_a_window(session: AsyncSession, dyno: Dyno, booked: int):
    existing = await make_maintenance(session, dyno, d(1), d(3))
    moved = await maintenance.update_maintenance(
        session, existing.id, MaintenanceUpdate(end_date=d(9), reason="longer")
    )
    assert (moved.start_date, moved.end_date, moved.reason) == (d(1), d(9), "longer")


async def test_update_into_a_booking_is_refused_and_the_window_stays(
    session: AsyncSession, dyno: Dyno, booked: int
):
    existing = await make_maintenance(session, dyno, d(1), d(3))
    with pytest.raises(MaintenanceConflict) as caught:
        await maintenance.update_maintenance(
            session, existing.id, MaintenanceUpdate(end_date=d(10))
        )
    assert caught.value.details["allocation_ids"] == [booked]
    stored = await session.scalar(
        select(MaintenanceWindow.end_date).where(MaintenanceWindow.id == existing.id)
    )
    assert stored == d(3)


async def test_update_errors(session: AsyncSession, dyno: Dyno):
    existing = await make_maintenance(session, dyno, d(5), d(6))
    with pytest.raises(InvalidInput):  # before the stored start
        await maintenance.update_maintenance(session, existing.id, MaintenanceUpdate(end_date=d(4)))
    with pytest.raises(MaintenanceNotFound) as caught:
        await maintenance.update_maintenance(session, existing.id + 1000, MaintenanceUpdate())
    assert caught.value.details == {"maintenance_id": existing.id + 1000}


async def test_delete_a_window(session: AsyncSession, dyno: Dyno):
    existing = await make_maintenance(session, dyno, d(5), d(6))
    await maintenance.delete_maintenance(session, existing.id)
    assert await window_count(session) == 0
    with pytest.raises(MaintenanceNotFound):
        await maintenance.delete_maintenance(session, existing.id)
