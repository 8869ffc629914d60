"""Applying maintenance moves checked against the preview: if the moves differ, nothing is done."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import User
from dyno_agent.errors import Conflict
from dyno_agent.scheduling.maintenance_moves import add_maintenance_moving_bookings
from dyno_agent.scheduling.models import MaintenanceWindow
from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate
from tests.factories import make_allocation, make_dyno, make_vehicle
from tests.scheduling.conftest import actor_of


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


async def test_an_apply_that_would_differ_from_its_preview_does_nothing(
    session: AsyncSession, manager: User
):
    mpg1, mpg2 = await make_dyno(session, "MPG 1"), await make_dyno(session, "MPG 2")
    booked = await make_allocation(session, await make_vehicle(session), mpg1, d(10), d(11))
    data = MaintenanceCreate(start_date=d(10), end_date=d(10))
    actor = actor_of(manager)
    preview = await add_maintenance_moving_bookings(session, actor, mpg1.id, data, apply=False)
    assert [(m.to_dyno, m.to_start) for m in preview.moves] == [("MPG 2", d(10))]
    await make_allocation(session, await make_vehicle(session), mpg2, d(9), d(12))  # meanwhile

    with pytest.raises(Conflict, match="changed since the preview"):
        await add_maintenance_moving_bookings(
            session, actor, mpg1.id, data, apply=True, expect=preview.moves
        )
    assert await session.scalar(select(func.count()).select_from(MaintenanceWindow)) == 0
    await session.refresh(booked)
    assert (booked.dyno_id, booked.start_date) == (mpg1.id, d(10))
