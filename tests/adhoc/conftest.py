"""Committed data for the runner, which reads on a connection of its own (committed rows only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from dyno_agent.auth.models import Role
from tests.factories import make_allocation, make_dyno, make_maintenance, make_user, make_vehicle

D = dt.date


@dataclass(frozen=True)
class Lab:
    engine: AsyncEngine
    vins: tuple[str, ...]
    allocation_ids: tuple[int, ...]


@pytest.fixture
async def lab(committed: AsyncEngine) -> Lab:
    """Three vehicles, three dynos, a maintenance window and three allocations, committed."""
    return await seed_lab(committed)


@pytest.fixture(scope="module")
async def shared_lab(engine: AsyncEngine) -> AsyncIterator[Lab]:
    """The same lab seeded once per module, for read-only tests; emptied afterwards."""
    yield await seed_lab(engine)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "TRUNCATE users, vehicles, dynos, dyno_rules, maintenance_windows, allocations,"
                " allocation_events, dyno_occupancy RESTART IDENTITY CASCADE"
            )
        )


async def seed_lab(committed: AsyncEngine) -> Lab:
    async with AsyncSession(committed, expire_on_commit=False) as session:
        user = await make_user(session, Role.admin)
        small = await make_vehicle(session, drive_type="2WD", weight_lbs=6000, program="P708")
        large = await make_vehicle(session, drive_type="AWD", weight_lbs=12000, program="P702")
        spare = await make_vehicle(session, drive_type="4WD", weight_lbs=None, weight_class="<10K")
        mpg1 = await make_dyno(
            session, "MPG 1", rules=[("brake", "any", "any"), ("emissions", "2WD", "<10K")]
        )
        mpg2 = await make_dyno(session, "MPG 2", rules=[("coastdown", "AWD", ">10K")])
        await make_dyno(session, "Track", facility="Track", enabled=False)
        await make_maintenance(session, mpg2, D(2026, 3, 20), D(2026, 3, 22), reason="rollers")
        booked = await make_allocation(
            session, small, mpg1, D(2026, 3, 9), D(2026, 3, 11), created_by=user
        )
        running = await make_allocation(
            session, large, mpg2, D(2026, 3, 2), D(2026, 3, 4), test_type="coastdown",
            status="running",
        )  # fmt: skip
        unplaced = await make_allocation(session, spare, None, D(2026, 4, 1), D(2026, 4, 2))
        await session.commit()
        return Lab(
            engine=committed,
            vins=(small.vin, large.vin, spare.vin),
            allocation_ids=(booked.id, running.id, unplaced.id),
        )


async def snapshot(conn: AsyncConnection) -> dict[str, object]:
    """Which tables exist, their row counts and a sequence: all that an attack could move."""
    tables = (
        (
            await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            )
        )
        .scalars()
        .all()
    )
    state: dict[str, object] = {"tables": list(tables)}
    for table in tables:
        state[table] = (await conn.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one()
    state["vehicles_id_seq"] = (
        await conn.execute(text("SELECT last_value FROM vehicles_id_seq"))
    ).scalar_one()
    return state
