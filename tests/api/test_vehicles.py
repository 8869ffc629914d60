"""HTTP behaviour of /api/v1/vehicles: anyone signed in registers and edits, power_user deletes."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Vehicle
from tests.api.conftest import error_body
from tests.factories import make_allocation, make_dyno, make_vehicle

URL = "/api/v1/vehicles"
VIN = "1FTFW1E58PFA00001"  # a valid check digit


# Setup is committed before requesting, so a failed request's rollback keeps it; the rollback
# expires every loaded object, so tests keep plain ids rather than reading ORM objects afterwards.


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Vehicle)) or 0


# Create -------------------------------------------------------------------------------------------
async def test_an_engineer_registers_a_vehicle_with_normalised_values(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    response = await client.post(
        URL,
        headers=engineer,
        json={"vin": VIN.lower(), "drive_type": "4x4", "weight_lbs": 12500, "program": "F-250"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["vin"], body["drive_type"], body["weight_class"]) == (VIN, "4WD", ">10K")
    assert body["program"] == "F-250" and body["id"] > 0 and body["created_at"]
    stored = await session.get(Vehicle, body["id"])
    assert stored is not None and stored.drive_type == "4WD"


@pytest.mark.parametrize(("given", "stored"), [("RWD/AWD", "AWD"), ("fwd", "2WD"), ("4X4", "4WD")])
async def test_drive_synonyms_over_http(
    client: httpx.AsyncClient, engineer: dict, given: str, stored: str
):
    response = await client.post(
        URL, headers=engineer, json={"vin": VIN, "drive_type": given, "weight_class": "<10k"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["drive_type"] == stored


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"vin": "SHORT", "drive_type": "AWD", "weight_lbs": 5000}, "vin"),
        ({"vin": VIN, "drive_type": "hover", "weight_lbs": 5000}, "drive_type"),
        ({"vin": VIN, "drive_type": "AWD", "weight_lbs": 90000}, "weight_lbs"),
        ({"vin": VIN, "drive_type": "AWD"}, ""),
        ({"vin": VIN, "drive_type": "AWD", "weight_lbs": 5000, "weight_class": ">10K"}, ""),
        ({"drive_type": "AWD", "weight_lbs": 5000}, ""),  # no tag, VIN or placeholder key
    ],
)
async def test_invalid_vehicles_get_a_422_naming_the_field(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, payload: dict, field: str
):
    body = error_body(
        await client.post(URL, headers=engineer, json=payload), 422, "validation_error"
    )
    assert field in [e["field"] for e in body["details"]["errors"]]
    assert await count(session) == 0


async def test_a_taken_vin_is_a_409(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    existing_id = (await make_vehicle(session, vin=VIN)).id
    await session.commit()
    response = await client.post(
        URL, headers=engineer, json={"vin": VIN, "drive_type": "AWD", "weight_lbs": 5000}
    )
    body = error_body(response, 409, "already_exists")
    assert body["details"] == {"vin": VIN, "vehicle_id": existing_id}
    assert await count(session) == 1


async def test_without_a_token_it_is_a_401(client: httpx.AsyncClient):
    error_body(await client.get(URL), 401, "not_authenticated")
    response = await client.post(URL, json={"vin": VIN, "drive_type": "AWD", "weight_lbs": 1})
    error_body(response, 401, "not_authenticated")


# Read ---------------------------------------------------------------------------------------------
async def test_list_is_paginated_and_filtered(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    made = [(await make_vehicle(session, drive_type="AWD")).id for _ in range(3)]
    heavy = await make_vehicle(session, drive_type="4WD", weight_lbs=15000, program="Super Duty")
    heavy_id, heavy_vin = heavy.id, heavy.vin
    await session.commit()

    page = (await client.get(URL, headers=engineer, params={"limit": 2, "offset": 1})).json()
    assert page["total"] == 4 and (page["limit"], page["offset"]) == (2, 1)
    assert [v["id"] for v in page["items"]] == [made[1], made[2]]

    page = (await client.get(URL, headers=engineer, params={"drive_type": "4x4"})).json()
    assert [v["id"] for v in page["items"]] == [heavy_id] and page["total"] == 1
    page = (await client.get(URL, headers=engineer, params={"weight_class": "<10k"})).json()
    assert page["total"] == 3
    page = (await client.get(URL, headers=engineer, params={"q": "super"})).json()
    assert [v["vin"] for v in page["items"]] == [heavy_vin]
    default = (await client.get(URL, headers=engineer)).json()
    assert (default["limit"], default["offset"], len(default["items"])) == (50, 0, 4)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "validation_error"),
        ({"limit": 501}, "validation_error"),
        ({"offset": -1}, "validation_error"),
        ({"drive_type": "hover"}, "invalid_input"),
        ({"weight_class": "heavy"}, "invalid_input"),
    ],
)
async def test_bad_list_parameters_are_a_422(
    client: httpx.AsyncClient, engineer: dict, params: dict, code: str
):
    error_body(await client.get(URL, headers=engineer, params=params), 422, code)


async def test_get_one_and_404(client: httpx.AsyncClient, session: AsyncSession, engineer: dict):
    vehicle_id = (await make_vehicle(session, vin=VIN)).id
    await session.commit()
    response = await client.get(f"{URL}/{vehicle_id}", headers=engineer)
    assert response.status_code == 200 and response.json()["vin"] == VIN
    body = error_body(
        await client.get(f"{URL}/{vehicle_id + 1000}", headers=engineer), 404, "vehicle_not_found"
    )
    assert body["details"] == {"vehicle_id": vehicle_id + 1000}
    error_body(await client.get(f"{URL}/abc", headers=engineer), 422, "validation_error")


# Update -------------------------------------------------------------------------------------------
async def test_an_engineer_edits_a_vehicle(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    vehicle_id = (await make_vehicle(session, drive_type="2WD", weight_lbs=6000)).id
    await session.commit()
    response = await client.patch(
        f"{URL}/{vehicle_id}", headers=engineer, json={"weight_lbs": 11000, "drive_type": "awd"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["weight_lbs"], body["weight_class"], body["drive_type"]) == (11000, ">10K", "AWD")
    stored = await session.scalar(select(Vehicle.weight_class).where(Vehicle.id == vehicle_id))
    assert stored == ">10K"


async def test_update_errors(client: httpx.AsyncClient, session: AsyncSession, engineer: dict):
    vehicle = await make_vehicle(session, weight_lbs=6000)
    vehicle_id, vehicle_vin = vehicle.id, vehicle.vin
    taken_id = (await make_vehicle(session, vin=VIN)).id
    await session.commit()
    url = f"{URL}/{vehicle_id}"
    body = error_body(
        await client.patch(url, headers=engineer, json={"weight_class": ">10K"}),
        422,
        "invalid_input",
    )
    assert body["details"]["field"] == "weight_class"
    body = error_body(
        await client.patch(url, headers=engineer, json={"vin": VIN}), 409, "already_exists"
    )
    assert body["details"]["vehicle_id"] == taken_id
    error_body(
        await client.patch(url, headers=engineer, json={"vin": None}), 422, "validation_error"
    )
    error_body(
        await client.patch(url, headers=engineer, json={"wheels": 4}), 422, "validation_error"
    )
    missing = f"{URL}/{vehicle_id + 1000}"
    error_body(await client.patch(missing, headers=engineer, json={}), 404, "vehicle_not_found")
    error_body(await client.patch(url, json={"program": "x"}), 401, "not_authenticated")
    stored = await session.get(Vehicle, vehicle_id)
    assert stored is not None and (stored.weight_class, stored.vin) == ("<10K", vehicle_vin)


# Delete -------------------------------------------------------------------------------------------
async def test_deleting_needs_power_user(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, manager: dict
):
    url = f"{URL}/{(await make_vehicle(session)).id}"
    await session.commit()
    body = error_body(await client.delete(url, headers=engineer), 403, "permission_denied")
    assert body["details"] == {"required_role": "power_user"}
    assert await count(session) == 1
    response = await client.delete(url, headers=manager)
    assert response.status_code == 204 and response.content == b""
    assert await count(session) == 0
    error_body(await client.delete(url, headers=manager), 404, "vehicle_not_found")


async def test_a_booked_vehicle_cannot_be_deleted(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict
):
    vehicle = await make_vehicle(session)
    day = dt.date(2026, 3, 10)
    allocation = await make_allocation(session, vehicle, await make_dyno(session), day, day)
    url, allocation_id = f"{URL}/{vehicle.id}", allocation.id
    await session.commit()
    body = error_body(await client.delete(url, headers=manager), 409, "in_use")
    assert body["details"]["allocation_ids"] == [allocation_id]
    assert await count(session) == 1
