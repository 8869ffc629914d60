"""The test request domain: create, key uniqueness, edit, list, lifecycle, roles, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.audit.models import AuditEntry
from dyno_agent.audit.stamp import stamp
from dyno_agent.auth.models import User
from dyno_agent.config import get_settings
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    TestRequestNotFound,
    VehicleNotFound,
)
from dyno_agent.requests import service
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.requests.schemas import TestRequestCreate, TestRequestUpdate
from dyno_agent.requests.service import RequestFilter
from dyno_agent.scheduling.models import Vehicle
from tests.factories import make_allocation, make_dyno, make_vehicle
from tests.requests.conftest import START, actor_of, make_request


# Create -------------------------------------------------------------------------------------------
async def test_a_power_user_records_an_open_request_with_a_canonical_step(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(
        session, actor_of(manager), vehicle, test_type="150K  Mileage", step="5K -75K"
    )

    assert request.status == RequestStatus.open
    assert (request.test_type, request.mileage_step) == ("150k mileage", "5K-75K")
    assert (request.step_from_miles, request.step_to_miles) == (5_000, 75_000)
    assert request.desired_start == request.earliest_start == START
    assert (request.priority, request.created_by, request.allocation_id) == (3, manager.id, None)


async def test_a_request_names_its_vehicle_by_vin_too(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    data = TestRequestCreate(
        vin=vehicle.vin.lower(),
        test_type="brake",
        mileage_step="P702",
        days=2,
        earliest_start=START,
    )
    request = await service.create_request(session, actor_of(manager), data)
    assert request.vehicle_id == vehicle.id


async def test_an_unknown_vehicle_is_not_found(session: AsyncSession, manager: User):
    data = TestRequestCreate(
        vehicle_id=999_999, test_type="brake", mileage_step="P702", days=2, earliest_start=START
    )
    with pytest.raises(VehicleNotFound):
        await service.create_request(session, actor_of(manager), data)


async def test_an_engineer_may_not_record_requests(
    session: AsyncSession, engineer: User, vehicle: Vehicle
):
    with pytest.raises(PermissionDenied):
        await make_request(session, actor_of(engineer), vehicle)


async def test_a_request_longer_than_the_booking_limit_is_invalid(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    limit = get_settings().max_booking_days
    with pytest.raises(InvalidInput, match=f"at most {limit} days"):
        await make_request(session, actor_of(manager), vehicle, days=limit + 1)
    assert (await make_request(session, actor_of(manager), vehicle, days=limit)).days == limit


async def test_a_desired_start_before_the_earliest_start_is_invalid(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    with pytest.raises(InvalidInput, match="before earliest_start"):
        await make_request(
            session, actor_of(manager), vehicle, desired_start=START - dt.timedelta(days=1)
        )


# Key: vehicle, test type, mileage step ------------------------------------------------------------
async def test_the_same_vehicle_test_and_step_twice_is_refused_naming_the_first(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    first = await make_request(session, actor_of(manager), vehicle, step="0K-5K")
    with pytest.raises(AlreadyExists) as refused:
        await make_request(session, actor_of(manager), vehicle, step="0k - 5k")
    assert refused.value.details["request_id"] == first.id


async def test_other_steps_tests_and_vehicles_do_not_collide(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    other = await make_vehicle(session)
    actor = actor_of(manager)
    await make_request(session, actor, vehicle, step="0K-5K")
    await make_request(session, actor, vehicle, step="5K-75K")
    await make_request(session, actor, vehicle, step="0K-5K", test_type="brake")
    await make_request(session, actor, other, step="0K-5K")


async def test_a_cancelled_request_frees_its_key(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    first = await make_request(session, actor_of(manager), vehicle)
    await service.cancel_request(session, actor_of(manager), first.id)
    again = await make_request(session, actor_of(manager), vehicle)
    assert again.id != first.id and again.status == RequestStatus.open


async def test_the_database_refuses_a_duplicate_key_even_past_the_checks(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    first = await make_request(session, actor_of(manager), vehicle)
    with pytest.raises(AlreadyExists):
        async with savepoint(session):
            session.add(
                TestRequest(
                    vehicle_id=vehicle.id,
                    test_type=first.test_type,
                    mileage_step=first.mileage_step,
                    days=1,
                    earliest_start=START,
                    desired_start=START,
                )
            )


# Edit ---------------------------------------------------------------------------------------------
async def test_editing_changes_only_the_fields_sent(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle, notes="keep")
    later = START + dt.timedelta(days=5)
    edited = await service.update_request(
        session,
        actor_of(manager),
        request.id,
        TestRequestUpdate(desired_start=later, priority=5, mileage_step="75K 150K"),
    )
    assert (edited.desired_start, edited.priority, edited.notes) == (later, 5, "keep")
    assert (edited.mileage_step, edited.step_from_miles) == ("75K-150K", 75_000)


async def test_editing_into_another_requests_key_is_refused(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    await make_request(session, actor, vehicle, step="0K-5K")
    second = await make_request(session, actor, vehicle, step="5K-75K")
    with pytest.raises(AlreadyExists):
        await service.update_request(
            session, actor, second.id, TestRequestUpdate(mileage_step="0K - 5K")
        )
    other = await make_vehicle(session)
    moved = await service.update_request(
        session, actor, second.id, TestRequestUpdate(vehicle_id=other.id, mileage_step="0K-5K")
    )
    assert (moved.vehicle_id, moved.mileage_step) == (other.id, "0K-5K")


async def test_editing_keeps_the_dates_in_order(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle)
    with pytest.raises(InvalidInput):
        await service.update_request(
            session,
            actor_of(manager),
            request.id,
            TestRequestUpdate(earliest_start=START + dt.timedelta(days=1)),
        )


async def test_a_cancelled_request_cannot_be_edited_or_cancelled_again(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle)
    await service.cancel_request(session, actor_of(manager), request.id)
    with pytest.raises(InvalidTransition):
        await service.update_request(
            session, actor_of(manager), request.id, TestRequestUpdate(priority=1)
        )
    with pytest.raises(InvalidTransition):
        await service.cancel_request(session, actor_of(manager), request.id)


async def test_an_engineer_may_not_edit_or_cancel(
    session: AsyncSession, manager: User, engineer: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle)
    with pytest.raises(PermissionDenied):
        await service.update_request(
            session, actor_of(engineer), request.id, TestRequestUpdate(priority=1)
        )
    with pytest.raises(PermissionDenied):
        await service.cancel_request(session, actor_of(engineer), request.id)


async def test_an_unknown_request_is_not_found(session: AsyncSession, manager: User):
    with pytest.raises(TestRequestNotFound):
        await service.get_request(session, 999_999)
    with pytest.raises(TestRequestNotFound):
        await service.cancel_request(session, actor_of(manager), 999_999)


# Lifecycle ----------------------------------------------------------------------------------------
async def test_open_becomes_planned_then_open_again_then_booked_with_its_allocation(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    request = await make_request(session, actor, vehicle, test_type="brake")
    assert (await service.set_planned(session, actor, request.id)).status == "planned"
    assert (await service.set_planned(session, actor, request.id, False)).status == "open"
    await service.set_planned(session, actor, request.id)
    dyno = await make_dyno(session)
    allocation = await make_allocation(session, vehicle, dyno, START, START)

    booked = await service.mark_booked(session, actor, request.id, allocation)

    assert (booked.status, booked.allocation_id) == ("booked", allocation.id)
    with pytest.raises(InvalidTransition):
        await service.cancel_request(session, actor, request.id)
    with pytest.raises(InvalidTransition):
        await service.set_planned(session, actor, request.id, False)


async def test_a_request_is_booked_only_as_its_own_vehicles_test(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    request = await make_request(session, actor, vehicle, test_type="brake")
    other = await make_vehicle(session)
    allocation = await make_allocation(session, other, await make_dyno(session), START, START)
    with pytest.raises(InvalidInput):
        await service.mark_booked(session, actor, request.id, allocation)


async def test_a_cancelled_request_is_never_booked(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    request = await make_request(session, actor, vehicle, test_type="brake")
    await service.cancel_request(session, actor, request.id)
    allocation = await make_allocation(session, vehicle, await make_dyno(session), START, START)
    with pytest.raises(InvalidTransition):
        await service.mark_booked(session, actor, request.id, allocation)


async def test_the_database_keeps_a_cancelled_request_cancelled_even_for_direct_sql(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle)
    await service.cancel_request(session, actor_of(manager), request.id)
    with pytest.raises(InvalidTransition):
        async with savepoint(session):
            await session.execute(
                text("UPDATE test_requests SET status = 'open' WHERE id = :id"), {"id": request.id}
            )


async def test_the_database_refuses_a_booked_request_without_an_allocation(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    request = await make_request(session, actor_of(manager), vehicle)
    with pytest.raises(DBAPIError, match="booked_has_allocation"):
        async with session.begin_nested():
            await session.execute(
                update(TestRequest).where(TestRequest.id == request.id).values(status="booked")
            )


# List ---------------------------------------------------------------------------------------------
async def test_the_list_filters_and_pages_by_desired_start(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    other = await make_vehicle(session)
    a = await make_request(session, actor, vehicle, step="0K-5K", priority=5)
    b = await make_request(
        session, actor, vehicle, step="5K-75K", earliest=START + dt.timedelta(days=20)
    )
    c = await make_request(session, actor, other, test_type="brake", step="P702", priority=1)
    await service.cancel_request(session, actor, c.id)

    async def ids(**filters: object) -> list[int]:
        rows, _ = await service.list_requests(session, RequestFilter(**filters))  # type: ignore[arg-type]
        return [r.id for r in rows]

    assert await ids(vehicle_id=vehicle.id) == [a.id, b.id]
    assert await ids(status=RequestStatus.cancelled) == [c.id]
    assert await ids(test_type="brake") == [c.id]
    assert await ids(mileage_step="5K-75K") == [b.id]
    assert await ids(min_priority=4, vehicle_id=vehicle.id) == [a.id]
    assert await ids(start_date=START + dt.timedelta(days=1)) == [b.id]
    assert await ids(end_date=START, vehicle_id=vehicle.id) == [a.id]
    page, total = await service.list_requests(
        session, RequestFilter(vehicle_id=vehicle.id), limit=1, offset=1
    )
    assert ([r.id for r in page], total) == ([b.id], 2)
    with pytest.raises(InvalidInput):
        await ids(start_date=START, end_date=START - dt.timedelta(days=1))


# Audit --------------------------------------------------------------------------------------------
async def test_every_change_is_in_the_audit_log_with_its_actor(
    session: AsyncSession, manager: User, vehicle: Vehicle
):
    actor = actor_of(manager)
    await stamp(session, actor)
    request = await make_request(session, actor, vehicle)
    await service.cancel_request(session, actor, request.id)

    rows = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.table_name == "test_requests", AuditEntry.row_id == request.id)
            .order_by(AuditEntry.id)
        )
    ).all()
    assert [(r.action, r.actor_id, r.channel) for r in rows] == [
        ("insert", manager.id, "api"),
        ("update", manager.id, "api"),
    ]
    assert rows[1].after is not None and rows[1].after["status"] == "cancelled"
