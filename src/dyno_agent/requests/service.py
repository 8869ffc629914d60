"""Test requests: create, read, list, edit, cancel, and the moves the planner makes.

Anyone signed in may read requests; creating, editing and cancelling them needs power_user (power
users import the forecast and commit plans). A request is keyed by (vehicle, test type, mileage
step) among those not cancelled; the partial unique index `uq_test_requests_key` guarantees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.config import get_settings
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    TestRequestNotFound,
)
from dyno_agent.requests.models import (
    EDITABLE_STATUSES,
    TRANSITIONS,
    RequestStatus,
    TestRequest,
)
from dyno_agent.requests.schemas import TestRequestCreate, TestRequestUpdate
from dyno_agent.requests.steps import parse_mileage_step
from dyno_agent.scheduling.models import Allocation
from dyno_agent.scheduling.vehicles import get_vehicle, resolve_vehicle


def ensure_may_write(actor: Actor) -> None:
    if not actor.has_role(Role.power_user):
        raise PermissionDenied(
            "Creating, editing and cancelling test requests needs the power_user role.",
            required_role=Role.power_user.value,
        )


def _check_values(days: int | None, earliest: dt.date, desired: dt.date) -> None:
    """`days` None: not being set (an imported request may already exceed the limit; it stays
    until its days are edited, and the planner reports it as bad data)."""
    limit = get_settings().max_booking_days
    if days is not None and days > limit:
        raise InvalidInput(
            f"A test request lasts at most {limit} days, not {days}.", field="days", days=days
        )
    if desired < earliest:
        raise InvalidInput(
            f"desired_start {desired} is before earliest_start {earliest}.",
            field="desired_start",
        )


async def _ensure_key_free(
    session: AsyncSession,
    vehicle_id: int,
    test_type: str,
    mileage_step: str,
    except_id: int | None = None,
) -> None:
    query = select(TestRequest.id).where(
        TestRequest.vehicle_id == vehicle_id,
        TestRequest.test_type == test_type,
        TestRequest.mileage_step == mileage_step,
        TestRequest.status != RequestStatus.cancelled,
    )
    if except_id is not None:
        query = query.where(TestRequest.id != except_id)
    existing = await session.scalar(query)
    if existing is not None:
        raise AlreadyExists(
            f"Vehicle {vehicle_id} already has a {test_type} request for step {mileage_step} "
            f"(id {existing}).",
            request_id=existing,
            vehicle_id=vehicle_id,
            test_type=test_type,
            mileage_step=mileage_step,
        )


async def create_request(
    session: AsyncSession, actor: Actor, data: TestRequestCreate
) -> TestRequest:
    ensure_may_write(actor)
    vehicle = await resolve_vehicle(session, data.vehicle_id, data.vin, data.tag)
    step = parse_mileage_step(data.mileage_step)
    desired = data.desired_start or data.earliest_start
    _check_values(data.days, data.earliest_start, desired)
    await _ensure_key_free(session, vehicle.id, data.test_type, step.label)
    request = TestRequest(
        **data.model_dump(exclude={"vehicle_id", "vin", "tag", "mileage_step", "desired_start"}),
        vehicle_id=vehicle.id,
        mileage_step=step.label,
        step_from_miles=step.from_miles,
        step_to_miles=step.to_miles,
        desired_start=desired,
        status=RequestStatus.open.value,
        created_by=actor.user_id,
    )
    async with savepoint(session):
        session.add(request)
    await session.refresh(request)
    return request


async def get_request(
    session: AsyncSession, request_id: int, *, for_update: bool = False
) -> TestRequest:
    query = select(TestRequest).where(TestRequest.id == request_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    request = await session.scalar(query)
    if request is None:
        raise TestRequestNotFound(
            f"Test request {request_id} does not exist.", request_id=request_id
        )
    return request


@dataclass(frozen=True)
class RequestFilter:
    status: RequestStatus | None = None
    vehicle_id: int | None = None
    test_type: str | None = None
    mileage_step: str | None = None
    min_priority: int | None = None
    start_date: dt.date | None = None  # desired start on or after this day
    end_date: dt.date | None = None  # desired start on or before this day

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise InvalidInput("end_date is before start_date.", field="end_date")
        if self.status:
            query = query.where(TestRequest.status == self.status)
        if self.vehicle_id is not None:
            query = query.where(TestRequest.vehicle_id == self.vehicle_id)
        if self.test_type:
            query = query.where(TestRequest.test_type == self.test_type)
        if self.mileage_step:
            query = query.where(TestRequest.mileage_step == self.mileage_step)
        if self.min_priority is not None:
            query = query.where(TestRequest.priority >= self.min_priority)
        if self.start_date:
            query = query.where(TestRequest.desired_start >= self.start_date)
        if self.end_date:
            query = query.where(TestRequest.desired_start <= self.end_date)
        return query


async def list_requests(
    session: AsyncSession, filters: RequestFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[TestRequest], int]:
    """One page of requests by desired start (then id), and how many match in all."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0.", field="limit")
    base = filters.apply(select(TestRequest))
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = await session.scalars(
        base.order_by(TestRequest.desired_start, TestRequest.id).limit(limit).offset(offset)
    )
    return list(rows), total


