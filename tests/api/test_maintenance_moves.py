"""Maintenance over booked days: the refusal names the bookings by dyno name, vehicle and dates;
`move-conflicting` previews where each booking would go, then applies it all or nothing."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Allocation, Dyno, MaintenanceWindow
from tests.api.conftest import error_body
from tests.factories import make_allocation, make_dyno, make_vehicle


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


class Lab:
    dyno_id: int
    first: int  # MPG 1, the 10th to the 12th (vehicle TAG-A)
    second: int  # MPG 1, the 14th and 15th (vehicle TAG-B)


@pytest.fixture
async def lab(session: AsyncSession) -> Lab:
    """MPG 1 booked on the 10th-12th and 14th-15th; MPG 2 (also brake) busy on the 10th-12th."""
    mpg1, mpg2 = await make_dyno(session, "MPG 1"), await make_dyno(session, "MPG 2")
    a, b = await make_vehicle(session, tag="TAG-A"), await make_vehicle(session, tag="TAG-B")
    lab = Lab()
    lab.dyno_id = mpg1.id
    lab.first = (await make_allocation(session, a, mpg1, d(10), d(12))).id
    lab.second = (await make_allocation(session, b, mpg1, d(14), d(15))).id
    await make_allocation(session, await make_vehicle(session), mpg2, d(10), d(12))
    await session.commit()
    return lab


async def placed(session: AsyncSession, allocation_id: int) -> tuple[str, dt.date, dt.date]:
    row = (
        await session.execute(
            select(Dyno.name, Allocation.start_date, Allocation.end_date)
            .join(Dyno, Dyno.id == Allocation.dyno_id)
            .where(Allocation.id == allocation_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    return (row[0], row[1], row[2])


async def window_count(session: AsyncSession) -> int:
    return len((await session.scalars(select(MaintenanceWindow.id))).all())


BODY = {"start_date": d(10).isoformat(), "end_date": d(14).isoformat(), "reason": "rollers"}


async def test_the_refusal_lists_the_bookings_by_dyno_name_vehicle_and_dates(
    client: httpx.AsyncClient, manager: dict, lab: Lab
):
    response = await client.post(
        f"/api/v1/dynos/{lab.dyno_id}/maintenance", headers=manager, json=BODY
    )
    body = error_body(response, 409, "maintenance_conflict")
    message = body["message"]
    assert message.startswith("MPG 1 is booked on some days from 2026-03-10 to 2026-03-14")
    assert "TAG-A (brake) 2026-03-10 to 2026-03-12" in message
    assert "TAG-B (brake) 2026-03-14 to 2026-03-15" in message
    assert f"Dyno {lab.dyno_id}" not in message
    assert [b["vehicle"] for b in body["details"]["bookings"]] == ["TAG-A", "TAG-B"]
    assert body["details"]["dyno"] == "MPG 1"


async def test_the_preview_shows_each_booking_at_its_best_free_slot_and_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, lab: Lab
):
    url = f"/api/v1/dynos/{lab.dyno_id}/maintenance/move-conflicting"
    response = await client.post(url, headers=manager, json=BODY)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["applied"], body["maintenance"], body["dyno"]) == (False, None, "MPG 1")
    moves = [
        (m["allocation_id"], m["from_dyno"], m["to_dyno"], m["to_start"], m["to_end"])
        for m in body["moves"]
    ]
    assert moves == [
        (lab.first, "MPG 1", "MPG 2", "2026-03-13", "2026-03-15"),  # earliest: MPG 2 after its
        (lab.second, "MPG 1", "MPG 1", "2026-03-15", "2026-03-16"),  # own booking
    ]
    assert await window_count(session) == 0
    assert await placed(session, lab.first) == ("MPG 1", d(10), d(12))
    assert await placed(session, lab.second) == ("MPG 1", d(14), d(15))


async def test_applying_moves_the_bookings_and_adds_the_window_in_one_step(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, lab: Lab
):
    url = f"/api/v1/dynos/{lab.dyno_id}/maintenance/move-conflicting"
    response = await client.post(url, headers=manager, json=BODY, params={"mode": "apply"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["applied"] is True and body["maintenance"]["start_date"] == "2026-03-10"
    assert await window_count(session) == 1
    assert await placed(session, lab.first) == ("MPG 2", d(13), d(15))
    assert await placed(session, lab.second) == ("MPG 1", d(15), d(16))


async def test_if_one_booking_cannot_move_nothing_is_done(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, lab: Lab
):
    second = await session.get_one(Allocation, lab.second)
    second.status = "running"  # a running test stays where it is
    await session.commit()
    url = f"/api/v1/dynos/{lab.dyno_id}/maintenance/move-conflicting"
    response = await client.post(url, headers=manager, json=BODY, params={"mode": "apply"})
    error_body(response, 409, "invalid_transition")
    assert await window_count(session) == 0
    assert await placed(session, lab.first) == ("MPG 1", d(10), d(12))


async def test_an_engineer_cannot_move_bookings_for_maintenance(
    client: httpx.AsyncClient, engineer: dict, lab: Lab
):
    url = f"/api/v1/dynos/{lab.dyno_id}/maintenance/move-conflicting"
    error_body(await client.post(url, headers=engineer, json=BODY), 403, "permission_denied")
