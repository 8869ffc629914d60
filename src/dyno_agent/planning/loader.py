"""Build a planning `Problem` from the database: the requests to place and everything fixed.

Reads, in the caller's transaction: the open (and planned) test requests in scope, their vehicles'
drive type and weight class, every dyno (enabled flag, facility, commissioning window) and rule,
and what is already fixed from today on: active allocations (per dyno and per vehicle, with the
mileage step of the request each one came from) and maintenance windows.

Vehicles are keyed by id in the problem (`str(vehicle_id)`): two placeholders may share a label.
A mileage range step ranks by its lower bound in miles (0K-5K before 5K-75K before 75K-150K); a
label step (a program name such as `P702`) has no mileage and ranks as 0, with the first step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.planning import problem as p
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationStatus,
    Dyno,
    DynoRule,
    MaintenanceWindow,
    Vehicle,
)

PLANNABLE = (RequestStatus.open.value, RequestStatus.planned.value)


@dataclass(frozen=True)
class PlanScope:
    """Which requests to plan: all open ones, or those matching every filter given."""

    request_ids: tuple[int, ...] | None = None
    test_type: str | None = None
    vehicle_id: int | None = None
    desired_from: dt.date | None = None
    desired_to: dt.date | None = None

    def as_params(self) -> dict[str, object]:
        return {
            "request_ids": list(self.request_ids) if self.request_ids is not None else None,
            "test_type": self.test_type,
            "vehicle_id": self.vehicle_id,
            "desired_from": self.desired_from.isoformat() if self.desired_from else None,
            "desired_to": self.desired_to.isoformat() if self.desired_to else None,
        }


@dataclass(frozen=True)
class Loaded:
    """The problem and what the output needs beside it (names, labels, steps)."""

    problem: p.Problem
    requests: dict[int, TestRequest] = field(default_factory=dict)
    vehicles: dict[int, Vehicle] = field(default_factory=dict)
    dynos: dict[int, Dyno] = field(default_factory=dict)


def step_rank(request: TestRequest) -> int:
    return request.step_from_miles or 0


def vehicle_key(vehicle_id: int) -> str:
    return str(vehicle_id)


async def load_problem(
    session: AsyncSession,
    scope: PlanScope,
    *,
    today: dt.date,
    horizon_days: int = p.DEFAULT_HORIZON_DAYS,
    horizon_anchor: p.HorizonAnchor = "today",
    max_booking_days: int = p.DEFAULT_MAX_BOOKING_DAYS,
) -> Loaded:
    if scope.desired_from and scope.desired_to and scope.desired_to < scope.desired_from:
        raise InvalidInput("desired_to is before desired_from.", field="desired_to")
    requests = await _requests(session, scope)
    vehicles = {
        v.id: v
        for v in await session.scalars(
            select(Vehicle).where(Vehicle.id.in_({r.vehicle_id for r in requests}))
        )
    }
    dynos = {d.id: d for d in await session.scalars(select(Dyno).order_by(Dyno.id))}
    rules = await session.scalars(select(DynoRule).order_by(DynoRule.id))
    problem = p.Problem.of(
        [_request(r, vehicles[r.vehicle_id]) for r in requests],
        [
            p.Dyno(d.id, d.name, d.facility, d.enabled, d.available_from, d.available_to)
            for d in dynos.values()
        ],
        [p.Rule(r.dyno_id, r.test_type, r.drive_type, r.weight_class) for r in rules],
        today,
        [*await _bookings(session, today), *await _maintenance(session, today)],
        horizon_days=horizon_days,
        horizon_anchor=horizon_anchor,
        max_booking_days=max_booking_days,
    )
    return Loaded(problem, {r.id: r for r in requests}, vehicles, dynos)


async def _requests(session: AsyncSession, scope: PlanScope) -> list[TestRequest]:
    query = select(TestRequest).where(TestRequest.status.in_(PLANNABLE))
    if scope.request_ids is not None:
        query = query.where(TestRequest.id.in_(scope.request_ids))
    if scope.test_type:
        query = query.where(TestRequest.test_type == scope.test_type)
    if scope.vehicle_id is not None:
        query = query.where(TestRequest.vehicle_id == scope.vehicle_id)
    if scope.desired_from:
        query = query.where(TestRequest.desired_start >= scope.desired_from)
    if scope.desired_to:
        query = query.where(TestRequest.desired_start <= scope.desired_to)
    found = list(await session.scalars(query.order_by(TestRequest.id)))
    if scope.request_ids is not None:
        missing = sorted(set(scope.request_ids) - {r.id for r in found})
        if missing:
            raise InvalidInput(
                f"Test request(s) {_ids(missing)} do not exist, are not open, or do not match "
                "the other filters.",
                field="request_ids",
                request_ids=missing,
            )
    return found


def _request(request: TestRequest, vehicle: Vehicle) -> p.Request:
    return p.Request(
        id=request.id,
        vehicle=vehicle_key(vehicle.id),
        test_type=request.test_type,
        drive_type=vehicle.drive_type,
        weight_class=vehicle.weight_class,
        days=request.days,
        earliest_start=request.earliest_start,
        desired_start=request.desired_start,
        priority=request.priority,
        step=step_rank(request),
        # The forecast's TEST FACILITY: the request may only run on a dyno of this facility.
        facility=request.facility,
    )


async def _bookings(session: AsyncSession, today: dt.date) -> list[p.Busy]:
    """Active allocations still running or to come, with the step of the request they became."""
    rows = await session.execute(
        select(Allocation, TestRequest.step_from_miles, TestRequest.id)
        .outerjoin(TestRequest, TestRequest.allocation_id == Allocation.id)
        .where(Allocation.status != AllocationStatus.cancelled, Allocation.end_date >= today)
        .order_by(Allocation.id)
    )
    return [
        p.Busy(
            a.start_date,
            a.end_date,
            dyno_id=a.dyno_id,
            vehicle=vehicle_key(a.vehicle_id),
            step=(from_miles or 0) if request_id is not None else None,
            label=f"allocation {a.id}",
        )
        for a, from_miles, request_id in rows
    ]


async def _maintenance(session: AsyncSession, today: dt.date) -> list[p.Busy]:
    rows = await session.scalars(
        select(MaintenanceWindow)
        .where(MaintenanceWindow.end_date >= today)
        .order_by(MaintenanceWindow.id)
    )
    return [
        p.Busy(m.start_date, m.end_date, dyno_id=m.dyno_id, label=f"maintenance {m.id}")
        for m in rows
    ]


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in ids)
