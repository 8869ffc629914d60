"""Freed days go to the first waiting request that fits, held so nobody else takes them, until
its owner accepts or the hold runs out and the next in line gets them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent import errors
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling import booking, maintenance, reports
from dyno_agent.scheduling.models import Allocation, AllocationEvent, Dyno, Vehicle
from dyno_agent.waitlist import service
from dyno_agent.waitlist.models import WaitlistEntry, WaitlistWakeup
from dyno_agent.waitlist.sweeper import sweep_once
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_user, make_vehicle

DAY = dt.timedelta(days=1)
MAR10 = TODAY + 8 * DAY


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), channel=Channel.api)


async def join(
    session: AsyncSession, user: User, vehicle: Vehicle, start: dt.date, end: dt.date, days: int
) -> WaitlistEntry:
    return await service.join(
        session,
        actor_of(user),
        vehicle_id=vehicle.id,
        test_type="brake",
        start_date=start,
        latest_end=end,
        days_to_complete=days,
    )


async def held(session: AsyncSession) -> list[Allocation]:
    query = select(Allocation).where(Allocation.status == "held").order_by(Allocation.id)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


@pytest.fixture
async def lab(session: AsyncSession) -> tuple[Dyno, User, User]:
    """One brake dyno, a power user who cancels and an engineer who waits."""
    return (
        await make_dyno(session, "Brake 1"),
        await make_user(session, Role.power_user),
        await make_user(session),
    )


async def test_a_cancellation_offers_the_days_to_the_first_entry_that_fits_not_an_earlier_one(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    first_booking = await make_allocation(
        session, await make_vehicle(session), dyno, MAR10, MAR10 + 4 * DAY
    )
    await make_allocation(
        session, await make_vehicle(session), dyno, MAR10 + 5 * DAY, MAR10 + 9 * DAY
    )
    too_long = await join(session, engineer, await make_vehicle(session), MAR10, MAR10 + 5 * DAY, 6)
    fits = await join(session, engineer, await make_vehicle(session), MAR10, MAR10 + 5 * DAY, 3)
    assert (too_long.status, fits.status) == ("waiting", "waiting")

    await booking.cancel_allocation(session, actor_of(manager), first_booking.id)

    await session.refresh(too_long)
    await session.refresh(fits)
    assert too_long.status == "waiting"
    assert fits.status == "offered"
    [offer] = await held(session)
    assert offer.id == fits.allocation_id
    assert (offer.dyno_id, offer.start_date, offer.end_date) == (dyno.id, MAR10, MAR10 + 2 * DAY)
    assert offer.created_by == engineer.id and offer.hold_expires_at is not None
    event = await session.scalar(
        select(AllocationEvent).where(
            AllocationEvent.allocation_id == offer.id, AllocationEvent.action == "insert"
        )
    )
    assert event is not None and event.after is not None and event.after["status"] == "held"
    assert await session.scalar(select(func.count()).select_from(WaitlistWakeup)) == 0


async def test_the_held_slot_blocks_other_bookings_even_by_direct_sql(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    await booking.cancel_allocation(session, actor_of(manager), taken.id)
    assert len(await held(session)) == 1

    with pytest.raises(errors.NoCapacity):
        await booking.auto_allocate(
            session,
            actor_of(manager),
            vehicle_id=(await make_vehicle(session)).id,
            test_type="brake",
            start_date=MAR10,
            days_to_complete=1,
        )
    with pytest.raises(IntegrityError, match="ex_allocations_dyno_overlap"):
        async with session.begin_nested():
            await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)


async def test_accepting_books_the_held_slot(session: AsyncSession, lab: tuple[Dyno, User, User]):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    entry = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    await booking.cancel_allocation(session, actor_of(manager), taken.id)

    accepted = await service.accept(session, actor_of(engineer), entry.id)

    assert accepted.status == "booked"
    assert accepted.allocation is not None and accepted.allocation.status == "scheduled"
    assert accepted.allocation.hold_expires_at is None
    with pytest.raises(errors.NotOnWaitlist):
        await service.decline(session, actor_of(engineer), entry.id)


async def test_an_expired_hold_passes_the_slot_to_the_next_entry_in_line(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    first = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    second = await join(session, manager, await make_vehicle(session), MAR10, MAR10, 1)
    await booking.cancel_allocation(session, actor_of(manager), taken.id)
    await session.refresh(first)
    first_offer = first.allocation_id
    await session.execute(
        update(Allocation)
        .where(Allocation.id == first_offer)
        .values(hold_expires_at=func.now() - text("interval '1 minute'"))
    )

    with pytest.raises(errors.HoldExpired):
        await service.accept(session, actor_of(engineer), first.id)
    mine = await service.list_entries(session, actor_of(manager))  # reading releases lazily

    assert [e.id for e in mine] == [second.id]
    assert mine[0].status == "offered" and mine[0].allocation is not None
    assert (mine[0].allocation.dyno_id, mine[0].allocation.start_date) == (dyno.id, MAR10)
    await session.refresh(first)
    assert first.status == "expired"
    assert (await session.get(Allocation, first_offer, populate_existing=True)).status == (  # type: ignore[union-attr]
        "cancelled"
    )


async def test_declining_offers_the_slot_to_the_next_entry(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    first = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    second = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    await booking.cancel_allocation(session, actor_of(manager), taken.id)

    declined = await service.decline(session, actor_of(engineer), first.id)

    assert declined.status == "withdrawn"
    await session.refresh(second)
    assert second.status == "offered"
    assert [a.id for a in await held(session)] == [second.allocation_id]


async def test_removing_a_maintenance_window_offers_its_days(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, _, engineer = lab
    window = await make_maintenance(session, dyno, MAR10, MAR10 + 2 * DAY)
    entry = await join(session, engineer, await make_vehicle(session), MAR10, MAR10 + 2 * DAY, 2)
    assert entry.status == "waiting"

    await maintenance.delete_maintenance(session, window.id)

    await session.refresh(entry)
    assert entry.status == "offered"


async def test_a_rolled_back_cancellation_offers_nothing(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    entry = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)

    with pytest.raises(RuntimeError):
        async with session.begin_nested():
            await booking.cancel_allocation(session, actor_of(manager), taken.id)
            assert len(await held(session)) == 1
            raise RuntimeError("the request failed after the cancellation")

    await session.refresh(entry)
    assert entry.status == "waiting" and entry.allocation_id is None
    assert await held(session) == []
    assert await session.scalar(select(func.count()).select_from(WaitlistWakeup)) == 0


async def test_days_freed_without_the_domain_are_queued_and_offered_by_the_sweep(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, _, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    entry = await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    await session.execute(
        update(Allocation).where(Allocation.id == taken.id).values(status="cancelled")
    )
    assert await session.scalar(select(func.count()).select_from(WaitlistWakeup)) == 1

    swept = await service.sweep(session)

    assert [e.id for e in swept.offered] == [entry.id]
    assert await session.scalar(select(func.count()).select_from(WaitlistWakeup)) == 0


async def test_concurrent_cancellations_offer_one_entry_only_once(committed: AsyncEngine):
    factory = make_session_factory(committed)
    async with factory() as setup, setup.begin():
        user = await make_user(setup)
        one, two = [await make_dyno(setup, f"Brake {n}") for n in (1, 2)]
        # Full from the 10th to the 12th; the two cancelled days do not overlap, so only the
        # entry's lock (not the vehicle's exclusion constraint) can stop a second offer.
        bookings = []
        for dyno, day, rest in (
            (one, MAR10, (MAR10 + DAY, MAR10 + 2 * DAY)),
            (two, MAR10 + 2 * DAY, (MAR10, MAR10 + DAY)),
        ):
            vehicle = await make_vehicle(setup)
            bookings.append((await make_allocation(setup, vehicle, dyno, day, day)).id)
            await make_allocation(setup, await make_vehicle(setup), dyno, *rest)
        entry = await join(setup, user, await make_vehicle(setup), MAR10, MAR10 + 2 * DAY, 1)
        assert entry.status == "waiting"
    actor = Actor.system(Channel.api)

    first = factory()
    await first.begin()
    await booking.cancel_allocation(first, actor, bookings[0])  # offers the entry, uncommitted

    async def cancel_second() -> None:
        async with factory() as second, second.begin():
            await booking.cancel_allocation(second, actor, bookings[1])

    racing = asyncio.create_task(cancel_second())  # waits for the entry's row lock
    await asyncio.sleep(0.2)
    await first.commit()
    await first.close()
    await asyncio.wait_for(racing, timeout=30)

    async with factory() as check:
        offers = (
            await check.execute(
                select(Allocation.id, Allocation.dyno_id).where(Allocation.status == "held")
            )
        ).all()
        stored = await check.get(WaitlistEntry, entry.id)
    assert len(offers) == 1
    assert stored is not None and stored.status == "offered"
    assert stored.allocation_id == offers[0].id


async def test_a_held_slot_is_not_counted_as_booked_work(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
    await join(session, engineer, await make_vehicle(session), MAR10, MAR10, 1)
    await booking.cancel_allocation(session, actor_of(manager), taken.id)
    assert len(await held(session)) == 1

    [row] = await reports.utilization(session, MAR10, MAR10)
    assert row.booked_days == 0


async def test_the_servers_sweep_releases_an_expired_hold_to_the_next_in_line(
    committed: AsyncEngine,
):
    factory = make_session_factory(committed)
    async with factory() as setup, setup.begin():
        dyno = await make_dyno(setup, "Brake 1")
        user = await make_user(setup)
        taken = await make_allocation(setup, await make_vehicle(setup), dyno, MAR10, MAR10)
        first = await join(setup, user, await make_vehicle(setup), MAR10, MAR10, 1)
        second = await join(setup, user, await make_vehicle(setup), MAR10, MAR10, 1)
        await booking.cancel_allocation(setup, Actor.system(Channel.api), taken.id)
        await setup.execute(
            update(Allocation)
            .where(Allocation.status == "held")
            .values(hold_expires_at=func.now() - text("interval '1 minute'"))
        )

    await sweep_once(factory)

    async with factory() as check:
        statuses = dict((await check.execute(select(WaitlistEntry.id, WaitlistEntry.status))).all())
        events = await check.scalar(
            select(func.count())
            .select_from(AllocationEvent)
            .where(
                AllocationEvent.channel == "api", AllocationEvent.actor_label == "waitlist sweep"
            )
        )
    assert statuses == {first.id: "expired", second.id: "offered"}
    assert events == 2  # the expired hold released, the next one held


async def test_shortening_a_booking_offers_the_days_it_gave_back_but_not_to_a_busy_vehicle(
    session: AsyncSession, lab: tuple[Dyno, User, User]
):
    dyno, manager, engineer = lab
    long = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10 + 3 * DAY)
    busy_vehicle = await make_vehicle(session)
    other_dyno = await make_dyno(session, "Brake 2", rules=[("emissions", "any", "any")])
    await make_allocation(
        session, busy_vehicle, other_dyno, MAR10 + 3 * DAY, MAR10 + 3 * DAY, test_type="emissions"
    )
    vehicle_busy = await join(session, engineer, busy_vehicle, MAR10 + 2 * DAY, MAR10 + 3 * DAY, 2)
    fits = await join(
        session, engineer, await make_vehicle(session), MAR10 + 2 * DAY, MAR10 + 3 * DAY, 2
    )

    await booking.reschedule_allocation(session, actor_of(manager), long.id, extend_days=-2)

    await session.refresh(vehicle_busy)
    await session.refresh(fits)
    assert (vehicle_busy.status, fits.status) == ("waiting", "offered")
