"""Plans in the domain: a preview books nothing; a commit books every assignment through the
booking engine in one go, or nothing at all and says what no longer fits."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role
from dyno_agent.config import Settings
from dyno_agent.errors import InvalidInput, PermissionDenied, PlanCommitted, PlanConflicts
from dyno_agent.planning import service, solver
from dyno_agent.planning.loader import PlanScope
from dyno_agent.planning.problem import Problem
from dyno_agent.planning.result import Plan
from dyno_agent.planning.service import PlanOptions
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import Allocation
from tests.conftest import TODAY
from tests.factories import make_allocation, make_maintenance, make_user, make_vehicle
from tests.planning.plans_data import day, make_request, overlaps, small_lab

FAST = PlanOptions(horizon_days=60, time_limit_s=2)


@pytest.fixture
def planner_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"planner_time_limit_s": 5.0})


async def _actor(session: AsyncSession, role: Role) -> Actor:
    user = await make_user(session, role)
    return Actor(user.id, role, Channel.api)


async def _allocations(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Allocation)) or 0


async def test_a_preview_places_every_request_and_books_nothing(
    session: AsyncSession, planner_settings: Settings
):
    lab = await small_lab(session)
    engineer = await _actor(session, Role.user)
    details = await service.create_plan(
        session, engineer, PlanScope(), FAST, planner_settings, TODAY
    )
    plan = details.plan
    assert plan.status == "preview" and plan.created_by == engineer.user_id
    assert plan.summary["placed"] == 3 and plan.summary["unplaced"] == 0
    assert plan.summary["total_lateness_days"] == 0
    assert plan.summary["solver_status"] in {"OPTIMAL", "FEASIBLE", "GREEDY"}
    assert plan.summary["utilisation_after"] > plan.summary["utilisation_before"] == 0
    assert plan.summary["bottleneck"] is None  # 12 dyno-days asked of 120 free
    starts = {a.request_id: a.start_date for a in plan.assignments}
    first, second, third = lab.requests
    assert starts == {first.id: day(1), second.id: day(6), third.id: day(2)}
    assert await _allocations(session) == 0
    statuses = await session.scalars(select(TestRequest.status).where(TestRequest.id.in_(starts)))
    assert set(statuses) == {"open"}


async def test_an_unplaceable_request_is_reported_with_its_reason(
    session: AsyncSession, planner_settings: Settings
):
    lab = await small_lab(session)
    orphan = await make_request(session, lab.truck, test_type="evap")
    engineer = await _actor(session, Role.user)
    details = await service.create_plan(
        session, engineer, PlanScope(), FAST, planner_settings, TODAY
    )
    assert details.plan.unplaced == [
        {
            "request_id": orphan.id,
            "reason": "no_compatible_dyno",
            "message": details.plan.unplaced[0]["message"],
        }
    ]


async def test_the_summary_names_a_pool_asked_for_most_of_its_capacity(
    session: AsyncSession, planner_settings: Settings
):
    await small_lab(session)
    engineer = await _actor(session, Role.user)
    options = PlanOptions(horizon_days=5, time_limit_s=2)
    details = await service.create_plan(
        session, engineer, PlanScope(), options, planner_settings, TODAY
    )
    assert details.plan.summary["bottleneck"] == (
        "brake can run only on Plan D1 and Plan D2: 12 dyno-days asked, 10 free until the horizon"
    )


async def test_options_outside_the_settings_are_refused(
    session: AsyncSession, planner_settings: Settings
):
    engineer = await _actor(session, Role.user)
    for options in (
        PlanOptions(horizon_days=0),
        PlanOptions(horizon_days=10_000),
        PlanOptions(time_limit_s=6),
    ):
        with pytest.raises(InvalidInput):
            await service.create_plan(
                session, engineer, PlanScope(), options, planner_settings, TODAY
            )


async def test_commit_books_every_assignment_without_any_overlap(
    session: AsyncSession, planner_settings: Settings
):
    lab = await small_lab(session)
    await make_allocation(session, lab.truck, lab.d1, day(10), day(12))  # something already there
    manager = await _actor(session, Role.power_user)
    preview = await service.create_plan(
        session, manager, PlanScope(), FAST, planner_settings, TODAY
    )
    other = await service.create_plan(session, manager, PlanScope(), FAST, planner_settings, TODAY)
    result = await service.commit_plan(session, manager, preview.plan.id)
    assert result.plan.status == "committed" and result.plan.committed_by == manager.user_id
    assert len(result.allocations) == 3
    assert await overlaps(session) == 0
    requests = {r.id: r for r in await session.scalars(select(TestRequest))}
    for assignment in result.plan.assignments:
        request = requests[assignment.request_id]
        assert request.status == "booked" and request.allocation_id == assignment.allocation_id
    await session.refresh(other.plan)
    assert other.plan.status == "stale"
    audited = await session.execute(
        text(
            "SELECT DISTINCT channel, actor_id, actor_label FROM allocation_events"
            " WHERE allocation_id = ANY(:ids)"
        ),
        {"ids": [a.id for a in result.allocations]},
    )
    assert audited.all() == [("plan", manager.user_id, f"plan {preview.plan.id} via api")]


async def test_a_plan_whose_slot_was_taken_meanwhile_books_nothing_and_names_it(
    session: AsyncSession, planner_settings: Settings
):
    lab = await small_lab(session)
    manager = await _actor(session, Role.power_user)
    details = await service.create_plan(
        session, manager, PlanScope(), FAST, planner_settings, TODAY
    )
    by_request = {a.request_id: a for a in details.plan.assignments}
    first, _, truck_test = (by_request[r.id] for r in lab.requests)
    dynos = {lab.d1.id: lab.d1, lab.d2.id: lab.d2}
    # meanwhile: someone books the truck test's dyno on its first day, and the car's first
    # step's dyno goes into maintenance on its last day
    intruder = await make_vehicle(session, tag="INTRUDER")
    await make_allocation(
        session, intruder, dynos[truck_test.dyno_id], truck_test.start_date, truck_test.start_date
    )
    assert first.dyno_id != truck_test.dyno_id  # they overlap in time
    await make_maintenance(session, dynos[first.dyno_id], first.end_date, first.end_date)
    before = await _allocations(session)
    with pytest.raises(PlanConflicts) as error:
        async with session.begin_nested():  # the edge's transaction, rolled back on the error
            await service.commit_plan(session, manager, details.plan.id)
    conflicts = error.value.details["conflicts"]
    assert {(c["request_id"], c["dyno_name"], c["reason"]) for c in conflicts} == {
        (truck_test.request_id, dynos[truck_test.dyno_id].name, "dyno_busy"),
        (first.request_id, dynos[first.dyno_id].name, "maintenance_conflict"),
    }
    assert await _allocations(session) == before
    statuses = await session.scalars(
        select(TestRequest.status).where(TestRequest.id.in_(by_request))
    )
    assert set(statuses) == {"open"}


async def test_a_request_booked_meanwhile_is_a_conflict(
    session: AsyncSession, planner_settings: Settings
):
    lab = await small_lab(session)
    manager = await _actor(session, Role.power_user)
    details = await service.create_plan(
        session, manager, PlanScope(), FAST, planner_settings, TODAY
    )
    await session.execute(
        text("UPDATE test_requests SET status = 'cancelled' WHERE id = :id"),
        {"id": lab.requests[0].id},
    )
    with pytest.raises(PlanConflicts) as error:
        async with session.begin_nested():
            await service.commit_plan(session, manager, details.plan.id)
    [conflict] = error.value.details["conflicts"]
    assert (conflict["request_id"], conflict["reason"]) == (lab.requests[0].id, "request_not_open")


async def test_a_plan_is_committed_once(session: AsyncSession, planner_settings: Settings):
    await small_lab(session)
    manager = await _actor(session, Role.power_user)
    details = await service.create_plan(
        session, manager, PlanScope(), FAST, planner_settings, TODAY
    )
    await service.commit_plan(session, manager, details.plan.id)
    booked = await _allocations(session)
    with pytest.raises(PlanCommitted):
        await service.commit_plan(session, manager, details.plan.id)
    assert await _allocations(session) == booked == 3


async def test_only_a_power_user_commits(session: AsyncSession, planner_settings: Settings):
    await small_lab(session)
    engineer = await _actor(session, Role.user)
    details = await service.create_plan(
        session, engineer, PlanScope(), FAST, planner_settings, TODAY
    )
    with pytest.raises(PermissionDenied):
        await service.commit_plan(session, engineer, details.plan.id)
    assert await _allocations(session) == 0


async def test_the_solver_runs_off_the_event_loop(
    session: AsyncSession, planner_settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """While a plan is being solved, other coroutines run: the solve waits until another
    coroutine has seen it start (in vain, and says so, if it blocked the loop)."""
    await small_lab(session)
    engineer = await _actor(session, Role.user)
    solving, other_coroutine_ran = threading.Event(), threading.Event()
    seen: list[bool] = []
    real_solve = solver.solve  # the service imports the solver when it first plans

    def solve_after_the_loop_moved(problem: Problem, **options: Any) -> Plan:
        solving.set()
        seen.append(other_coroutine_ran.wait(timeout=10))
        return real_solve(problem, **options)

    async def other_coroutine() -> None:
        for _ in range(2000):
            if solving.is_set():
                other_coroutine_ran.set()
                return
            await asyncio.sleep(0.005)

    monkeypatch.setattr(solver, "solve", solve_after_the_loop_moved)
    planning = service.create_plan(session, engineer, PlanScope(), FAST, planner_settings, TODAY)
    details, _ = await asyncio.gather(planning, other_coroutine())
    assert seen == [True] and details.plan.summary["placed"] == 3
