"""The agent's vehicle tools accept a tag wherever they accept a VIN, and name the vehicle by it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.tools import args, scheduling
from dyno_agent.agent.tools.base import ToolEnv
from dyno_agent.auth.actor import Actor
from dyno_agent.config import Settings
from tests.conftest import TODAY
from tests.factories import make_dyno, make_vehicle


async def test_auto_allocate_and_check_a_vehicle_by_tag(session: AsyncSession, settings: Settings):
    await make_dyno(session, rules=[("brake", "any", "any")])
    vehicle = await make_vehicle(session, tag="312W028")
    env = ToolEnv(session, Actor.system(), settings, TODAY)
    start = (TODAY + dt.timedelta(days=7)).isoformat()
    booked = await scheduling.auto_allocate_vehicle(
        env,
        args.AutoAllocateVehicleArgs.model_validate(
            {"tag": "312w028", "start_date": start, "days_to_complete": 2, "test_type": "brake"}
        ),
    )
    assert booked.ok and booked.data is not None
    assert booked.data["allocation"]["vehicle_id"] == vehicle.id

    checked = await scheduling.check_vehicle_allocation(
        env, args.VehicleRefArgs.model_validate({"tag": "312W028"})
    )
    assert checked.ok and checked.summary == "1 booking(s) for 312W028"
    assert checked.data is not None and checked.data["vehicle"]["tag"] == "312W028"
