"""A small hand-made lab in the database for the plan tests: two brake dynos, a few requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.requests.models import TestRequest
from dyno_agent.requests.steps import parse_mileage_step
from dyno_agent.scheduling.models import Dyno, Vehicle
from tests.conftest import TODAY
from tests.factories import make_dyno, make_vehicle


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


async def make_request(
    session: AsyncSession,
    vehicle: Vehicle,
    *,
    days: int = 5,
    earliest: int = 1,
    desired: int | None = None,
    test_type: str = "brake",
    step: str = "0K-5K",
    priority: int = 3,
    status: str = "open",
) -> TestRequest:
    parsed = parse_mileage_step(step)
    request = TestRequest(
        vehicle_id=vehicle.id,
        test_type=test_type,
        mileage_step=parsed.label,
        step_from_miles=parsed.from_miles,
        step_to_miles=parsed.to_miles,
        days=days,
        earliest_start=day(earliest),
        desired_start=day(earliest if desired is None else desired),
        priority=priority,
        status=status,
    )
    session.add(request)
    await session.flush()
    return request


@dataclass
class Lab:
    d1: Dyno
    d2: Dyno
    car: Vehicle
    truck: Vehicle
    requests: list[TestRequest]


async def small_lab(session: AsyncSession) -> Lab:
    """Two dynos for brake tests; a car with two mileage steps and a truck with one test: three
    requests that all fit on their desired days (the car's second step right after its first)."""
    d1 = await make_dyno(session, "Plan D1")
    d2 = await make_dyno(session, "Plan D2")
    car = await make_vehicle(session, tag="CAR-1")
    truck = await make_vehicle(session, tag="TRUCK-1", drive_type="4WD", weight_lbs=12000)
    first = await make_request(session, car, days=5, earliest=1, step="0K-5K")
    second = await make_request(session, car, days=4, earliest=1, desired=6, step="5K-75K")
    third = await make_request(session, truck, days=3, earliest=2)
    return Lab(d1, d2, car, truck, [first, second, third])


OVERLAPS_SQL = """
SELECT count(*) FROM allocations a JOIN allocations b
  ON a.id < b.id
 AND (a.dyno_id = b.dyno_id OR a.vehicle_id = b.vehicle_id)
 AND daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
"""


async def overlaps(session: AsyncSession) -> int:
    """Pairs of live allocations sharing a day on one dyno or one vehicle, counted in SQL."""
    return int((await session.execute(text(OVERLAPS_SQL))).scalar_one())
