"""Reading allocations: one, a filtered page, a vehicle's, a dyno's schedule, an audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.errors import AllocationNotFound, InvalidInput
from dyno_agent.scheduling import note_text
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationEvent,
    AllocationStatus,
    Dyno,
    MaintenanceWindow,
    Vehicle,
)


def _with_parts(query: Select) -> Select:
    return query.options(
        joinedload(Allocation.vehicle), joinedload(Allocation.dyno), joinedload(Allocation.creator)
    )


async def get_allocation(
    session: AsyncSession, allocation_id: int, *, for_update: bool = False
) -> Allocation:
    query = _with_parts(select(Allocation).where(Allocation.id == allocation_id))
    if for_update:
        query = query.with_for_update(of=Allocation)
    allocation = await session.scalar(query)
    if allocation is None:
        raise AllocationNotFound(
            f"Allocation {allocation_id} does not exist.", allocation_id=allocation_id
        )
    return allocation


@dataclass(frozen=True)
class AllocationFilter:
    status: AllocationStatus | None = None
    dyno_id: int | None = None
    vehicle_id: int | None = None
    vin: str | None = None
    tag: str | None = None
    test_type: str | None = None
    created_by: int | None = None
    facility: str | None = None  # the dyno's facility, ignoring case
    start_date: dt.date | None = None  # allocations ending on or after this day
    end_date: dt.date | None = None  # allocations starting on or before this day
    q: str | None = None  # in the note or the reference, ignoring case (see notes.matches)

    def apply(self, query: Select) -> Select:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise InvalidInput("end_date is before start_date.", field="end_date")
        if self.status:
            query = query.where(Allocation.status == self.status)
        if self.dyno_id is not None:
            query = query.where(Allocation.dyno_id == self.dyno_id)
        if self.vehicle_id is not None:
            query = query.where(Allocation.vehicle_id == self.vehicle_id)
        if self.vin:
            query = query.where(
                Allocation.vehicle_id.in_(select(Vehicle.id).where(Vehicle.vin == self.vin))
            )
        if self.tag:
            query = query.where(
                Allocation.vehicle_id.in_(select(Vehicle.id).where(Vehicle.tag == self.tag))
            )
        if self.test_type:
            query = query.where(Allocation.test_type == self.test_type)
        if self.created_by is not None:
            query = query.where(Allocation.created_by == self.created_by)
        if self.facility:
            in_facility = select(Dyno.id).where(func.lower(Dyno.facility) == self.facility.lower())
            query = query.where(Allocation.dyno_id.in_(in_facility))
        if self.start_date:
            query = query.where(Allocation.end_date >= self.start_date)
        if self.end_date:
            query = query.where(Allocation.start_date <= self.end_date)
        if self.q:
            query = query.where(note_text.matches(self.q))
        return query


async def list_allocations(
    session: AsyncSession, filters: AllocationFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[Allocation], int]:
    total = await count_allocations(session, filters)
    query = _with_parts(filters.apply(select(Allocation))).order_by(
        Allocation.start_date, Allocation.id
    )
    rows = await session.scalars(query.limit(limit).offset(offset))
    return list(rows), total


async def count_allocations(session: AsyncSession, filters: AllocationFilter) -> int:
    base = filters.apply(select(Allocation))
    return await session.scalar(select(func.count()).select_from(base.subquery())) or 0


async def referencing_ids(
    session: AsyncSession, *, vehicle_id: int | None = None, dyno_id: int | None = None
) -> list[int]:
    """Ids of all allocations (any status) of a vehicle or a dyno: what blocks deleting it."""
    query = select(Allocation.id).order_by(Allocation.id)
    if vehicle_id is not None:
        query = query.where(Allocation.vehicle_id == vehicle_id)
    if dyno_id is not None:
        query = query.where(Allocation.dyno_id == dyno_id)
    return list(await session.scalars(query))


async def vehicle_allocations(session: AsyncSession, vehicle_id: int) -> list[Allocation]:
    query = _with_parts(select(Allocation).where(Allocation.vehicle_id == vehicle_id))
    return list(await session.scalars(query.order_by(Allocation.start_date, Allocation.id)))


@dataclass
class DynoSchedule:
    dyno: Dyno
    start_date: dt.date
    end_date: dt.date
    allocations: list[Allocation]
    maintenance: list[MaintenanceWindow]


async def dyno_schedule(
    session: AsyncSession, dyno: Dyno, start_date: dt.date, end_date: dt.date
) -> DynoSchedule:
    """A dyno's non-cancelled bookings and maintenance overlapping the date range."""
    if end_date < start_date:
        raise InvalidInput("end_date is before start_date.", field="end_date")
    bookings = await session.scalars(
        _with_parts(
            select(Allocation).where(
                Allocation.dyno_id == dyno.id,
                Allocation.status != AllocationStatus.cancelled,
                Allocation.start_date <= end_date,
                Allocation.end_date >= start_date,
            )
        ).order_by(Allocation.start_date)
    )
    maintenance = await session.scalars(
        select(MaintenanceWindow)
        .where(
            MaintenanceWindow.dyno_id == dyno.id,
            MaintenanceWindow.start_date <= end_date,
            MaintenanceWindow.end_date >= start_date,
        )
        .order_by(MaintenanceWindow.start_date)
    )
    return DynoSchedule(dyno, start_date, end_date, list(bookings), list(maintenance))


async def allocation_history(session: AsyncSession, allocation_id: int) -> list[AllocationEvent]:
    await get_allocation(session, allocation_id)
    rows = await session.scalars(
        select(AllocationEvent)
        .where(AllocationEvent.allocation_id == allocation_id)
        .order_by(AllocationEvent.id)
    )
    return list(rows)
