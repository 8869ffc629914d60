"""Vehicles by tag over HTTP: tag required and unique, VIN optional, placeholders get their tag
later and keep their bookings, and bookings and listings accept a tag wherever they accept a VIN."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.conftest import TODAY
from tests.factories import auth_header, make_dyno, make_user, make_vehicle

VEHICLES = "/api/v1/vehicles"
ALLOCATIONS = "/api/v1/allocations"
MONDAY = (TODAY + dt.timedelta(days=7)).isoformat()


@pytest.fixture
async def lab(session: AsyncSession) -> dict:
    engineer = await make_user(session, Role.user)
    dyno = await make_dyno(session, "VTS #1", rules=[("brake", "any", "any")], facility="VTS")
    tagged = await make_vehicle(session, tag="312W028", vin="1FTFW1E50PFA12345")
    await session.commit()  # so a failed request's rollback keeps it
    return {"headers": auth_header(engineer), "dyno_id": dyno.id, "tagged_id": tagged.id}


def error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code and body["message"]
    return body


# Registering ------------------------------------------------------------------------------------
async def test_a_vehicle_registers_with_a_tag_and_no_vin(client: httpx.AsyncClient, lab: dict):
    response = await client.post(
        VEHICLES,
        headers=lab["headers"],
        json={"tag": " 312w  030 ", "drive_type": "AWD", "weight_lbs": 5200, "model_year": 2027},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tag"] == "312W 030" and body["vin"] is None and body["model_year"] == 2027
    assert body["is_placeholder"] is False and body["label"] == "312W 030"


async def test_a_taken_tag_is_a_409_naming_the_vehicle(client: httpx.AsyncClient, lab: dict):
    response = await client.post(
        VEHICLES,
        headers=lab["headers"],
        json={"tag": "312w028", "drive_type": "AWD", "weight_lbs": 5000},
    )
    body = error(response, 409, "already_exists")
    assert body["details"] == {"tag": "312W028", "vehicle_id": lab["tagged_id"]}


@pytest.mark.parametrize(
    "tag", ["TBD-2027 P702", "tbd - 2027 s650", "x" * 41, "-312", "312W\u00e9", "312W;DROP"]
)
async def test_a_placeholder_text_or_a_malformed_tag_is_refused(
    client: httpx.AsyncClient, lab: dict, tag: str
):
    response = await client.post(
        VEHICLES, headers=lab["headers"], json={"tag": tag, "drive_type": "AWD", "weight_lbs": 5000}
    )
    error(response, 422, "validation_error")


async def test_a_vin_with_a_wrong_check_digit_is_refused(client: httpx.AsyncClient, lab: dict):
    response = await client.post(
        VEHICLES,
        headers=lab["headers"],
        json={
            "tag": "312W031",
            "vin": "1FTFW1E50PFA00077",
            "drive_type": "2WD",
            "weight_lbs": 5000,
        },
    )
    body = error(response, 422, "validation_error")
    assert "check digit" in body["message"]


async def test_a_vehicle_given_only_a_vin_gets_it_as_its_tag(client: httpx.AsyncClient, lab: dict):
    vin = "1FTFW1E58PFA00077"
    response = await client.post(
        VEHICLES, headers=lab["headers"], json={"vin": vin, "drive_type": "2WD", "weight_lbs": 5000}
    )
    assert response.status_code == 201, response.text
    assert response.json()["tag"] == vin


# Placeholders -----------------------------------------------------------------------------------
async def test_a_placeholder_gets_its_tag_later_and_keeps_its_id_and_bookings(
    client: httpx.AsyncClient, lab: dict
):
    headers = lab["headers"]
    created = await client.post(
        VEHICLES,
        headers=headers,
        json={
            "placeholder_key": "TBD-2027 P702#3",
            "drive_type": "AWD",
            "program": "P702",
            "weight_lbs": 5000,
        },
    )
    assert created.status_code == 201, created.text
    placeholder = created.json()
    assert placeholder["tag"] is None and placeholder["is_placeholder"] is True
    assert placeholder["label"] == "TBD-2027 P702#3"
    listed = await client.get(VEHICLES, headers=headers, params={"placeholder": "true"})
    assert [v["id"] for v in listed.json()["items"]] == [placeholder["id"]]

    booked = await client.post(
        f"{ALLOCATIONS}/auto",
        headers=headers,
        json={
            "vehicle_id": placeholder["id"],
            "test_type": "brake",
            "start_date": MONDAY,
            "days_to_complete": 3,
        },
    )
    assert booked.status_code == 201, booked.text

    assigned = await client.patch(
        f"{VEHICLES}/{placeholder['id']}", headers=headers, json={"tag": "312w240"}
    )
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert (body["id"], body["tag"], body["is_placeholder"]) == (
        placeholder["id"],
        "312W240",
        False,
    )
    assert body["placeholder_key"] == "TBD-2027 P702#3"  # kept, so a re-import finds it

    by_tag = await client.get(ALLOCATIONS, headers=headers, params={"tag": "312W240"})
    assert [a["id"] for a in by_tag.json()["items"]] == [booked.json()["allocation"]["id"]]
    assert by_tag.json()["items"][0]["vehicle"]["tag"] == "312W240"


async def test_a_taken_tag_cannot_be_assigned_nor_a_tag_removed(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
):
    placeholder = await make_vehicle(session, placeholder_key="TBD-2027 P702#4")
    placeholder_id = placeholder.id
    await session.commit()
    url = f"{VEHICLES}/{placeholder_id}"
    error(
        await client.patch(url, headers=lab["headers"], json={"tag": "312W028"}),
        409,
        "already_exists",
    )
    error(
        await client.patch(url, headers=lab["headers"], json={"tag": None}),
        422,
        "validation_error",
    )


async def test_two_placeholders_cannot_share_a_key(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
):
    await make_vehicle(session, placeholder_key="TBD-2027 P702#5")
    await session.commit()
    response = await client.post(
        VEHICLES,
        headers=lab["headers"],
        json={"placeholder_key": "tbd-2027  p702#5", "drive_type": "AWD", "weight_lbs": 5000},
    )
    error(response, 409, "already_exists")


# Lookups by tag ---------------------------------------------------------------------------------
async def test_the_vehicle_list_filters_by_exact_tag_and_searches_tags(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
):
    await make_vehicle(session, tag="312W0281")
    await session.commit()
    exact = await client.get(VEHICLES, headers=lab["headers"], params={"tag": "312w028"})
    assert [v["id"] for v in exact.json()["items"]] == [lab["tagged_id"]]
    search = await client.get(VEHICLES, headers=lab["headers"], params={"q": "312w02"})
    assert search.json()["total"] == 2
    error(
        await client.get(VEHICLES, headers=lab["headers"], params={"tag": "bad;tag"}),
        422,
        "invalid_input",
    )


async def test_named_dyno_booking_by_tag_and_a_tag_that_disagrees_with_the_id(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
):
    body = {"dyno": "VTS #1", "test_type": "brake", "start_date": MONDAY, "days_to_complete": 2}
    booked = await client.post(ALLOCATIONS, headers=lab["headers"], json={**body, "tag": "312w028"})
    assert booked.status_code == 201, booked.text
    assert booked.json()["vehicle_id"] == lab["tagged_id"]

    other = await make_vehicle(session, tag="312W099")
    other_id = other.id
    await session.commit()
    mismatch = await client.post(
        f"{ALLOCATIONS}/auto",
        headers=lab["headers"],
        json={
            "vehicle_id": other_id,
            "tag": "312W028",
            "test_type": "brake",
            "start_date": MONDAY,
            "days_to_complete": 1,
        },
    )
    assert error(mismatch, 422, "invalid_input")["details"]["field"] == "tag"
    unknown = await client.post(
        ALLOCATIONS, headers=lab["headers"], json={**body, "tag": "999X999"}
    )
    error(unknown, 404, "vehicle_not_found")
