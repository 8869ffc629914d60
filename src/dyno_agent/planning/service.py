"""Plans: preview (solve and keep), read, list, and commit (book every assignment at once).

A preview reads the schedule, runs the solver off the event loop (it is CPU-bound for up to the
time limit) and stores the result; it books nothing, so anyone signed in may make one. Committing
needs power_user: every assignment is booked through the booking engine's named-dyno path in the
caller's one transaction, and each request is marked booked with its allocation. If any assignment
no longer fits, every such conflict is collected and `PlanConflicts` raised: the edge rolls the
whole transaction back, so nothing is booked. A plan is committed at most once; committing one
makes every other preview `stale` (the schedule it was made on has changed).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role
from dyno_agent.config import Settings
from dyno_agent.errors import (
    DomainError,
    InvalidInput,
    PermissionDenied,
    PlanCommitted,
    PlanConflicts,
    PlanNotFound,
    RateLimited,
    RequestNotOpen,
    TestRequestNotFound,
)
from dyno_agent.observability import metrics
from dyno_agent.planning.loader import PLANNABLE, PlanScope, load_problem
from dyno_agent.planning.models import PlanAssignment, PlanStatus, StoredPlan
from dyno_agent.planning.problem import Problem
from dyno_agent.planning.result import Plan
from dyno_agent.planning.summary import summarize
from dyno_agent.requests import service as requests
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.models import Allocation, Dyno, Vehicle

LABEL_MAX = 120


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: the horizon (days from today) and the solver's time limit (None: the
    DYNO_PLANNER_TIME_LIMIT_S setting)."""

    horizon_days: int = 365
    time_limit_s: float | None = None


@dataclass(frozen=True)
class PlanDetails:
    """A stored plan with the rows its output names: requests, vehicles and dynos by id."""

    plan: StoredPlan
    requests: dict[int, TestRequest]
    vehicles: dict[int, Vehicle]
    dynos: dict[int, Dyno]


@dataclass(frozen=True)
class CommitResult:
    plan: StoredPlan
    allocations: list[Allocation]


def check_options(options: PlanOptions, settings: Settings) -> float:
    """Refuse a horizon or time limit outside the settings' bounds; the time limit to use."""
    longest = settings.planner_max_horizon_days
    if not 1 <= options.horizon_days <= longest:
        raise InvalidInput(
            f"horizon_days must be between 1 and {longest}.",
            field="horizon_days",
            value=options.horizon_days,
        )
    limit = settings.planner_time_limit_s
    chosen = limit if options.time_limit_s is None else options.time_limit_s
    if not 0 < chosen <= limit:
        raise InvalidInput(
            f"time_limit_s must be more than 0 and at most {limit:g} (DYNO_PLANNER_TIME_LIMIT_S).",
            field="time_limit_s",
            value=chosen,
        )
    return chosen


async def create_plan(
    session: AsyncSession,
    actor: Actor,
    scope: PlanScope,
    options: PlanOptions,
    settings: Settings,
    today: dt.date,
) -> PlanDetails:
    """Plan the requests in scope and keep the result as a preview; nothing is booked."""
    time_limit = check_options(options, settings)
    loaded = await load_problem(
        session,
        scope,
        today=today,
        horizon_days=options.horizon_days,
        max_booking_days=settings.max_booking_days,
    )
    if not _SOLVES.acquire(settings.planner_max_running):
        raise RateLimited(
            f"The planner is already making {settings.planner_max_running} plan(s) in this "
            f"server process; try again in about {math.ceil(time_limit)} s.",
            retry_after_seconds=math.ceil(time_limit),
        )
    try:
        plan, summary = await asyncio.to_thread(
            _solve, loaded.problem, time_limit, settings.planner_workers, settings.planner_seed
        )
    finally:
        _SOLVES.release()
    metrics.record_plan(plan.status, plan.seconds, plan.placed, len(plan.unplaced), plan.gap)
    stored = StoredPlan(
        created_by=actor.user_id,
        today=today,
        horizon_days=options.horizon_days,
        params={
            **scope.as_params(),
            "time_limit_s": time_limit,
            "workers": settings.planner_workers,
            "seed": settings.planner_seed,
        },
        summary=summary,
        unplaced=[
            {"request_id": u.request_id, "reason": u.reason, "message": u.detail}
            for u in sorted(plan.unplaced, key=lambda u: u.request_id)
        ],
        status=PlanStatus.preview.value,
        assignments=[
            PlanAssignment(
                request_id=a.request_id,
                dyno_id=a.dyno_id,
                start_date=a.start,
                end_date=a.end,
                lateness_days=a.lateness_days,
            )
            for a in sorted(plan.assignments, key=lambda a: (a.start, a.request_id))
        ],
    )
    session.add(stored)
    await session.flush()
    return PlanDetails(stored, loaded.requests, loaded.vehicles, loaded.dynos)


