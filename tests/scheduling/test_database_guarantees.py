"""PostgreSQL itself refuses double bookings, bookings in maintenance and invalid transitions,
whatever writes the rows (here: plain SQL, no application code)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.db.errors import constraint_name
from tests.factories import make_dyno, make_vehicle

D = dt.date(2026, 4, 1)


async def insert(
    session: AsyncSession,
    vehicle_id: int,
    dyno_id: int | None,
    start,
    end,
    status: str = "scheduled",
) -> int:
    return (
        await session.execute(
            text(
                "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date,"
                " status) VALUES (:v, :d, 'brake', :s, :e, :st) RETURNING id"
            ),
            {"v": vehicle_id, "d": dyno_id, "s": start, "e": end, "st": status},
        )
    ).scalar_one()


async def violated(session: AsyncSession, statement, params) -> str | None:
    try:
        async with session.begin_nested():
            await session.execute(text(statement), params)
    except (IntegrityError, DBAPIError) as exc:
        return constraint_name(exc)
    return None


@pytest.fixture
async def setup(session: AsyncSession):
    dyno = await make_dyno(session, "Dyno A")
    other = await make_dyno(session, "Dyno B")
    v1, v2 = await make_vehicle(session), await make_vehicle(session)
    await insert(session, v1.id, dyno.id, D, D + dt.timedelta(days=4))
    return dyno, other, v1, v2


INSERT = (
    "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date, status)"
    " VALUES (:v, :d, 'brake', :s, :e, :st)"
)


async def test_overlapping_insert_on_one_dyno_is_rejected(session: AsyncSession, setup):
    dyno, _, _, v2 = setup
    params = {
        "v": v2.id,
        "d": dyno.id,
        "s": D + dt.timedelta(days=4),
        "e": D + dt.timedelta(days=6),
        "st": "scheduled",
    }
    assert await violated(session, INSERT, params) == "ex_allocations_dyno_overlap"


async def test_adjacent_days_do_not_overlap(session: AsyncSession, setup):
    dyno, _, _, v2 = setup
    params = {
        "v": v2.id,
        "d": dyno.id,
        "s": D + dt.timedelta(days=5),
        "e": D + dt.timedelta(days=6),
        "st": "scheduled",
    }
    assert await violated(session, INSERT, params) is None


async def test_cancelled_bookings_do_not_block(session: AsyncSession, setup):
    dyno, _, _, v2 = setup
    await session.execute(text("UPDATE allocations SET status = 'cancelled'"))
    params = {"v": v2.id, "d": dyno.id, "s": D, "e": D, "st": "scheduled"}
    assert await violated(session, INSERT, params) is None


async def test_a_vehicle_on_two_dynos_at_once_is_rejected(session: AsyncSession, setup):
    _, other, v1, _ = setup
    params = {
        "v": v1.id,
        "d": other.id,
        "s": D + dt.timedelta(days=2),
        "e": D + dt.timedelta(days=9),
        "st": "scheduled",
    }
    assert await violated(session, INSERT, params) == "ex_allocations_vehicle_overlap"


async def test_a_booking_inside_maintenance_is_rejected(session: AsyncSession, setup):
    _, other, _, v2 = setup
    await session.execute(
        text("INSERT INTO maintenance_windows (dyno_id, start_date, end_date) VALUES (:d, :s, :e)"),
        {"d": other.id, "s": D + dt.timedelta(days=10), "e": D + dt.timedelta(days=12)},
    )
    params = {
        "v": v2.id,
        "d": other.id,
        "s": D + dt.timedelta(days=12),
        "e": D + dt.timedelta(days=13),
        "st": "scheduled",
    }
    assert await violated(session, INSERT, params) == "ex_dyno_occupancy_maintenance"


async def test_maintenance_over_a_booking_is_rejected(session: AsyncSession, setup):
    dyno, _, _, _ = setup
    statement = (
        "INSERT INTO maintenance_windows (dyno_id, start_date, end_date) VALUES (:d, :s, :e)"
    )
    params = {"d": dyno.id, "s": D + dt.timedelta(days=3), "e": D + dt.timedelta(days=20)}
    assert await violated(session, statement, params) == "ex_dyno_occupancy_maintenance"


async def test_moving_a_booking_into_maintenance_is_rejected(session: AsyncSession, setup):
    dyno, _, _, _ = setup
    await session.execute(
        text("INSERT INTO maintenance_windows (dyno_id, start_date, end_date) VALUES (:d, :s, :e)"),
        {"d": dyno.id, "s": D + dt.timedelta(days=30), "e": D + dt.timedelta(days=31)},
    )
    statement = "UPDATE allocations SET start_date = :s, end_date = :e WHERE dyno_id = :d"
    params = {"d": dyno.id, "s": D + dt.timedelta(days=29), "e": D + dt.timedelta(days=30)}
    assert await violated(session, statement, params) == "ex_dyno_occupancy_maintenance"


async def test_uncancelling_into_a_taken_slot_is_rejected(session: AsyncSession, setup):
    dyno, _, v1, v2 = setup
    await session.execute(text("UPDATE allocations SET status = 'cancelled'"))
    await insert(session, v2.id, dyno.id, D, D)
    statement = "UPDATE allocations SET status = 'scheduled' WHERE vehicle_id = :v"
    # cancelled -> scheduled is not a valid transition anyway; the trigger stops it first.
    assert await violated(session, statement, {"v": v1.id}) == "ck_allocations_status_transition"


@pytest.mark.parametrize(
    ("start", "target"),
    [("scheduled", "completed"), ("completed", "running"), ("cancelled", "running")],
)
async def test_invalid_status_transitions_are_rejected(
    session: AsyncSession, setup, start: str, target: str
):
    _, other, _, v2 = setup
    allocation_id = await insert(
        session, v2.id, other.id, D + dt.timedelta(days=40), D + dt.timedelta(days=41), status=start
    )
    statement = "UPDATE allocations SET status = :st WHERE id = :id"
    assert (
        await violated(session, statement, {"st": target, "id": allocation_id})
        == "ck_allocations_status_transition"
    )


async def test_end_before_start_is_rejected(session: AsyncSession, setup):
    _, other, _, v2 = setup
    params = {"v": v2.id, "d": other.id, "s": D, "e": D - dt.timedelta(days=1), "st": "scheduled"}
    assert await violated(session, INSERT, params) == "ck_allocations_date_order"


async def test_direct_sql_changes_are_audited_as_sql(session: AsyncSession, setup):
    rows = (
        await session.execute(text("SELECT action, channel, actor_id FROM allocation_events"))
    ).all()
    assert rows == [("insert", "sql", None)]
