"""The outbox is written by the database in the transaction of the change: one message per
recipient and channel, with the kind of change, and nothing for a transaction rolled back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.auth.models import User
from dyno_agent.auth.roles import Role
from dyno_agent.notifications.models import OutboxMessage, Subscription
from dyno_agent.scheduling.models import Allocation
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle

D = dt.date(2026, 3, 9)


async def _messages(session: AsyncSession, allocation_id: int) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.allocation_id == allocation_id)
            .order_by(OutboxMessage.id)
        )
    )


async def _change(session: AsyncSession, allocation: Allocation, **values: object) -> None:
    await session.execute(update(Allocation).where(Allocation.id == allocation.id).values(**values))
    await session.flush()


async def test_each_kind_of_change_writes_its_kind_for_the_owner(session: AsyncSession):
    owner = await make_user(session)
    dyno, other = await make_dyno(session), await make_dyno(session)
    booking = await make_allocation(
        session, await make_vehicle(session), dyno, D, D + dt.timedelta(days=2), created_by=owner
    )
    await _change(session, booking, start_date=D + dt.timedelta(days=1))
    await _change(session, booking, dyno_id=other.id)
    await _change(session, booking, notes="just a note")  # not worth a message
    await _change(session, booking, status="delayed")
    await _change(session, booking, status="scheduled")  # back from delayed, same days
    await _change(session, booking, status="running", start_date=D)
    await _change(session, booking, status="completed")

    messages = await _messages(session, booking.id)
    assert [m.kind for m in messages] == [
        "made",
        "moved",
        "moved",
        "delayed",
        "status_changed",
        "started",
        "completed",
    ]
    assert {(m.channel, m.target, m.user_id) for m in messages} == {
        ("email", owner.email, owner.id)
    }
    moved = messages[2].payload
    assert moved["booking"]["dyno"] == other.name
    assert moved["previous"]["dyno"] == dyno.name


async def test_cancelling_and_deleting_write_cancelled(session: AsyncSession):
    owner = await make_user(session)
    dyno, vehicle = await make_dyno(session), await make_vehicle(session)
    first = await make_allocation(session, vehicle, dyno, D, D, created_by=owner)
    second = await make_allocation(
        session, vehicle, dyno, D + dt.timedelta(days=3), D + dt.timedelta(days=3), created_by=owner
    )
    await _change(session, first, status="cancelled")
    await session.execute(text("DELETE FROM allocations WHERE id = :id"), {"id": second.id})

    assert [m.kind for m in await _messages(session, first.id)] == ["made", "cancelled"]
    assert [m.kind for m in await _messages(session, second.id)] == ["made", "cancelled"]


async def test_subscribers_of_dyno_facility_vehicle_and_all_are_told_once_each(
    session: AsyncSession,
):
    owner, fan, hook_user, stranger = [await make_user(session) for _ in range(4)]
    dyno = await make_dyno(session, facility="AEL")
    elsewhere = await make_dyno(session, facility="MPG")
    vehicle = await make_vehicle(session)
    session.add_all(
        [
            Subscription(user_id=fan.id, scope="dyno", dyno_id=dyno.id),
            Subscription(user_id=fan.id, scope="facility", facility="AEL"),  # same e-mail: once
            Subscription(user_id=owner.id, scope="vehicle", vehicle_id=vehicle.id),
            Subscription(
                user_id=hook_user.id,
                scope="all",
                email=False,
                webhook_url="https://example.test/h",
                webhook_secret="s",
            ),
            Subscription(user_id=stranger.id, scope="dyno", dyno_id=elsewhere.id),
        ]
    )
    await session.flush()
    booking = await make_allocation(session, vehicle, dyno, D, D, created_by=owner)

    got = {(m.channel, m.user_id) for m in await _messages(session, booking.id)}
    assert got == {("email", owner.id), ("email", fan.id), ("webhook", hook_user.id)}
    assert len(await _messages(session, booking.id)) == 3

    # Moving it to the other dyno tells the subscribers of both dynos.
    await _change(session, booking, dyno_id=elsewhere.id)
    moved = [m for m in await _messages(session, booking.id) if m.kind == "moved"]
    assert {m.user_id for m in moved} == {owner.id, fan.id, hook_user.id, stranger.id}


async def test_a_rolled_back_change_leaves_no_message(engine: AsyncEngine, committed: AsyncEngine):
    async with AsyncSession(engine, expire_on_commit=False) as session:
        owner = await make_user(session)
        dyno, vehicle = await make_dyno(session), await make_vehicle(session)
        await session.commit()
        booking = await make_allocation(session, vehicle, dyno, D, D, created_by=owner)
        booking_id = booking.id
        assert len(await _messages(session, booking_id)) == 1  # written with the change...
        await session.rollback()
    async with AsyncSession(engine) as session:
        assert await _messages(session, booking_id) == []  # ...and gone with it
        assert await session.scalar(select(OutboxMessage.id).limit(1)) is None


async def _held(session: AsyncSession, owner_id: int, dyno_id: int, day: dt.date) -> Allocation:
    """A waitlist offer as the waitlist inserts it: a `held` slot with an expiry."""
    vehicle = await make_vehicle(session)
    allocation = Allocation(
        vehicle_id=vehicle.id,
        dyno_id=dyno_id,
        test_type="brake",
        start_date=day,
        end_date=day,
        status="held",
        hold_expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        created_by=owner_id,
    )
    session.add(allocation)
    await session.flush()
    return allocation


async def test_approvals_and_waitlist_offers_have_their_own_kinds(session: AsyncSession):
    owner = await make_user(session)
    manager = await make_user(session, role=Role.power_user)
    await session.execute(  # only this test's users, whatever earlier tests left
        update(User).where(User.id.not_in([owner.id, manager.id])).values(is_active=False)
    )
    dyno = await make_dyno(session)
    approved = await make_allocation(
        session, await make_vehicle(session), dyno, D, D, status="requested", created_by=owner
    )
    rejected = await make_allocation(
        session,
        await make_vehicle(session),
        dyno,
        D + dt.timedelta(days=1),
        D + dt.timedelta(days=1),
        status="requested",
        created_by=owner,
    )
    await _change(session, approved, status="scheduled", approval="approved")
    await _change(
        session, rejected, status="cancelled", approval="rejected", approval_reason="calibration"
    )
    accepted = await _held(session, owner.id, dyno.id, D + dt.timedelta(days=5))
    ended = await _held(session, owner.id, dyno.id, D + dt.timedelta(days=6))
    await _change(session, accepted, status="scheduled")
    await _change(session, ended, status="cancelled")

    assert [m.kind for m in await _messages(session, approved.id)] == [
        "requested",
        "requested",
        "approved",
    ]
    approvers = {m.user_id for m in await _messages(session, approved.id) if m.kind == "requested"}
    assert approvers == {owner.id, manager.id}  # the requester, and whoever may decide
    assert [m.kind for m in await _messages(session, rejected.id)] == [
        "requested",
        "requested",
        "rejected",
    ]
    assert [m.kind for m in await _messages(session, accepted.id)] == ["offered", "made"]
    assert [m.kind for m in await _messages(session, ended.id)] == ["offered", "offer_ended"]
