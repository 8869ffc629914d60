"""Maintenance windows: days a dyno cannot be booked.

A window may not share a day with a non-cancelled allocation on its dyno. PostgreSQL guarantees that
(`ex_dyno_occupancy_maintenance`); the check here comes first only to name the bookings in the way.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.db.errors import savepoint
from dyno_agent.errors import DynoNotFound, MaintenanceConflict, MaintenanceNotFound
from dyno_agent.scheduling.models import Allocation, AllocationStatus, Dyno, MaintenanceWindow
from dyno_agent.scheduling.schemas.maintenance import (
    MaintenanceCreate,
    MaintenanceUpdate,
    check_dates,
)
from dyno_agent.waitlist import offers as waitlist_offers


async def conflicting_allocations(
    session: AsyncSession, dyno_id: int, start: dt.date, end: dt.date
) -> list[Allocation]:
    """The dyno's non-cancelled bookings sharing a day with `start`..`end`, with their vehicle."""
    rows = await session.scalars(
        select(Allocation)
        .options(joinedload(Allocation.vehicle))
        .where(
            Allocation.dyno_id == dyno_id,
            Allocation.status != AllocationStatus.cancelled.value,
            Allocation.start_date <= end,
            Allocation.end_date >= start,
        )
        .order_by(Allocation.start_date, Allocation.id)
    )
    return list(rows)


def booking_text(allocation: Allocation) -> str:
    """`#12 vehicle 312W028 (brake) 2026-03-10 to 2026-03-12`."""
    return (
        f"#{allocation.id} vehicle {allocation.vehicle.label} ({allocation.test_type}) "
        f"{allocation.start_date} to {allocation.end_date}"
    )


async def _conflict(
    session: AsyncSession, dyno_id: int, start: dt.date, end: dt.date, bookings: list[Allocation]
) -> MaintenanceConflict:
    dyno = await session.get_one(Dyno, dyno_id)
    which = "; ".join(booking_text(a) for a in bookings) or "a concurrent booking"
    return MaintenanceConflict(
        f"{dyno.name} is booked on some days from {start} to {end}: {which}. Move or cancel "
        "them first, or let them be moved to their best free slots (preview, then apply).",
        dyno=dyno.name,
        dyno_id=dyno_id,
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        allocation_ids=[a.id for a in bookings],
        bookings=[
            {
                "allocation_id": a.id,
                "vehicle": a.vehicle.label,
                "test_type": a.test_type,
                "start_date": a.start_date.isoformat(),
                "end_date": a.end_date.isoformat(),
                "status": a.status,
            }
            for a in bookings
        ],
    )


async def _write(session: AsyncSession, window: MaintenanceWindow, changes: dict) -> None:
    """Apply `changes` to `window` (new or existing) in a savepoint, refusing booked days."""
    dyno_id = window.dyno_id  # read now: a rolled-back savepoint expires the window
    start = changes.get("start_date", window.start_date)
    end = changes.get("end_date", window.end_date)
    bookings = await conflicting_allocations(session, dyno_id, start, end)
    if bookings:
        raise await _conflict(session, dyno_id, start, end, bookings)
    try:
        async with savepoint(session):
            for field, value in changes.items():
                setattr(window, field, value)
            session.add(window)
    except MaintenanceConflict:  # a booking committed since the check above
        bookings = await conflicting_allocations(session, dyno_id, start, end)
        raise await _conflict(session, dyno_id, start, end, bookings) from None


async def add_maintenance(
    session: AsyncSession, dyno_id: int, data: MaintenanceCreate
) -> MaintenanceWindow:
    if await session.get(Dyno, dyno_id) is None:
        raise DynoNotFound(f"No dyno with id {dyno_id}.", dyno_id=dyno_id)
    check_dates(data.start_date, data.end_date)
    window = MaintenanceWindow(dyno_id=dyno_id)
    await _write(session, window, data.model_dump())
    return window


async def get_maintenance(session: AsyncSession, window_id: int) -> MaintenanceWindow:
    window = await session.get(MaintenanceWindow, window_id)
    if window is None:
        raise MaintenanceNotFound(
            f"No maintenance window with id {window_id}.", maintenance_id=window_id
        )
    return window


async def list_maintenance(
    session: AsyncSession,
    *,
    dyno_id: int | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> list[MaintenanceWindow]:
    """Windows that share a day with `start_date`..`end_date` (either end open), by start."""
    check_dates(start_date, end_date)
    query = select(MaintenanceWindow).order_by(
        MaintenanceWindow.start_date, MaintenanceWindow.dyno_id, MaintenanceWindow.id
    )
    if dyno_id is not None:
        if await session.get(Dyno, dyno_id) is None:
            raise DynoNotFound(f"No dyno with id {dyno_id}.", dyno_id=dyno_id)
        query = query.where(MaintenanceWindow.dyno_id == dyno_id)
    if start_date is not None:
        query = query.where(MaintenanceWindow.end_date >= start_date)
    if end_date is not None:
        query = query.where(MaintenanceWindow.start_date <= end_date)
    return list(await session.scalars(query))


async def update_maintenance(
    session: AsyncSession, window_id: int, data: MaintenanceUpdate
) -> MaintenanceWindow:
    window = await get_maintenance(session, window_id)
    changes = data.model_dump(exclude_unset=True)
    check_dates(
        changes.get("start_date", window.start_date), changes.get("end_date", window.end_date)
    )
    await _write(session, window, changes)
    await waitlist_offers.offer_freed(session)  # days a shorter window gave back
    return window


async def delete_maintenance(session: AsyncSession, window_id: int) -> None:
    window = await get_maintenance(session, window_id)
    async with savepoint(session):
        await session.delete(window)
    await waitlist_offers.offer_freed(session)
