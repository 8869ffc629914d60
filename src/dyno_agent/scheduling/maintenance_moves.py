"""Maintenance over booked days, moving the bookings in the way: previewed, then applied at once.

The bookings of the dyno that share a day with the new window are taken off it, the window is
written, and each booking (earliest first) goes to its best free slot: the same days on the best
free compatible dyno, else the earliest later start a compatible dyno is free for its length
(`booking.reschedule_allocation` does each move, so every rule of a move holds). All of it runs in
one savepoint: a preview rolls it back and returns what would happen; an apply keeps it. If one
booking cannot be moved (running, or no slot within the search horizon) nothing is done.

Each moved booking's audit trail shows it taken off the dyno, then placed, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.errors import Conflict, DomainError, DynoNotFound, NoCapacity, VehicleBusy
from dyno_agent.scheduling import audit, booking, clock
from dyno_agent.scheduling.availability import Need, availability_for
from dyno_agent.scheduling.maintenance import add_maintenance, booking_text, conflicting_allocations
from dyno_agent.scheduling.models import Allocation, Dyno, MaintenanceWindow
from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate, check_dates
from dyno_agent.scheduling.windows import booking_window

_MAX_ATTEMPTS = 20  # later starts tried per booking when its vehicle is busy at the free slot


@dataclass(frozen=True)
class BookingMove:
    allocation_id: int
    vehicle: str
    test_type: str
    from_dyno: str
    from_start: dt.date
    from_end: dt.date
    to_dyno: str
    to_start: dt.date
    to_end: dt.date


@dataclass
class MaintenanceMoves:
    dyno: Dyno
    start_date: dt.date
    end_date: dt.date
    reason: str | None
    moves: list[BookingMove]
    applied: bool
    window: MaintenanceWindow | None = None  # the window written (apply only)


async def add_maintenance_moving_bookings(
    session: AsyncSession,
    actor: Actor,
    dyno_id: int,
    data: MaintenanceCreate,
    *,
    apply: bool,
    expect: list[BookingMove] | None = None,
) -> MaintenanceMoves:
    """Add the maintenance window, moving the dyno's bookings on those days to their best free
    slots; with `apply=False` only say what would be moved where (nothing is written). With
    `expect` (the moves a preview showed), nothing is done unless the moves are exactly those."""
    dyno = await session.get(Dyno, dyno_id)
    if dyno is None:
        raise DynoNotFound(f"No dyno with id {dyno_id}.", dyno_id=dyno_id)
    check_dates(data.start_date, data.end_date)
    result = MaintenanceMoves(dyno, data.start_date, data.end_date, data.reason, [], apply)
    nested = await session.begin_nested()
    try:
        bookings = await conflicting_allocations(session, dyno_id, data.start_date, data.end_date)
        for allocation in bookings:
            booking.ensure_can_modify(actor, allocation)
            booking.ensure_movable(allocation)
        before = {a.id: (a.start_date, a.end_date) for a in bookings}
        await audit.stamp(session, actor)
        for allocation in bookings:
            allocation.dyno_id = None  # off this dyno, so the window can be written
        await session.flush()
        window = await add_maintenance(session, dyno_id, data)
        for allocation in bookings:
            moved = await _move_to_best_slot(session, actor, allocation)
            start, end = before[allocation.id]
            result.moves.append(
                BookingMove(
                    allocation.id,
                    allocation.vehicle.label,
                    allocation.test_type,
                    dyno.name,
                    start,
                    end,
                    moved.dyno.name if moved.dyno else "",
                    moved.start_date,
                    moved.end_date,
                )
            )
        if expect is not None and result.moves != expect:
            raise Conflict(
                "The bookings changed since the preview; nothing was moved. Preview again.",
                expected=len(expect),
                found=len(result.moves),
            )
    except BaseException:
        await nested.rollback()
        raise
    if apply:
        await nested.commit()
        result.window = window
    else:
        await nested.rollback()
    return result


async def _move_to_best_slot(
    session: AsyncSession, actor: Actor, allocation: Allocation
) -> Allocation:
    vehicle = allocation.vehicle
    need = Need.of(allocation.test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    days, start = allocation.days, max(allocation.start_date, clock.today())
    for _ in range(_MAX_ATTEMPTS):
        window = booking_window(start, days=days)
        found = await availability_for(session, need, window, ignore_allocation=allocation.id)
        if found.free:
            target = found.free[0]
        elif found.earliest_start is not None and found.earliest_dyno is not None:
            target, start = found.earliest_dyno, found.earliest_start
        else:
            raise _unmovable(allocation, found.explain())
        try:
            return await booking.reschedule_allocation(
                session, actor, allocation.id, start, days, dyno=target.id
            )
        except VehicleBusy as busy:  # the vehicle is booked then: try after that booking
            clash_id = busy.details.get("allocation_id")
            clash = await session.get(Allocation, clash_id) if clash_id else None
            if clash is None:
                raise _unmovable(allocation, busy.message) from busy
            start = clash.end_date + dt.timedelta(days=1)
        except DomainError as refused:
            raise _unmovable(allocation, refused.message) from refused
    raise _unmovable(allocation, "no free slot was found.")


def _unmovable(allocation: Allocation, why: str) -> NoCapacity:
    return NoCapacity(
        f"Booking {booking_text(allocation)} cannot be moved: {why}", allocation_id=allocation.id
    )