def _ensure_editable(request: TestRequest) -> None:
    if request.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            f"Test request {request.id} is {request.status}; only open or planned requests "
            "can change.",
            request_id=request.id,
            status=request.status,
        )


async def update_request(
    session: AsyncSession, actor: Actor, request_id: int, data: TestRequestUpdate
) -> TestRequest:
    """Change some fields of an open or planned request; a new vehicle, test type or mileage
    step must not collide with another request."""
    ensure_may_write(actor)
    request = await get_request(session, request_id, for_update=True)
    _ensure_editable(request)
    changes = data.model_dump(exclude_unset=True)
    vin, tag = changes.pop("vin", None), changes.pop("tag", None)
    if "vehicle_id" in changes or vin is not None or tag is not None:
        vehicle = await resolve_vehicle(session, changes.get("vehicle_id"), vin, tag)
        changes["vehicle_id"] = vehicle.id
    if "mileage_step" in changes:
        step = parse_mileage_step(changes["mileage_step"])
        changes.update(
            mileage_step=step.label,
            step_from_miles=step.from_miles,
            step_to_miles=step.to_miles,
        )
    _check_values(
        changes.get("days"),
        changes.get("earliest_start", request.earliest_start),
        changes.get("desired_start", request.desired_start),
    )
    key = ("vehicle_id", "test_type", "mileage_step")
    if any(changes.get(field, getattr(request, field)) != getattr(request, field) for field in key):
        await _ensure_key_free(
            session,
            changes.get("vehicle_id", request.vehicle_id),
            changes.get("test_type", request.test_type),
            changes.get("mileage_step", request.mileage_step),
            except_id=request.id,
        )
    async with savepoint(session):
        for field, value in changes.items():
            setattr(request, field, value)
    await session.refresh(request)  # server-set updated_at
    return request


def _ensure_transition(request: TestRequest, to: RequestStatus) -> None:
    if to not in TRANSITIONS[RequestStatus(request.status)]:
        raise InvalidTransition(
            f"Test request {request.id} is {request.status}; it cannot become {to.value}.",
            request_id=request.id,
            status=request.status,
            requested=to.value,
        )


async def _move(session: AsyncSession, request: TestRequest, to: RequestStatus) -> None:
    _ensure_transition(request, to)
    async with savepoint(session):
        request.status = to.value
    await session.refresh(request)


async def cancel_request(session: AsyncSession, actor: Actor, request_id: int) -> TestRequest:
    """An open or planned request is cancelled; its key is free for a new request."""
    ensure_may_write(actor)
    request = await get_request(session, request_id, for_update=True)
    await _move(session, request, RequestStatus.cancelled)
    return request


async def set_planned(
    session: AsyncSession, actor: Actor, request_id: int, planned: bool = True
) -> TestRequest:
    """Mark an open request as in a plan under review, or a planned one open again."""
    ensure_may_write(actor)
    request = await get_request(session, request_id, for_update=True)
    await _move(session, request, RequestStatus.planned if planned else RequestStatus.open)
    return request


async def mark_booked(
    session: AsyncSession, actor: Actor, request_id: int, allocation: Allocation
) -> TestRequest:
    """The request became `allocation` (a committed plan): it is booked and names it. The
    allocation must be the request's vehicle and test."""
    ensure_may_write(actor)
    request = await get_request(session, request_id, for_update=True)
    vehicle = await get_vehicle(session, request.vehicle_id)
    if (allocation.vehicle_id, allocation.test_type) != (vehicle.id, request.test_type):
        raise InvalidInput(
            f"Allocation {allocation.id} is not vehicle {vehicle.id}'s {request.test_type} test.",
            field="allocation_id",
            request_id=request.id,
            allocation_id=allocation.id,
        )
    _ensure_transition(request, RequestStatus.booked)
    async with savepoint(session):
        request.status = RequestStatus.booked.value
        request.allocation_id = allocation.id
    await session.refresh(request)
    return request