class _Running:
    """How many solves run in this process (each holds a thread and up to `planner_workers`
    CPU cores for up to its time limit), so a burst of previews cannot starve the server."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def acquire(self, limit: int) -> bool:
        with self._lock:
            if self._count >= limit:
                return False
            self._count += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._count -= 1


_SOLVES = _Running()


def _solve(problem: Problem, time_limit: float, workers: int, seed: int) -> tuple[Plan, dict]:
    # OR-Tools (and the pandas it loads) cost a server about 1 s and 60 MB; only a plan needs them.
    from dyno_agent.planning.solver import solve

    plan = solve(problem, time_limit_s=time_limit, num_workers=workers, seed=seed)
    return plan, summarize(problem, plan)


async def get_plan(session: AsyncSession, plan_id: int, *, for_update: bool = False) -> StoredPlan:
    query = select(StoredPlan).where(StoredPlan.id == plan_id)
    query = query.options(selectinload(StoredPlan.assignments))
    if for_update:
        query = query.with_for_update(of=StoredPlan).execution_options(populate_existing=True)
    plan = await session.scalar(query)
    if plan is None:
        raise PlanNotFound(f"Plan {plan_id} does not exist.", plan_id=plan_id)
    return plan


async def plan_details(session: AsyncSession, plan_id: int) -> PlanDetails:
    """The plan with the requests, vehicles and dynos its assignments and unplaced rows name."""
    plan = await get_plan(session, plan_id)
    return await _details(session, plan)


async def _details(session: AsyncSession, plan: StoredPlan) -> PlanDetails:
    request_ids = {a.request_id for a in plan.assignments} | {
        int(u["request_id"]) for u in plan.unplaced
    }
    found = await session.scalars(select(TestRequest).where(TestRequest.id.in_(request_ids)))
    by_id = {r.id: r for r in found}
    vehicles = await session.scalars(
        select(Vehicle).where(Vehicle.id.in_({r.vehicle_id for r in by_id.values()}))
    )
    dynos = await session.scalars(
        select(Dyno).where(Dyno.id.in_({a.dyno_id for a in plan.assignments}))
    )
    return PlanDetails(plan, by_id, {v.id: v for v in vehicles}, {d.id: d for d in dynos})


async def list_plans(
    session: AsyncSession, *, limit: int = 50, offset: int = 0
) -> tuple[list[StoredPlan], int]:
    """One page of plans, newest first, and how many there are."""
    total = await session.scalar(select(func.count()).select_from(StoredPlan)) or 0
    rows = await session.scalars(
        select(StoredPlan)
        .order_by(StoredPlan.created_at.desc(), StoredPlan.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def ensure_may_commit(actor: Actor) -> None:
    if not actor.has_role(Role.power_user):
        raise PermissionDenied(
            "Committing a plan books its tests and needs the power_user role.",
            required_role=Role.power_user.value,
        )


async def commit_plan(
    session: AsyncSession, actor: Actor, plan_id: int, now: dt.datetime | None = None
) -> CommitResult:
    """Book every assignment of the plan, or raise `PlanConflicts` naming each that no longer
    fits (the caller's transaction must then be rolled back: some may have been booked)."""
    ensure_may_commit(actor)
    plan = await get_plan(session, plan_id, for_update=True)
    if plan.status == PlanStatus.committed:
        raise PlanCommitted(
            f"Plan {plan.id} was already committed on {plan.committed_at:%Y-%m-%d %H:%M}.",
            plan_id=plan.id,
        )
    details = await _details(session, plan)
    await session.scalars(  # lock and re-read the requests: nobody books or edits them meanwhile
        select(TestRequest)
        .where(TestRequest.id.in_([a.request_id for a in plan.assignments]))
        .order_by(TestRequest.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    booker = _plan_actor(actor, plan.id)
    conflicts: list[dict[str, Any]] = []
    booked: list[Allocation] = []
    for assignment in plan.assignments:
        try:
            allocation = await _book(session, booker, actor, assignment, details)
        except DomainError as exc:
            conflicts.append(_conflict(assignment, details, exc))
            continue
        assignment.allocation_id = allocation.id
        booked.append(allocation)
    if conflicts:
        raise PlanConflicts(
            f"{len(conflicts)} of the plan's {len(plan.assignments)} assignment(s) no longer "
            "fit; nothing was booked. Make a new plan.",
            plan_id=plan.id,
            conflicts=conflicts,
        )
    plan.status = PlanStatus.committed.value
    plan.committed_at = now or dt.datetime.now(dt.UTC)
    plan.committed_by = actor.user_id
    await session.execute(
        update(StoredPlan)
        .where(StoredPlan.status == PlanStatus.preview, StoredPlan.id != plan.id)
        .values(status=PlanStatus.stale.value)
    )
    await session.flush()
    return CommitResult(plan, booked)


async def _book(
    session: AsyncSession,
    booker: Actor,
    actor: Actor,
    assignment: PlanAssignment,
    details: PlanDetails,
) -> Allocation:
    request = details.requests.get(assignment.request_id)
    if request is None:
        raise TestRequestNotFound(f"Test request {assignment.request_id} no longer exists.")
    if request.status not in PLANNABLE:
        raise RequestNotOpen(f"Test request {request.id} is {request.status}, no longer open.")
    allocation = await booking.book_on_dyno(
        session,
        booker,
        dyno=assignment.dyno_id,
        test_type=request.test_type,
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        vehicle_id=request.vehicle_id,
    )
    await requests.mark_booked(session, booker, request.id, allocation)
    return allocation


def _conflict(assignment: PlanAssignment, details: PlanDetails, exc: DomainError) -> dict[str, Any]:
    dyno = details.dynos.get(assignment.dyno_id)
    return {
        "request_id": assignment.request_id,
        "dyno_name": dyno.name if dyno else str(assignment.dyno_id),
        "start_date": assignment.start_date.isoformat(),
        "end_date": assignment.end_date.isoformat(),
        "reason": exc.code,
        "message": exc.message,
    }


def _plan_actor(actor: Actor, plan_id: int) -> Actor:
    """The actor the audit records for the plan's bookings: channel `plan`, and a label naming
    the plan and the edge (and who was behind it) it was committed through."""
    label = f"plan {plan_id} via {actor.channel.value}"
    if actor.label:
        label += f" ({actor.label})"
    return dataclasses.replace(actor, channel=Channel.plan, label=label[:LABEL_MAX])
