"""Booking a series: all or nothing, per-occurrence backup, one preferred dyno, previews, and
cancelling or moving it as a whole or one occurrence at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.errors import PermissionDenied, SeriesConflicts
from dyno_agent.scheduling.models import Allocation
from dyno_agent.series import service
from dyno_agent.series.models import BookingSeries
from dyno_agent.series.schemas import SeriesCreate
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_user, make_vehicle

WEEK = dt.timedelta(weeks=1)


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), channel=Channel.api)


@pytest.fixture
async def engineer(session: AsyncSession) -> User:
    return await make_user(session, Role.user)


def weekly(vehicle_id: int, **extra: object) -> SeriesCreate:
    body = {"vehicle_id": vehicle_id, "test_type": "brake", "pattern": "every monday for 4 weeks"}
    return SeriesCreate.model_validate(body | extra)


async def allocations(session: AsyncSession) -> list[Allocation]:
    query = select(Allocation).order_by(Allocation.start_date, Allocation.id)
    return list(await session.scalars(query))


async def test_all_or_nothing_with_one_occurrence_blocked_books_nothing(session, engineer):
    dyno = await make_dyno(session, "Brake 1")
    vehicle, other = await make_vehicle(session), await make_vehicle(session)
    await make_allocation(session, other, dyno, TODAY + 2 * WEEK, TODAY + 2 * WEEK)

    with pytest.raises(SeriesConflicts) as refused:
        await service.book_series(session, actor_of(engineer), weekly(vehicle.id))

    assert [o["start_date"] for o in refused.value.details["occurrences"]] == [
        (TODAY + 2 * WEEK).isoformat()
    ]
    assert refused.value.details["occurrences"][0]["reason"] == "no_capacity"
    assert "nothing was booked" in refused.value.message
    assert [a.vehicle_id for a in await allocations(session)] == [other.id]
    assert await session.scalar(select(func.count()).select_from(BookingSeries)) == 0


async def test_backup_mode_shifts_or_skips_a_blocked_occurrence_and_books_the_rest(
    session, engineer
):
    dyno = await make_dyno(session, "Brake 1")
    vehicle, other = await make_vehicle(session), await make_vehicle(session)
    await make_allocation(session, other, dyno, TODAY + WEEK, TODAY + WEEK)  # shift: next day
    await make_maintenance(session, dyno, TODAY + 2 * WEEK, TODAY + 2 * WEEK + dt.timedelta(3))

    result = await service.book_series(
        session, actor_of(engineer), weekly(vehicle.id, mode="backup", max_shift_days=1)
    )

    assert [o.shift_days for o in result.occurrences] == [0, 1, 0, 0]
    assert [o.problem["reason"] if o.problem else None for o in result.occurrences] == [
        None, None, "no_capacity", None
    ]  # fmt: skip
    mine = [a for a in await allocations(session) if a.vehicle_id == vehicle.id]
    assert [a.start_date for a in mine] == [TODAY, TODAY + WEEK + dt.timedelta(1), TODAY + 3 * WEEK]
    assert {a.series_id for a in mine} == {result.series.id}
    assert result.booked == 3 and result.skipped == 1


async def test_a_series_prefers_the_dyno_free_for_most_occurrences(session, engineer):
    busy = await make_dyno(session, "Brake 1")
    steady = await make_dyno(session, "Brake 2")
    await make_allocation(session, await make_vehicle(session), busy, TODAY + WEEK, TODAY + WEEK)
    vehicle = await make_vehicle(session)

    result = await service.book_series(session, actor_of(engineer), weekly(vehicle.id))

    assert result.dyno_name == steady.name
    assert {o.dyno_id for o in result.occurrences} == {steady.id}


async def test_a_preview_books_nothing_and_says_what_would_be_booked(session, engineer):
    await make_dyno(session, "Brake 1")
    vehicle = await make_vehicle(session)

    result = await service.book_series(
        session, actor_of(engineer), weekly(vehicle.id), preview=True
    )

    assert result.series is None and result.booked == 4
    assert [o.start_date for o in result.occurrences] == [TODAY + i * WEEK for i in range(4)]
    assert await allocations(session) == []


async def test_cancelling_a_series_leaves_running_completed_and_past_occurrences(
    session, engineer, monkeypatch
):
    await make_dyno(session, "Brake 1")
    vehicle = await make_vehicle(session)
    actor = actor_of(engineer)
    result = await service.book_series(session, actor, weekly(vehicle.id, start_date=TODAY + WEEK))
    first, second, third, fourth = await allocations(session)
    first.status, first.actual_start_date = "running", first.start_date
    await session.flush()
    first.status = "completed"
    second.status = "running"
    await session.flush()
    later = TODAY + 2 * WEEK  # the second started, the third is still to come
    monkeypatch.setattr("dyno_agent.scheduling.clock.today", lambda: later)

    change = await service.cancel_series(session, actor, result.series.id)

    assert [c.allocation_id for c in change.changed] == [third.id, fourth.id]
    await session.refresh(first)
    statuses = [a.status for a in await allocations(session)]
    assert statuses == ["completed", "running", "cancelled", "cancelled"]
    series = await service.get_series(session, result.series.id)
    assert series.status == "cancelled"


async def test_cancelling_one_occurrence_keeps_it_in_the_series_and_the_rest_booked(
    session, engineer
):
    await make_dyno(session, "Brake 1")
    vehicle = await make_vehicle(session)
    actor = actor_of(engineer)
    result = await service.book_series(session, actor, weekly(vehicle.id))
    target = result.occurrences[1].allocation_id

    await service.cancel_series(session, actor, result.series.id, allocation_id=target)

    occurrences = await service.series_allocations(session, result.series.id)
    assert [a.status for a in occurrences] == ["scheduled", "cancelled", "scheduled", "scheduled"]


async def test_moving_a_series_moves_every_open_occurrence_or_none(session, engineer):
    dyno = await make_dyno(session, "Brake 1")
    vehicle, other = await make_vehicle(session), await make_vehicle(session)
    actor = actor_of(engineer)
    result = await service.book_series(session, actor, weekly(vehicle.id, days_to_complete=2))

    change = await service.move_series(session, actor, result.series.id, 1)
    assert [a.start_date for a in await allocations(session)] == [
        TODAY + dt.timedelta(1) + i * WEEK for i in range(4)
    ]
    assert [c.new_start_date for c in change.changed] == [
        TODAY + dt.timedelta(1) + i * WEEK for i in range(4)
    ]

    await make_allocation(
        session, other, dyno, TODAY + 3 * WEEK + dt.timedelta(3), TODAY + 3 * WEEK + dt.timedelta(3)
    )
    with pytest.raises(SeriesConflicts) as refused:
        await service.move_series(session, actor, result.series.id, 1)
    assert [p["start_date"] for p in refused.value.details["occurrences"]] == [
        (TODAY + 3 * WEEK + dt.timedelta(1)).isoformat()
    ]
    mine = [a for a in await allocations(session) if a.vehicle_id == vehicle.id]
    assert [a.start_date for a in mine] == [TODAY + dt.timedelta(1) + i * WEEK for i in range(4)]


async def test_another_user_cannot_cancel_someone_elses_series(session, engineer):
    await make_dyno(session, "Brake 1")
    vehicle = await make_vehicle(session)
    result = await service.book_series(session, actor_of(engineer), weekly(vehicle.id))
    stranger = actor_of(await make_user(session, Role.user))

    with pytest.raises(PermissionDenied):
        await service.cancel_series(session, stranger, result.series.id)
