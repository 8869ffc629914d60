"""Offering freed days to the waitlist, and releasing holds that ran out.

Triggers (migration 0016) queue a `waitlist_wakeups` row in the transaction that frees days, so
the freeing change and its queue row commit or roll back together. `offer_freed` then runs in the
same transaction (the booking, move and maintenance functions call it), or later from the sweep:
a row is only deleted by the transaction that handled it, so a crash loses nothing.

An offer is an allocation in status `held`: the exclusion constraints treat it like a booking, so
a concurrent booking can never take the same days. The waiting entry is locked (`FOR UPDATE`) and
re-read before it is offered, so two transactions freeing days at once cannot both offer it.
Dynos and vehicles are claimed with the booking engine's advisory locks, but only by `try`: a
slot someone is booking right now is left to them, and the wakeup is kept for the next sweep.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.config import get_settings
from dyno_agent.db.errors import constraint_name, translate
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.availability import Need, Search
from dyno_agent.scheduling.models import Allocation, AllocationStatus, Vehicle
from dyno_agent.scheduling.windows import Window
from dyno_agent.waitlist.models import EntryStatus, WaitlistEntry, WaitlistWakeup

# The booking engine's advisory lock spaces (scheduling.booking): vehicle, then dyno.
_VEHICLE_LOCKS, _DYNO_LOCKS = 1, 2
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:space, :id)")
_RACES = {
    "ex_allocations_dyno_overlap",
    "ex_allocations_vehicle_overlap",
    "ex_dyno_occupancy_maintenance",
}
_CANDIDATES = 8  # free dynos tried per window before the next start day
_WAKEUP_BATCH = 500


class Outcome(enum.Enum):
    offered = "offered"
    no_fit = "no_fit"
    busy = "busy"  # a slot may fit but someone was booking it: try again later


@dataclass
class Swept:
    """What a sweep did: holds released, entries expired, offers made."""

    released: int = 0
    expired: int = 0
    offered: list[WaitlistEntry] = field(default_factory=list)


async def offer_freed(session: AsyncSession) -> list[WaitlistEntry]:
    """Offer the days freed in this transaction (and any left over from earlier ones) to the
    first waiting entries they fit, in line order."""
    query = (
        delete(WaitlistWakeup)
        .where(
            WaitlistWakeup.id.in_(
                select(WaitlistWakeup.id)
                .order_by(WaitlistWakeup.id)
                .limit(_WAKEUP_BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        .returning(
            WaitlistWakeup.source,
            WaitlistWakeup.dyno_id,
            WaitlistWakeup.vehicle_id,
            WaitlistWakeup.start_date,
            WaitlistWakeup.end_date,
        )
    )
    freed = list((await session.execute(query)).all())
    if not freed:
        return []
    overlaps = or_(
        *(
            and_(WaitlistEntry.earliest_start <= end, WaitlistEntry.latest_end >= start)
            for _, _, _, start, end in freed
        )
    )
    offered, busy = await _offer_in_line(session, overlaps)
    if busy:  # not lost: the sweep (or the next freeing change) tries these days again
        await session.execute(
            insert(WaitlistWakeup),
            [
                {"source": s, "dyno_id": d, "vehicle_id": v, "start_date": a, "end_date": b}
                for s, d, v, a, b in freed
            ],
        )
    return offered


async def offer_waiting(session: AsyncSession) -> list[WaitlistEntry]:
    """Try every waiting entry in line order (the sweep: also catches days freed by changes no
    trigger sees, such as a dyno's new rules or a longer availability window)."""
    offered, _ = await _offer_in_line(session, None)
    return offered


async def release_expired(session: AsyncSession) -> Swept:
    """Release the holds past their deadline and expire entries whose window has passed; then
    offer what that freed. Holds being changed by another transaction are left to it."""
    swept = Swept()
    expired_holds = select(Allocation).where(
        Allocation.status == AllocationStatus.held,
        Allocation.hold_expires_at <= func.now(),
    )
    for allocation in await session.scalars(expired_holds.with_for_update(skip_locked=True)):
        allocation.status = AllocationStatus.cancelled.value  # the entry becomes `expired`
        swept.released += 1
    await session.flush()
    today = clock.today()
    stale = (
        update(WaitlistEntry)
        .where(
            WaitlistEntry.status == EntryStatus.waiting,
            WaitlistEntry.latest_end - WaitlistEntry.days + 1 < today,
        )
        .values(status=EntryStatus.expired.value, updated_at=func.now())
    )
    swept.expired = (await session.execute(stale)).rowcount  # type: ignore[attr-defined]
    swept.offered = await offer_freed(session)
    return swept


async def _offer_in_line(session: AsyncSession, where: object) -> tuple[list[WaitlistEntry], bool]:
    query = select(WaitlistEntry.id).where(WaitlistEntry.status == EntryStatus.waiting)
    if where is not None:
        query = query.where(where)  # type: ignore[arg-type]
    ids = list(await session.scalars(query.order_by(WaitlistEntry.created_at, WaitlistEntry.id)))
    offered: list[WaitlistEntry] = []
    busy = False
    for entry_id in ids:
        entry, outcome = await offer_entry(session, entry_id)
        if outcome is Outcome.offered and entry is not None:
            offered.append(entry)
        busy = busy or outcome is Outcome.busy
    return offered, busy


async def offer_entry(session: AsyncSession, entry_id: int) -> tuple[WaitlistEntry | None, Outcome]:
    """Hold the best free slot for this entry if it is still waiting and one fits."""
    locked = select(WaitlistEntry).where(
        WaitlistEntry.id == entry_id, WaitlistEntry.status == EntryStatus.waiting
    )
    # Re-read after the lock: an entry another transaction just offered is no longer waiting.
    entry = await session.scalar(locked.with_for_update().execution_options(populate_existing=True))
    if entry is None:
        return None, Outcome.no_fit
    start = max(entry.earliest_start, clock.today())
    last_start = entry.latest_end - dt.timedelta(days=entry.days - 1)
    if start > last_start:
        return entry, Outcome.no_fit
    if not await session.scalar(_TRY_LOCK, {"space": _VEHICLE_LOCKS, "id": entry.vehicle_id}):
        return entry, Outcome.busy
    vehicle = await session.get(Vehicle, entry.vehicle_id)
    assert vehicle is not None
    need = Need.of(entry.test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    search = await Search.start(
        session, need, Window(start, entry.latest_end), vehicle_id=vehicle.id
    )
    busy = False
    first = Window(start, start + dt.timedelta(days=entry.days - 1))
    for shift in range((last_start - start).days + 1) if search.compatible else ():
        window = first.shifted(shift)
        if any(window.overlaps(b[1], b[2]) for b in search.vehicle_bookings):
            continue
        for dyno_id in search.best(search.free_mask(window), _CANDIDATES):
            if not await session.scalar(_TRY_LOCK, {"space": _DYNO_LOCKS, "id": dyno_id}):
                busy = True
                continue
            allocation_id = await _hold(session, entry, dyno_id, window)
            if allocation_id is None:
                busy = True
                continue
            entry.status = EntryStatus.offered.value
            entry.allocation_id = allocation_id
            await session.flush()
            return entry, Outcome.offered
    return entry, Outcome.busy if busy else Outcome.no_fit


async def _hold(
    session: AsyncSession, entry: WaitlistEntry, dyno_id: int, window: Window
) -> int | None:
    """Insert the held allocation; None when a concurrent change took the days first."""
    minutes = get_settings().waitlist_hold_minutes
    query = (
        insert(Allocation)
        .values(
            vehicle_id=entry.vehicle_id,
            dyno_id=dyno_id,
            test_type=entry.test_type,
            start_date=window.start,
            end_date=window.end,
            status=AllocationStatus.held.value,
            hold_expires_at=func.now() + func.make_interval(0, 0, 0, 0, 0, minutes),
            created_by=entry.created_by,
        )
        .returning(Allocation.id)
    )
    try:
        async with session.begin_nested():
            return (await session.execute(query)).scalar_one()
    except DBAPIError as exc:
        if constraint_name(exc) in _RACES:
            return None
        raise (translate(exc) or exc) from None
