"""Cancel, reschedule and status changes: permissions, transitions, atomic moves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent import errors
from dyno_agent.auth.models import User
from dyno_agent.scheduling import booking, clock
from dyno_agent.scheduling.models import Allocation, AllocationEvent, Dyno
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle
from tests.scheduling.conftest import actor_of

MONDAY = TODAY + dt.timedelta(days=7)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


async def own_booking(session: AsyncSession, owner: User, status: str = "scheduled") -> Allocation:
    dyno = await make_dyno(session)
    vehicle = await make_vehicle(session)
    return await make_allocation(
        session, vehicle, dyno, MONDAY, day(2), status=status, created_by=owner
    )


async def dyno_of(session: AsyncSession, allocation: Allocation) -> Dyno:
    dyno = await session.get(Dyno, allocation.dyno_id)
    assert dyno is not None
    return dyno


class TestCancel:
    async def test_owner_cancels_and_the_days_are_free_again(
        self, session: AsyncSession, engineer: User
    ):
        allocation = await own_booking(session, engineer)
        cancelled = await booking.cancel_allocation(session, actor_of(engineer), allocation.id)
        assert cancelled.status == "cancelled"
        again = await booking.book_on_dyno(
            session,
            actor_of(engineer),
            dyno=allocation.dyno_id,
            vehicle_id=allocation.vehicle_id,
            test_type="brake",
            start_date=MONDAY,
            end_date=day(2),
        )
        assert again.id != allocation.id

    async def test_a_user_cannot_cancel_someone_elses_booking(
        self, session: AsyncSession, engineer: User, manager: User
    ):
        allocation = await own_booking(session, manager)
        with pytest.raises(errors.PermissionDenied):
            await booking.cancel_allocation(session, actor_of(engineer), allocation.id)
        await session.refresh(allocation)
        assert allocation.status == "scheduled"

    async def test_a_power_user_can_cancel_any_booking(
        self, session: AsyncSession, engineer: User, manager: User
    ):
        allocation = await own_booking(session, engineer)
        cancelled = await booking.cancel_allocation(session, actor_of(manager), allocation.id)
        assert cancelled.status == "cancelled"

    @pytest.mark.parametrize("status", ["completed", "cancelled"])
    async def test_final_states_cannot_be_cancelled(
        self, session: AsyncSession, manager: User, status: str
    ):
        allocation = await own_booking(session, manager, status=status)
        with pytest.raises(errors.InvalidTransition) as refused:
            await booking.cancel_allocation(session, actor_of(manager), allocation.id)
        assert refused.value.details["allowed"] == []

    async def test_unknown_allocation_is_not_found(self, session: AsyncSession, manager: User):
        with pytest.raises(errors.AllocationNotFound):
            await booking.cancel_allocation(session, actor_of(manager), 987_654)


class TestStatus:
    async def test_the_lifecycle_runs_scheduled_running_completed(
        self, session: AsyncSession, engineer: User, monkeypatch: pytest.MonkeyPatch
    ):
        allocation = await own_booking(session, engineer)
        monkeypatch.setattr(clock, "today", lambda: MONDAY)  # a test runs from its start date
        actor = actor_of(engineer)
        for status in ("delayed", "scheduled", "running", "completed"):
            await booking.change_status(session, actor, allocation.id, status)
            assert allocation.status == status
        events = await session.scalars(
            select(AllocationEvent.after["status"].astext)
            .where(AllocationEvent.allocation_id == allocation.id)
            .order_by(AllocationEvent.id)
        )
        assert list(events) == ["scheduled", "delayed", "scheduled", "running", "completed"]

    @pytest.mark.parametrize(
        ("start", "target"),
        [("scheduled", "completed"), ("running", "scheduled"), ("completed", "running")],
    )
    async def test_skipping_or_reversing_steps_is_refused(
        self, session: AsyncSession, manager: User, start: str, target: str
    ):
        allocation = await own_booking(session, manager, status=start)
        with pytest.raises(errors.InvalidTransition):
            await booking.change_status(session, actor_of(manager), allocation.id, target)

    async def test_an_unplaced_request_cannot_start(self, session: AsyncSession, manager: User):
        vehicle = await make_vehicle(session)
        allocation = await make_allocation(session, vehicle, None, MONDAY, day(1))
        with pytest.raises(errors.InvalidTransition):
            await booking.change_status(session, actor_of(manager), allocation.id, "running")


class TestReschedule:
    async def test_stays_on_the_same_dyno_when_it_is_free(
        self, session: AsyncSession, engineer: User
    ):
        allocation = await own_booking(session, engineer)
        await make_dyno(session, "Another")
        dyno_id = allocation.dyno_id
        moved = await booking.reschedule_allocation(
            session, actor_of(engineer), allocation.id, day(1), days_to_complete=4
        )
        assert (moved.dyno_id, moved.start_date, moved.end_date) == (dyno_id, day(1), day(4))

    async def test_moves_to_another_dyno_when_its_own_is_busy(
        self, session: AsyncSession, engineer: User
    ):
        allocation = await own_booking(session, engineer)
        await make_allocation(
            session,
            await make_vehicle(session),
            await dyno_of(session, allocation),
            day(10),
            day(12),
        )
        other = await make_dyno(session, "Other")
        moved = await booking.reschedule_allocation(
            session, actor_of(engineer), allocation.id, day(10)
        )
        assert moved.dyno_id == other.id
        assert (moved.start_date, moved.end_date) == (day(10), day(12))

    async def test_a_refused_move_changes_nothing(self, session: AsyncSession, engineer: User):
        allocation = await own_booking(session, engineer)
        await make_maintenance(session, await dyno_of(session, allocation), day(10), day(20))
        with pytest.raises(errors.NoCapacity):
            await booking.reschedule_allocation(session, actor_of(engineer), allocation.id, day(11))
        await session.refresh(allocation)
        assert (allocation.start_date, allocation.end_date) == (MONDAY, day(2))

    async def test_a_delayed_booking_becomes_scheduled_when_moved(
        self, session: AsyncSession, engineer: User
    ):
        allocation = await own_booking(session, engineer, status="delayed")
        moved = await booking.reschedule_allocation(
            session, actor_of(engineer), allocation.id, day(3)
        )
        assert moved.status == "scheduled"

    async def test_a_running_test_cannot_be_moved(self, session: AsyncSession, manager: User):
        allocation = await own_booking(session, manager, status="running")
        with pytest.raises(errors.InvalidTransition):
            await booking.reschedule_allocation(session, actor_of(manager), allocation.id, day(5))

    async def test_a_user_cannot_move_someone_elses_booking(
        self, session: AsyncSession, engineer: User, manager: User
    ):
        allocation = await own_booking(session, manager)
        with pytest.raises(errors.PermissionDenied):
            await booking.reschedule_allocation(session, actor_of(engineer), allocation.id, day(5))

    async def test_moving_into_the_past_is_invalid(self, session: AsyncSession, engineer: User):
        allocation = await own_booking(session, engineer)
        with pytest.raises(errors.InvalidInput):
            await booking.reschedule_allocation(
                session, actor_of(engineer), allocation.id, TODAY - dt.timedelta(days=3)
            )
