"""Availability for a named vehicle: its own booking in the window is the answer, before any dyno;
an unknown test type comes with the closest known ones."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Dyno, Vehicle
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

D = TODAY + dt.timedelta(days=7)


def window(start: dt.date, days: int) -> dict[str, str]:
    return {
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days - 1)).isoformat(),
    }


@pytest.fixture
async def lab(session: AsyncSession) -> tuple[Dyno, Dyno, Vehicle]:
    first = await make_dyno(session, "MPG 1", rules=[("brake", "any", "any")])
    second = await make_dyno(
        session, "MPG 2", rules=[("brake", "any", "any"), ("emissions", "any", "any")]
    )
    vehicle = await make_vehicle(session, tag="312W028")
    await make_allocation(session, vehicle, first, D, D + dt.timedelta(days=2))
    return first, second, vehicle


async def test_a_vehicle_booked_in_the_window_gets_its_own_booking_first_and_no_free_dyno(
    client: httpx.AsyncClient, engineer: dict, lab: tuple[Dyno, Dyno, Vehicle]
):
    vehicle = lab[2]
    query = {**window(D + dt.timedelta(days=1), 2), "test_type": "brake", "vehicle_id": vehicle.id}
    response = await client.get("/api/v1/availability", params=query, headers=engineer)
    assert response.status_code == 200, response.text
    body = response.json()
    clash = body["vehicle_clash"]
    assert (clash["dyno"], clash["start_date"], clash["vehicle"]) == (
        "MPG 1",
        D.isoformat(),
        "312W028",
    )
    assert body["free"] == [] and body["free_count"] == 0
    assert body["message"].startswith(
        f"Vehicle 312W028 is already booked from {D} to {D + dt.timedelta(days=2)} on MPG 1"
    )
    assert "free:" not in body["message"]
    # the earliest both the vehicle and a dyno are free: the day after its booking
    assert body["earliest_start"] == (D + dt.timedelta(days=3)).isoformat()


async def test_the_same_vehicle_by_tag_outside_its_booking_sees_the_free_dynos(
    client: httpx.AsyncClient, engineer: dict, lab: tuple[Dyno, Dyno, Vehicle]
):
    query = {**window(D + dt.timedelta(days=3), 2), "test_type": "brake", "tag": "312w028"}
    response = await client.get("/api/v1/availability", params=query, headers=engineer)
    body = response.json()
    assert body["vehicle_clash"] is None
    assert [d["name"] for d in body["free"]] == ["MPG 1", "MPG 2"]


async def test_the_earliest_start_steps_over_the_vehicles_later_bookings(
    client: httpx.AsyncClient,
    session: AsyncSession,
    engineer: dict,
    lab: tuple[Dyno, Dyno, Vehicle],
):
    _, second, vehicle = lab
    later = D + dt.timedelta(days=3)
    await make_allocation(session, vehicle, second, later, later + dt.timedelta(days=1))
    query = {**window(D, 2), "test_type": "brake", "vehicle_id": vehicle.id}
    body = (await client.get("/api/v1/availability", params=query, headers=engineer)).json()
    assert body["vehicle_clash"]["allocation_id"] is not None
    assert body["earliest_start"] == (D + dt.timedelta(days=5)).isoformat()


async def test_a_vehicle_and_its_drive_type_together_are_refused(
    client: httpx.AsyncClient, engineer: dict, lab: tuple[Dyno, Dyno, Vehicle]
):
    query = {**window(D, 1), "test_type": "brake", "vehicle_id": lab[2].id, "drive_type": "AWD"}
    response = await client.get("/api/v1/availability", params=query, headers=engineer)
    error = error_body(response, 422, "invalid_input")
    assert error["details"]["field"] == "drive_type"


async def test_an_unknown_test_type_answers_with_the_closest_known_ones(
    client: httpx.AsyncClient, engineer: dict, lab: tuple[Dyno, Dyno, Vehicle]
):
    query = {**window(D, 1), "test_type": "emision", "drive_type": "2WD", "weight_lbs": 4000}
    body = (await client.get("/api/v1/availability", params=query, headers=engineer)).json()
    assert body["compatible"] is False
    assert body["suggestions"] == ["emissions"]
    assert body["message"].endswith("Did you mean 'emissions'?")
