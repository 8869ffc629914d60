"""The waitlist's use cases: join, list, withdraw, accept or decline an offer, sweep.

An entry's status follows its offer's allocation through a trigger (migration 0016): accepting
(held -> scheduled) books it, declining (held -> cancelled) withdraws it, a hold that runs out
expires it. Each release frees the days, and the next entry in line is offered them in the same
transaction. Reads release what has expired first (lazily), so nobody sees a stale offer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.audit import stamp as audit_stamp
from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.errors import (
    HoldExpired,
    InvalidInput,
    NotCompatible,
    NotOnWaitlist,
    PermissionDenied,
    WaitlistEntryNotFound,
)
from dyno_agent.scheduling import vehicles
from dyno_agent.scheduling.availability import Need, Search
from dyno_agent.scheduling.models import Allocation, AllocationStatus
from dyno_agent.scheduling.windows import Window, booking_window
from dyno_agent.waitlist import offers
from dyno_agent.waitlist.models import EntryStatus, WaitlistEntry

OPEN = (EntryStatus.waiting, EntryStatus.offered)


async def join(
    session: AsyncSession,
    actor: Actor,
    *,
    test_type: str,
    start_date: dt.date,
    days_to_complete: int,
    latest_end: dt.date | None = None,
    vehicle_id: int | None = None,
    vin: str | None = None,
    tag: str | None = None,
) -> WaitlistEntry:
    """Put the vehicle's test in line for `days_to_complete` days between `start_date` and
    `latest_end` (default: exactly those days). If a slot is free already, it is offered now."""
    vehicle = await vehicles.resolve_vehicle(session, vehicle_id=vehicle_id, vin=vin, tag=tag)
    need = Need.of(test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    first = booking_window(start_date, days=days_to_complete)
    end = latest_end or first.end
    if end < first.end:
        raise InvalidInput(
            f"A window ending {end} leaves no room for {days_to_complete} day(s) from "
            f"{start_date}; it must end on {first.end} or later.",
            field="latest_end",
        )
    booking_window(start_date, end_date=end)  # the same limits as a booking
    search = await Search.start(session, need, Window(first.start, end))
    if not search.compatible:
        raise NotCompatible(
            f"No dyno is compatible with {need.describe()}; waiting would not help.",
            test_type=need.test_type,
            drive_type=need.drive_type,
            weight_class=need.weight_class,
        )
    duplicate = await session.scalar(
        select(WaitlistEntry.id).where(
            WaitlistEntry.vehicle_id == vehicle.id,
            WaitlistEntry.test_type == need.test_type,
            WaitlistEntry.status.in_(OPEN),
            WaitlistEntry.earliest_start <= end,
            WaitlistEntry.latest_end >= first.start,
        )
    )
    if duplicate is not None:
        raise NotOnWaitlist(
            f"Vehicle {vehicle.label} is already on the waitlist for {need.test_type} in these "
            f"days (entry {duplicate}).",
            entry_id=duplicate,
        )
    await audit_stamp.stamp(session, actor)
    entry = WaitlistEntry(
        vehicle_id=vehicle.id,
        test_type=need.test_type,
        earliest_start=first.start,
        latest_end=end,
        days=days_to_complete,
        status=EntryStatus.waiting.value,
        created_by=actor.user_id,
    )
    session.add(entry)
    await session.flush()
    await offers.offer_entry(session, entry.id)
    return await get_entry(session, actor, entry.id)


async def list_entries(
    session: AsyncSession,
    actor: Actor,
    *,
    everyone: bool = False,
    open_only: bool = True,
) -> list[WaitlistEntry]:
    """The actor's entries (everyone's for power users who ask), in line order."""
    await offers.release_expired(session)
    query = _loaded(select(WaitlistEntry))
    if not (everyone and actor.has_role(Role.power_user)):
        query = query.where(WaitlistEntry.created_by == actor.user_id)
    if open_only:
        query = query.where(WaitlistEntry.status.in_(OPEN))
    query = query.order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    return list((await session.scalars(query)).unique())


async def get_entry(session: AsyncSession, actor: Actor, entry_id: int) -> WaitlistEntry:
    query = _loaded(select(WaitlistEntry).where(WaitlistEntry.id == entry_id))
    entry = (await session.scalars(query.execution_options(populate_existing=True))).first()
    if entry is None or not _may_see(actor, entry):
        raise WaitlistEntryNotFound(f"Waitlist entry {entry_id} not found.", entry_id=entry_id)
    return entry


async def withdraw(session: AsyncSession, actor: Actor, entry_id: int) -> WaitlistEntry:
    """Leave the line; an offer still held is released to the next entry."""
    entry = await _owned(session, actor, entry_id)
    if entry.status == EntryStatus.offered:
        await _release(session, actor, entry)
    elif entry.status == EntryStatus.waiting:
        await audit_stamp.stamp(session, actor)
        entry.status = EntryStatus.withdrawn.value
        await session.flush()
    else:
        raise _closed(entry, "withdrawn")
    return await get_entry(session, actor, entry_id)


async def accept(session: AsyncSession, actor: Actor, entry_id: int) -> WaitlistEntry:
    """Book the held slot (held -> scheduled) before its hold runs out."""
    entry = await _owned(session, actor, entry_id)
    allocation = await _offer_of(session, entry, "accepted")
    if allocation.hold_expires_at is None or allocation.hold_expires_at <= await _now(session):
        raise HoldExpired(
            f"The offer for waitlist entry {entry_id} expired at {allocation.hold_expires_at}; "
            "the slot goes to the next in line.",
            entry_id=entry_id,
            allocation_id=allocation.id,
        )
    await audit_stamp.stamp(session, actor)
    allocation.status = AllocationStatus.scheduled.value  # the entry becomes `booked`
    allocation.hold_expires_at = None
    await session.flush()
    return await get_entry(session, actor, entry_id)


async def decline(session: AsyncSession, actor: Actor, entry_id: int) -> WaitlistEntry:
    """Turn the offer down: the slot goes to the next in line and the entry is withdrawn."""
    entry = await _owned(session, actor, entry_id)
    await _offer_of(session, entry, "declined")
    await _release(session, actor, entry)
    return await get_entry(session, actor, entry_id)


async def sweep(session: AsyncSession) -> offers.Swept:
    """Release expired holds, expire entries whose window passed, offer every freed slot and
    then try every waiting entry (for the CLI and the server's periodic task)."""
    swept = await offers.release_expired(session)
    swept.offered += await offers.offer_waiting(session)
    return swept


async def _release(session: AsyncSession, actor: Actor, entry: WaitlistEntry) -> None:
    await audit_stamp.stamp(session, actor)
    allocation = await session.get(Allocation, entry.allocation_id, with_for_update=True)
    assert allocation is not None
    allocation.status = AllocationStatus.cancelled.value  # the entry becomes `withdrawn`
    await session.flush()
    await offers.offer_freed(session)


async def _owned(session: AsyncSession, actor: Actor, entry_id: int) -> WaitlistEntry:
    entry = await session.scalar(
        select(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if entry is None or not _may_see(actor, entry):
        raise WaitlistEntryNotFound(f"Waitlist entry {entry_id} not found.", entry_id=entry_id)
    if entry.created_by != actor.user_id and not actor.has_role(Role.power_user):
        raise PermissionDenied(
            f"Waitlist entry {entry_id} belongs to someone else.", entry_id=entry_id
        )
    return entry


async def _offer_of(session: AsyncSession, entry: WaitlistEntry, verb: str) -> Allocation:
    if entry.status != EntryStatus.offered or entry.allocation_id is None:
        raise _closed(entry, verb)
    allocation = await session.get(
        Allocation, entry.allocation_id, with_for_update=True, populate_existing=True
    )
    assert allocation is not None
    return allocation


def _closed(entry: WaitlistEntry, verb: str) -> NotOnWaitlist:
    has = "has no offer" if entry.status == EntryStatus.waiting else f"is {entry.status}"
    return NotOnWaitlist(
        f"Waitlist entry {entry.id} {has}; it cannot be {verb}.",
        entry_id=entry.id,
        status=entry.status,
    )


def _may_see(actor: Actor, entry: WaitlistEntry) -> bool:
    return entry.created_by == actor.user_id or actor.has_role(Role.power_user)


def _loaded(query: Select[Any]) -> Select[Any]:
    return query.options(
        joinedload(WaitlistEntry.vehicle),
        joinedload(WaitlistEntry.allocation).joinedload(Allocation.dyno),
    )


async def _now(session: AsyncSession) -> dt.datetime:
    return (await session.execute(select(func.now()))).scalar_one()
