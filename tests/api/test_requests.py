"""HTTP behaviour of /api/v1/requests: anyone signed in reads, power users create, edit, cancel."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.requests.models import TestRequest
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import make_vehicle

URL = "/api/v1/requests"
START = (TODAY + dt.timedelta(days=10)).isoformat()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(TestRequest)) or 0


@pytest.fixture
async def vehicle_id(session: AsyncSession) -> int:
    vehicle = await make_vehicle(session)
    await session.commit()
    return vehicle.id


def body(vehicle_id: int, /, **extra: object) -> dict:
    payload = {
        "vehicle_id": vehicle_id,
        "test_type": "150K Mileage",
        "mileage_step": "0K - 5K",
        "days": 7,
        "earliest_start": START,
        **extra,
    }
    return {key: value for key, value in payload.items() if value is not ...}


async def create(
    client: httpx.AsyncClient, headers: dict, vehicle_id: int, **extra: object
) -> dict:
    response = await client.post(URL, headers=headers, json=body(vehicle_id, **extra))
    assert response.status_code == 201, response.text
    return response.json()


# Create -------------------------------------------------------------------------------------------
async def test_a_power_user_creates_an_open_request_with_normalised_values(
    client: httpx.AsyncClient, manager: dict, vehicle_id: int
):
    created = await create(client, manager, vehicle_id, priority=5)

    assert created["status"] == "open"
    assert (created["test_type"], created["mileage_step"]) == ("150k mileage", "0K-5K")
    assert (created["step_from_miles"], created["step_to_miles"]) == (0, 5000)
    assert created["desired_start"] == created["earliest_start"] == START
    assert (created["priority"], created["allocation_id"]) == (5, None)
    fetched = await client.get(f"{URL}/{created['id']}", headers=manager)
    assert fetched.json() == created


async def test_requests_name_their_vehicle_by_tag_too(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict
):
    first, second = await make_vehicle(session), await make_vehicle(session)
    await session.commit()
    payload = body(..., tag=first.tag.lower())  # tags are matched as the lab writes them
    created = await client.post(URL, headers=manager, json=payload)
    assert created.status_code == 201, created.text
    assert created.json()["vehicle_id"] == first.id

    moved = await client.patch(
        f"{URL}/{created.json()['id']}", headers=manager, json={"tag": second.tag}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["vehicle_id"] == second.id


async def test_an_engineer_may_not_create_a_request(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, vehicle_id: int
):
    response = await client.post(URL, headers=engineer, json=body(vehicle_id))
    assert error_body(response, 403, "permission_denied")["details"]["required_role"] == (
        "power_user"
    )
    assert await count(session) == 0


async def test_without_a_token_nothing_is_readable(client: httpx.AsyncClient):
    error_body(await client.get(URL), 401, "not_authenticated")


async def test_the_same_vehicle_test_and_step_twice_is_a_409(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, vehicle_id: int
):
    first = await create(client, manager, vehicle_id)
    response = await client.post(
        URL, headers=manager, json=body(vehicle_id, mileage_step="0k-5k", test_type="150k mileage")
    )
    assert error_body(response, 409, "already_exists")["details"]["request_id"] == first["id"]
    assert await count(session) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 121}, "days"),
        ({"priority": 6}, "priority"),
        ({"priority": 0}, "priority"),
        ({"mileage_step": "75K-5K"}, "mileage_step"),
        ({"mileage_step": ""}, "mileage_step"),
        ({"earliest_start": "2026-03-12T10:00"}, "earliest_start"),
        ({"earliest_start": "1999-12-31"}, "earliest_start"),
        ({"desired_start": "2026-03-11"}, "desired_start"),
        ({"test_type": "brake\x00"}, "test_type"),
        ({"notes": "x\x00"}, "notes"),
        ({"status": "booked"}, "status"),
        ({"allocation_id": 1}, "allocation_id"),
        ({"vin": "not a vin"}, "vin"),
        ({"vehicle_id": 0}, "vehicle_id"),
        ({"vehicle_id": ...}, None),  # neither vehicle_id nor vin
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    session: AsyncSession,
    manager: dict,
    vehicle_id: int,
    change: dict,
    field: str | None,
):
    response = await client.post(URL, headers=manager, json=body(vehicle_id, **change))
    payload = response.json()
    assert response.status_code == 422, response.text
    assert payload["error"] in ("validation_error", "invalid_input")
    if field is not None:
        assert field in response.text
    assert await count(session) == 0


async def test_an_unknown_vehicle_is_a_404(client: httpx.AsyncClient, manager: dict):
    error_body(
        await client.post(URL, headers=manager, json=body(999_999)), 404, "vehicle_not_found"
    )


# Read and list ------------------------------------------------------------------------------------
async def test_anyone_signed_in_lists_requests_filtered_and_paged(
    client: httpx.AsyncClient, manager: dict, engineer: dict, vehicle_id: int
):
    a = await create(client, manager, vehicle_id, priority=5)
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    b = await create(client, manager, vehicle_id, mileage_step="5K-75K", earliest_start=later)
    c = await create(client, manager, vehicle_id, test_type="brake", mileage_step="P702")
    await client.post(f"{URL}/{c['id']}/cancel", headers=manager)

    async def ids(**params: object) -> list[int]:
        response = await client.get(URL, headers=engineer, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [a["id"], c["id"], b["id"]]
    assert await ids(status="open") == [a["id"], b["id"]]
    assert await ids(test_type="BRAKE") == [c["id"]]
    assert await ids(mileage_step="5k - 75k") == [b["id"]]
    assert await ids(min_priority=4) == [a["id"]]
    assert await ids(vehicle_id=vehicle_id, start_date=later) == [b["id"]]
    assert await ids(end_date=START) == [a["id"], c["id"]]
    page = (await client.get(URL, headers=engineer, params={"limit": 1, "offset": 2})).json()
    assert (page["total"], [i["id"] for i in page["items"]]) == (3, [b["id"]])


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done"},
        {"min_priority": 9},
        {"start_date": "2026-03-10", "end_date": "2026-03-01"},
        {"start_date": "yesterday"},
        {"mileage_step": "9K-1K"},
        {"limit": 0},
    ],
)
async def test_bad_list_filters_are_a_422(client: httpx.AsyncClient, engineer: dict, params: dict):
    response = await client.get(URL, headers=engineer, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"] in ("validation_error", "invalid_input")


async def test_an_unknown_request_is_a_404(client: httpx.AsyncClient, engineer: dict):
    error_body(await client.get(f"{URL}/999999", headers=engineer), 404, "test_request_not_found")


# Edit and cancel ----------------------------------------------------------------------------------
async def test_a_power_user_edits_only_the_fields_sent(
    client: httpx.AsyncClient, manager: dict, vehicle_id: int
):
    created = await create(client, manager, vehicle_id, notes="keep")
    desired = (TODAY + dt.timedelta(days=14)).isoformat()
    response = await client.patch(
        f"{URL}/{created['id']}",
        headers=manager,
        json={"desired_start": desired, "mileage_step": "75K 150K", "days": 90},
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert (edited["desired_start"], edited["mileage_step"], edited["days"]) == (
        desired,
        "75K-150K",
        90,
    )
    assert edited["notes"] == "keep"


@pytest.mark.parametrize(
    "change", [{"days": None}, {"priority": 0}, {"status": "open"}, {"earliest_start": 0}]
)
async def test_bad_edits_are_a_422(
    client: httpx.AsyncClient, manager: dict, vehicle_id: int, change: dict
):
    created = await create(client, manager, vehicle_id)
    response = await client.patch(f"{URL}/{created['id']}", headers=manager, json=change)
    assert response.status_code == 422, response.text


async def test_an_edit_into_another_requests_key_is_a_409(
    client: httpx.AsyncClient, manager: dict, vehicle_id: int
):
    await create(client, manager, vehicle_id)
    second = await create(client, manager, vehicle_id, mileage_step="5K-75K")
    response = await client.patch(
        f"{URL}/{second['id']}", headers=manager, json={"mileage_step": "0K-5K"}
    )
    error_body(response, 409, "already_exists")


async def test_an_engineer_may_read_but_not_edit_or_cancel(
    client: httpx.AsyncClient, manager: dict, engineer: dict, vehicle_id: int
):
    created = await create(client, manager, vehicle_id)
    path = f"{URL}/{created['id']}"
    assert (await client.get(path, headers=engineer)).status_code == 200
    error_body(
        await client.patch(path, headers=engineer, json={"priority": 1}), 403, "permission_denied"
    )
    error_body(await client.post(f"{path}/cancel", headers=engineer), 403, "permission_denied")
    assert (await client.get(path, headers=engineer)).json()["status"] == "open"


async def test_a_cancelled_request_is_final(
    client: httpx.AsyncClient, manager: dict, vehicle_id: int
):
    created = await create(client, manager, vehicle_id)
    path = f"{URL}/{created['id']}"
    cancelled = await client.post(f"{path}/cancel", headers=manager)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    error_body(await client.post(f"{path}/cancel", headers=manager), 409, "invalid_transition")
    error_body(
        await client.patch(path, headers=manager, json={"priority": 1}), 409, "invalid_transition"
    )
    # its key is free again
    assert (await create(client, manager, vehicle_id))["id"] != created["id"]
