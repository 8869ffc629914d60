"""Finding the open bookings a change would strand: one query for all of them, before and after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.errors import StrandsBookings
from dyno_agent.scheduling import dynos, stranding
from dyno_agent.scheduling.schemas.dynos import RuleIn
from tests.factories import make_allocation, make_dyno, make_vehicle

OPERATOR = Actor.system(Channel.api)
DAY = dt.date(2026, 3, 9)
EVAP_ONLY = [RuleIn(test_type="evap", drive_type="any", weight_class="any")]


async def booked_dyno(session: AsyncSession, bookings: int) -> tuple[int, list[int]]:
    dyno = await make_dyno(session, rules=[("brake", "any", "any")])
    ids = []
    for n in range(bookings):
        vehicle = await make_vehicle(session)
        day = DAY + dt.timedelta(days=n)
        ids.append((await make_allocation(session, vehicle, dyno, day, day)).id)
    return dyno.id, ids


async def statements_while_refused(
    engine: AsyncEngine, session: AsyncSession, dyno_id: int
) -> tuple[int, StrandsBookings]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        with pytest.raises(StrandsBookings) as caught:
            await dynos.replace_rules(session, OPERATOR, dyno_id, EVAP_ONLY)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(seen), caught.value


async def test_the_check_costs_the_same_queries_for_one_booking_or_many(
    engine: AsyncEngine, session: AsyncSession
):
    one_dyno, one_id = await booked_dyno(session, 1)
    many_dyno, many_ids = await booked_dyno(session, 12)

    one_count, one_error = await statements_while_refused(engine, session, one_dyno)
    many_count, many_error = await statements_while_refused(engine, session, many_dyno)

    assert one_count == many_count
    assert [b["allocation_id"] for b in one_error.details["bookings"]] == one_id
    assert [b["allocation_id"] for b in many_error.details["bookings"]] == many_ids
    assert many_error.details["booking_count"] == 12
    assert "and 7 more" in many_error.message


async def test_problems_reports_every_reason_of_a_booking(session: AsyncSession):
    dyno = await make_dyno(session, rules=[("evap", "any", "any")], enabled=False, available_to=DAY)
    vehicle = await make_vehicle(session)
    booking = await make_allocation(session, vehicle, dyno, DAY, DAY + dt.timedelta(days=1))
    await make_allocation(
        session, vehicle, dyno, DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=5),
        status="completed",
    )  # fmt: skip

    found = await stranding.problems(session, dyno_id=dyno.id)

    assert list(found) == [booking.id]
    assert found[booking.id].reasons == {"incompatible", "dyno_disabled", "outside_commissioning"}
    assert await stranding.problems(session, vehicle_id=vehicle.id) == found
