"""API error wording: no pydantic "Value error," prefix; an unknown test type suggests the closest
known ones."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import make_dyno, make_vehicle

START = (TODAY + dt.timedelta(days=5)).isoformat()


@pytest.fixture
async def vehicle_id(session: AsyncSession) -> int:
    await make_dyno(session, "MPG 1", rules=[("brake", "any", "any"), ("emissions", "any", "any")])
    vehicle_id = (await make_vehicle(session)).id
    await session.commit()
    return vehicle_id


async def test_validation_messages_have_no_value_error_prefix(
    client: httpx.AsyncClient, engineer: dict
):
    body = {"test_type": "brake", "start_date": START, "days_to_complete": 2}
    response = await client.post("/api/v1/allocations/auto", headers=engineer, json=body)
    error = error_body(response, 422, "validation_error")
    assert "Value error" not in error["message"]
    assert error["details"]["errors"][0]["message"] == "give vehicle_id, tag or vin"


@pytest.mark.parametrize(
    ("url", "extra"), [("/api/v1/allocations/auto", {}), ("/api/v1/allocations", {"dyno": "MPG 1"})]
)
async def test_an_unknown_test_type_suggests_the_closest_known_ones(
    client: httpx.AsyncClient, engineer: dict, vehicle_id: int, url: str, extra: dict
):
    body = {"vehicle_id": vehicle_id, "test_type": "emision", "start_date": START}
    body |= {"days_to_complete": 2, **extra}
    response = await client.post(url, headers=engineer, json=body)
    error = error_body(response, 409, "not_compatible")
    assert error["message"].endswith("Did you mean 'emissions'?")
    assert error["message"].count("Did you mean") == 1
    assert error["details"]["suggestions"] == ["emissions"]


async def test_a_known_test_type_the_vehicle_cannot_take_gets_no_suggestion(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, vehicle_id: int
):
    await make_dyno(session, "MPG 2", rules=[("coastdown", "4WD", "any")])
    await session.commit()
    body = {"vehicle_id": vehicle_id, "test_type": "coastdown", "start_date": START}
    response = await client.post(
        "/api/v1/allocations/auto", headers=engineer, json=body | {"days_to_complete": 1}
    )
    error = error_body(response, 409, "not_compatible")
    assert "Did you mean" not in error["message"] and "suggestions" not in error["details"]
