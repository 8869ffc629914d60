"""Concurrent bookings never share dyno-days or a vehicle; losers move on or get a reason."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent import errors
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling import booking
from tests.conftest import TODAY
from tests.factories import make_dyno, make_vehicle

START = TODAY + dt.timedelta(days=14)
ACTOR = Actor.system(Channel.api)


async def seed(committed: AsyncEngine, dynos: int, vehicles: int) -> list[int]:
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        for n in range(dynos):
            await make_dyno(session, f"Brake {n + 1}")
        return [(await make_vehicle(session)).id for _ in range(vehicles)]


async def attempt(committed: AsyncEngine, **kwargs) -> object:
    factory = make_session_factory(committed)
    try:
        async with factory() as session, session.begin():
            result = await booking.auto_allocate(session, ACTOR, test_type="brake", **kwargs)
            return (result.allocation.dyno_id, result.shift_days)
    except errors.DomainError as exc:
        return exc


async def overlaps(session: AsyncSession) -> int:
    return (
        await session.execute(
            text(
                "SELECT count(*) FROM allocations a JOIN allocations b ON a.id < b.id"
                " AND a.status <> 'cancelled' AND b.status <> 'cancelled'"
                " AND (a.dyno_id = b.dyno_id OR a.vehicle_id = b.vehicle_id)"
                " AND a.start_date <= b.end_date AND b.start_date <= a.end_date"
            )
        )
    ).scalar_one()


async def test_fifty_concurrent_requests_for_one_window(committed: AsyncEngine):
    vehicle_ids = await seed(committed, dynos=3, vehicles=50)
    results = await asyncio.gather(
        *(
            attempt(committed, vehicle_id=v, start_date=START, days_to_complete=3)
            for v in vehicle_ids
        )
    )
    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, errors.DomainError)]
    assert len(placed) == 3
    assert sorted(dyno for dyno, _ in placed) == sorted({dyno for dyno, _ in placed})
    assert len(refused) == 47
    assert all(isinstance(r, errors.NoCapacity) for r in refused)
    assert all(len(r.details["blocked"]) == 3 for r in refused)
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0
        count = (await session.execute(text("SELECT count(*) FROM allocations"))).scalar_one()
        assert count == 3


async def test_with_backup_every_request_is_placed_elsewhere_in_time(committed: AsyncEngine):
    vehicle_ids = await seed(committed, dynos=3, vehicles=30)
    results = await asyncio.gather(
        *(
            attempt(
                committed,
                vehicle_id=v,
                start_date=START,
                days_to_complete=1,
                backup=True,
                max_backup_days=9,
            )
            for v in vehicle_ids
        )
    )
    assert all(isinstance(r, tuple) for r in results), results
    slots = sorted(results)
    assert len(set(slots)) == 30  # 3 dynos x 10 distinct start days, each used once
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0


async def test_one_vehicle_booked_concurrently_ten_times_is_placed_once(committed: AsyncEngine):
    (vehicle_id,) = await seed(committed, dynos=10, vehicles=1)
    results = await asyncio.gather(
        *(
            attempt(committed, vehicle_id=vehicle_id, start_date=START, days_to_complete=2)
            for _ in range(10)
        )
    )
    assert sum(isinstance(r, tuple) for r in results) == 1
    assert all(isinstance(r, errors.VehicleBusy) for r in results if not isinstance(r, tuple))
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0
