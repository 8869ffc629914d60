"""Notes and references on bookings over HTTP: set when booking, edited later by the booker or a
power user, validated with clear 4xx answers, searched with `q`, and kept in the audit trail."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.api.conftest import error_body
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

API = "/api/v1"
START = dt.date(2026, 3, 16)


class Lab:
    tokens: dict[str, dict[str, str]]
    manager_id: int
    dyno_id: int
    vehicle_id: int
    other_vehicle_id: int
    allocation_id: int

    def headers(self, who: str) -> dict[str, str]:
        return self.tokens[who]


@pytest.fixture
async def lab(session: AsyncSession) -> Lab:
    lab = Lab()
    users = {
        "owner": await make_user(session, Role.user),
        "other": await make_user(session, Role.user),
        "manager": await make_user(session, Role.power_user),
    }
    dyno = await make_dyno(session, "Notes 2WD", rules=[("brake", "2WD", "any")])
    vehicle = await make_vehicle(session, drive_type="2WD", weight_lbs=6000)
    other = await make_vehicle(session, drive_type="2WD", weight_lbs=6000)
    booked = await make_allocation(
        session, vehicle, dyno, START, START + dt.timedelta(days=2), created_by=users["owner"]
    )
    lab.tokens = {who: auth_header(user) for who, user in users.items()}
    lab.manager_id = users["manager"].id
    lab.dyno_id, lab.vehicle_id, lab.other_vehicle_id = dyno.id, vehicle.id, other.id
    lab.allocation_id = booked.id
    await session.commit()
    return lab


async def _notes(client: httpx.AsyncClient, lab: Lab, who: str, **body: object) -> httpx.Response:
    return await client.patch(
        f"{API}/allocations/{lab.allocation_id}/notes", json=body, headers=lab.headers(who)
    )


async def test_a_booking_made_with_a_note_and_reference_shows_them(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    body = {
        "vehicle_id": lab.other_vehicle_id,
        "test_type": "brake",
        "start_date": "2026-03-23",
        "days_to_complete": 2,
        "notes": "  waiting for tyres\r\nthen coast-down  ",
        "reference": "  WO-4471 ",
    }
    response = await client.post(f"{API}/allocations/auto", json=body, headers=lab.headers("other"))
    assert response.status_code == 201, response.text
    made = response.json()["allocation"]
    assert made["notes"] == "waiting for tyres\nthen coast-down"
    assert made["reference"] == "WO-4471"
    one = await client.get(f"{API}/allocations/{made['id']}", headers=lab.headers("owner"))
    assert (one.json()["notes"], one.json()["reference"]) == (made["notes"], "WO-4471")


async def test_a_booking_on_a_named_dyno_takes_a_note_too(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    body = {
        "vehicle_id": lab.other_vehicle_id,
        "dyno": "Notes 2WD",
        "test_type": "brake",
        "start_date": "2026-03-20",
        "days_to_complete": 1,
        "notes": "driver: Kim",
        "reference": "TR 2026/0012",
    }
    response = await client.post(f"{API}/allocations", json=body, headers=lab.headers("other"))
    assert response.status_code == 201, response.text
    assert (response.json()["notes"], response.json()["reference"]) == (
        "driver: Kim",
        "TR 2026/0012",
    )


async def test_the_booker_and_a_power_user_may_edit_notes_but_not_another_user(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    response = await _notes(client, lab, "owner", notes="waiting for tyres", reference="WO-1")
    assert response.status_code == 200, response.text
    assert (response.json()["notes"], response.json()["reference"]) == ("waiting for tyres", "WO-1")
    error_body(await _notes(client, lab, "other", notes="mine now"), 403, "permission_denied")
    response = await _notes(client, lab, "manager", reference="WO-2")
    assert (response.json()["notes"], response.json()["reference"]) == ("waiting for tyres", "WO-2")
    response = await _notes(client, lab, "owner", notes="")
    assert (response.json()["notes"], response.json()["reference"]) == (None, "WO-2")


async def test_appending_adds_a_line_and_refuses_to_replace_another_reference(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    await _notes(client, lab, "owner", notes="first", reference="WO-1")
    response = await _notes(client, lab, "owner", notes="second", reference="wo-1", append=True)
    assert response.json()["notes"] == "first\nsecond"
    assert response.json()["reference"] == "WO-1"
    body = error_body(
        await _notes(client, lab, "owner", reference="WO-9", append=True), 409, "note_overwrite"
    )
    assert body["details"]["reference"] == "WO-1" and "WO-9" in body["message"]


BAD_BODIES: list[tuple[dict[str, object], str | None]] = [
    ({"notes": "bell\x07here"}, "notes"),
    ({"notes": "spoof \u202eexe.txt"}, "notes"),
    ({"notes": "x" * 2001}, "notes"),
    ({"reference": "WO 44<script>"}, "reference"),
    ({"reference": "-starts-with-dash"}, "reference"),
    ({"reference": "W" * 65}, "reference"),
    ({}, None),
    ({"note": "typo in the field name"}, "note"),
]


async def test_bad_notes_and_references_are_refused_with_a_422_naming_the_field(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    for body, field in BAD_BODIES:
        error = error_body(await _notes(client, lab, "owner", **body), 422, "validation_error")
        text_ = str(error)
        assert field is None or field in text_, body
        assert "Value error" not in text_


async def test_q_finds_bookings_by_note_or_reference_ignoring_case(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
) -> None:
    await _notes(client, lab, "owner", notes="Waiting for TYRES", reference="WO-4471")
    for q, found in (("tyres", True), ("wo-44", True), ("100%", False), ("o_4", False)):
        response = await client.get(
            f"{API}/allocations", params={"q": q}, headers=lab.headers("other")
        )
        assert response.status_code == 200, response.text
        ids = [a["id"] for a in response.json()["items"]]
        assert (lab.allocation_id in ids) is found, q
    bad = {"q": "a\x01b"}
    response = await client.get(f"{API}/allocations", params=bad, headers=lab.headers("other"))
    error_body(response, 422, "invalid_input")


async def test_a_note_change_is_in_the_audit_trail_with_its_author(
    client: httpx.AsyncClient, lab: Lab
) -> None:
    await _notes(client, lab, "manager", notes="moved rig", reference="WO-7")
    history = await client.get(
        f"{API}/allocations/{lab.allocation_id}/history", headers=lab.headers("owner")
    )
    last = history.json()[-1]
    assert last["action"] == "update" and last["actor_id"] == lab.manager_id
    assert (last["after"]["notes"], last["after"]["reference"]) == ("moved rig", "WO-7")


async def test_the_database_refuses_a_malformed_reference_written_directly(
    session: AsyncSession, lab: Lab
) -> None:
    with pytest.raises(DBAPIError, match="reference_format"):
        async with session.begin_nested():
            await session.execute(
                text("UPDATE allocations SET reference = '<x>' WHERE id = :id"),
                {"id": lab.allocation_id},
            )
