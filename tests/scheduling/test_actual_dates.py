"""A test runs from its start date; running and completing record the actual days; slip."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent import errors
from dyno_agent.auth.models import User
from dyno_agent.scheduling import booking, clock, slip
from dyno_agent.scheduling.models import Allocation
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle
from tests.scheduling.conftest import actor_of

START = TODAY + dt.timedelta(days=10)


def set_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


async def future_booking(session: AsyncSession, owner: User) -> Allocation:
    dyno = await make_dyno(session, "MPG 7")
    vehicle = await make_vehicle(session)
    end = START + dt.timedelta(days=2)
    return await make_allocation(session, vehicle, dyno, START, end, created_by=owner)


async def test_a_booking_cannot_run_before_its_start_date_and_the_refusal_says_when(
    session: AsyncSession, manager: User
):
    allocation = await future_booking(session, manager)
    with pytest.raises(errors.InvalidTransition) as refused:
        await booking.change_status(session, actor_of(manager), allocation.id, "running")
    assert f"starts on {START}" in refused.value.message
    assert refused.value.details["can_start_on"] == START.isoformat()
    assert (allocation.status, allocation.actual_start_date) == ("scheduled", None)


async def test_running_and_completing_record_the_actual_days(
    session: AsyncSession, manager: User, monkeypatch: pytest.MonkeyPatch
):
    allocation = await future_booking(session, manager)
    started, finished = START + dt.timedelta(days=1), START + dt.timedelta(days=4)
    set_today(monkeypatch, started)
    await booking.change_status(session, actor_of(manager), allocation.id, "running")
    set_today(monkeypatch, finished)
    await booking.change_status(session, actor_of(manager), allocation.id, "completed")
    await session.refresh(allocation)
    assert (allocation.actual_start_date, allocation.actual_end_date) == (started, finished)
    assert (allocation.start_date, allocation.end_date) == (START, START + dt.timedelta(days=2))


async def test_a_test_cannot_complete_before_the_day_it_started(
    session: AsyncSession, manager: User, monkeypatch: pytest.MonkeyPatch
):
    allocation = await future_booking(session, manager)
    set_today(monkeypatch, START + dt.timedelta(days=1))
    await booking.change_status(session, actor_of(manager), allocation.id, "running")
    set_today(monkeypatch, START)
    with pytest.raises(errors.InvalidTransition):
        await booking.change_status(session, actor_of(manager), allocation.id, "completed")
    assert allocation.actual_end_date is None


async def test_the_slip_report_compares_planned_and_actual_days(
    session: AsyncSession, manager: User, monkeypatch: pytest.MonkeyPatch
):
    late = await future_booking(session, manager)
    on_time = await make_allocation(
        session, await make_vehicle(session), await make_dyno(session), START, START
    )
    never_started = await make_allocation(
        session, await make_vehicle(session), await make_dyno(session), START, START
    )
    actor = actor_of(manager)
    set_today(monkeypatch, START)
    await booking.change_status(session, actor, on_time.id, "running")
    await booking.change_status(session, actor, on_time.id, "completed")
    set_today(monkeypatch, START + dt.timedelta(days=2))
    await booking.change_status(session, actor, late.id, "running")
    set_today(monkeypatch, START + dt.timedelta(days=5))
    await booking.change_status(session, actor, late.id, "completed")

    report = await slip.slip_report(session)
    assert report.end_date == START + dt.timedelta(days=5)
    rows = {r.allocation.id: (r.start_slip_days, r.end_slip_days) for r in report.rows}
    assert rows == {on_time.id: (0, 0), late.id: (2, 3)}
    assert never_started.id not in rows
    assert (report.started_late, report.finished_late) == (1, 1)
    assert (report.mean_start_slip_days, report.mean_end_slip_days) == (1.0, 1.5)


async def test_the_slip_range_runs_28_days_from_a_start_given_alone(session: AsyncSession):
    report = await slip.slip_report(session, START)
    assert (report.start_date, report.end_date) == (START, START + dt.timedelta(days=27))
