"""The loader turns the database into the planner's problem: requests in scope, vehicles' drive
and class, dynos and rules, and the fixed spans (bookings per dyno and vehicle, maintenance)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.planning.loader import PlanScope, load_problem
from dyno_agent.planning.problem import Busy, Rule
from dyno_agent.requests.models import TestRequest
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance
from tests.planning.plans_data import day, make_request, small_lab


async def test_loader_builds_requests_with_vehicle_facts_and_step_ranks(session: AsyncSession):
    lab = await small_lab(session)
    loaded = await load_problem(session, PlanScope(), today=TODAY, horizon_days=90)
    problem = loaded.problem
    by_id = {r.id: r for r in problem.requests}
    first, second, third = (by_id[r.id] for r in lab.requests)
    assert (first.vehicle, first.drive_type, first.weight_class) == (str(lab.car.id), "2WD", "<10K")
    assert (third.drive_type, third.weight_class) == ("4WD", ">10K")
    assert first.step < second.step and first.vehicle == second.vehicle
    assert (second.days, second.earliest_start, second.desired_start) == (4, day(1), day(6))
    assert second.priority == 3 and second.facility is None
    assert problem.today == TODAY and problem.horizon_days == 90
    assert {Rule(lab.d1.id, "brake", "any", "any"), Rule(lab.d2.id, "brake", "any", "any")} <= set(
        problem.rules
    )
    assert {d.name for d in problem.dynos} >= {"Plan D1", "Plan D2"}


async def test_loader_takes_only_open_requests_in_scope(session: AsyncSession):
    lab = await small_lab(session)
    other = await make_dyno(session, rules=[("emissions", "any", "any")])
    emissions = await make_request(session, lab.truck, test_type="emissions", step="P702")
    await make_request(session, lab.truck, test_type="coast", status="cancelled")
    assert other.id
    every = await load_problem(session, PlanScope(), today=TODAY)
    assert {r.id for r in every.problem.requests} == {*(r.id for r in lab.requests), emissions.id}
    only = await load_problem(session, PlanScope(test_type="emissions"), today=TODAY)
    assert [r.id for r in only.problem.requests] == [emissions.id]
    assert only.problem.requests[0].step == 0  # a label step ranks with the first step
    car = await load_problem(session, PlanScope(vehicle_id=lab.car.id), today=TODAY)
    assert {r.id for r in car.problem.requests} == {lab.requests[0].id, lab.requests[1].id}
    window = await load_problem(
        session, PlanScope(desired_from=day(5), desired_to=day(6)), today=TODAY
    )
    assert [r.id for r in window.problem.requests] == [lab.requests[1].id]


async def test_loader_refuses_request_ids_that_are_not_open(session: AsyncSession):
    lab = await small_lab(session)
    cancelled = await make_request(session, lab.truck, test_type="coast", status="cancelled")
    with pytest.raises(InvalidInput) as error:
        await load_problem(
            session, PlanScope(request_ids=(lab.requests[0].id, cancelled.id)), today=TODAY
        )
    assert error.value.details["request_ids"] == [cancelled.id]


async def test_loader_fixes_bookings_and_maintenance_from_today_on(session: AsyncSession):
    lab = await small_lab(session)
    booked = await make_allocation(session, lab.car, lab.d1, day(20), day(24))
    past = await make_allocation(session, lab.car, lab.d1, day(-10), day(-5), status="completed")
    await make_allocation(session, lab.truck, lab.d2, day(3), day(4), status="cancelled")
    service = await make_maintenance(session, lab.d2, day(8), day(9))
    # the allocation a request became carries that request's mileage step
    request = await make_request(session, lab.car, test_type="brake", step="75K-150K")
    request.status, request.allocation_id = "booked", booked.id
    await session.flush()
    assert past.id
    problem = (await load_problem(session, PlanScope(), today=TODAY)).problem
    assert set(problem.busy) == {
        Busy(day(20), day(24), lab.d1.id, str(lab.car.id), 75_000, f"allocation {booked.id}"),
        Busy(day(8), day(9), lab.d2.id, None, None, f"maintenance {service.id}"),
    }
    assert request.id not in {r.id for r in problem.requests}
    assert isinstance(request, TestRequest)
