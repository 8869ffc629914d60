"""Changing what others have booked: who may edit a booked vehicle, changes that would strand open
bookings (409 unless a power user forces them onto the conflicts report), and deleting a dyno that
has maintenance windows."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role, User
from dyno_agent.scheduling.models import Dyno, MaintenanceWindow, Vehicle
from tests.api.conftest import error_body
from tests.factories import (
    auth_header,
    make_allocation,
    make_dyno,
    make_maintenance,
    make_user,
    make_vehicle,
)

API = "/api/v1"
START = dt.date(2026, 3, 16)
END = dt.date(2026, 3, 18)

# Setup is committed before requesting, so a failed request's rollback keeps it; the rollback
# expires loaded objects, so tests keep plain ids.


class Lab:
    """Two engineers, a power user, a 2WD brake dyno and a vehicle booked on it by `owner`."""

    users: dict[str, User]
    tokens: dict[str, dict[str, str]]
    dyno_id: int
    vehicle_id: int
    allocation_id: int

    def headers(self, who: str) -> dict[str, str]:
        return self.tokens[who]


@pytest.fixture
async def lab(session: AsyncSession) -> Lab:
    lab = Lab()
    lab.users = {
        "owner": await make_user(session, Role.user),
        "other": await make_user(session, Role.user),
        "manager": await make_user(session, Role.power_user),
    }
    lab.tokens = {who: auth_header(user) for who, user in lab.users.items()}
    dyno = await make_dyno(session, "Brake 2WD", rules=[("brake", "2WD", "any")])
    vehicle = await make_vehicle(session, drive_type="2WD", weight_lbs=6000)
    owner = lab.users["owner"]
    booking = await make_allocation(session, vehicle, dyno, START, END, created_by=owner)
    lab.dyno_id, lab.vehicle_id, lab.allocation_id = dyno.id, vehicle.id, booking.id
    await session.commit()
    return lab


async def stored(session: AsyncSession, model: type, row_id: int):  # type: ignore[no-untyped-def]
    row = await session.get(model, row_id)
    assert row is not None
    await session.refresh(row)
    return row


async def conflicts(client: httpx.AsyncClient, lab: Lab) -> list[tuple[str, list[int]]]:
    response = await client.get(f"{API}/conflicts", headers=lab.headers("manager"))
    assert response.status_code == 200, response.text
    return [(c["kind"], c["allocation_ids"]) for c in response.json()]


# Who may edit a booked vehicle --------------------------------------------------------------------
async def test_a_user_cannot_edit_a_vehicle_someone_else_has_booked(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    response = await client.patch(
        f"{API}/vehicles/{lab.vehicle_id}",
        json={"program": "hijacked"},
        headers=lab.headers("other"),
    )

    body = error_body(response, 403, "permission_denied")
    assert body["details"]["allocation_ids"] == [lab.allocation_id]
    assert (await stored(session, Vehicle, lab.vehicle_id)).program == "P708"


async def test_the_owner_of_all_open_bookings_and_power_users_may_edit_it(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    for who, program in (("owner", "mine"), ("manager", "managed")):
        response = await client.patch(
            f"{API}/vehicles/{lab.vehicle_id}", json={"program": program}, headers=lab.headers(who)
        )
        assert response.status_code == 200, response.text
        assert response.json()["program"] == program


async def test_one_foreign_open_booking_is_enough_to_refuse_the_owner(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    vehicle = await session.get(Vehicle, lab.vehicle_id)
    dyno = await session.get(Dyno, lab.dyno_id)
    assert vehicle is not None and dyno is not None
    later = START + dt.timedelta(days=10)
    await make_allocation(session, vehicle, dyno, later, later, created_by=lab.users["other"])
    await session.commit()

    response = await client.patch(
        f"{API}/vehicles/{lab.vehicle_id}", json={"program": "x"}, headers=lab.headers("owner")
    )
    error_body(response, 403, "permission_denied")


async def test_closed_bookings_do_not_restrict_editing(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    vehicle = await make_vehicle(session)
    dyno = await session.get(Dyno, lab.dyno_id)
    assert dyno is not None
    await make_allocation(
        session, vehicle, dyno, START, START, status="cancelled", created_by=lab.users["owner"]
    )
    vehicle_id = vehicle.id
    await session.commit()
    response = await client.patch(
        f"{API}/vehicles/{vehicle_id}", json={"program": "free"}, headers=lab.headers("other")
    )
    assert response.status_code == 200, response.text


# Changes that strand open bookings ----------------------------------------------------------------
async def test_a_drive_change_that_strands_bookings_is_409_listing_them(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    response = await client.patch(
        f"{API}/vehicles/{lab.vehicle_id}", json={"drive_type": "AWD"}, headers=lab.headers("owner")
    )

    body = error_body(response, 409, "strands_bookings")
    [booking] = body["details"]["bookings"]
    assert booking["allocation_id"] == lab.allocation_id
    assert (booking["dyno"], booking["start_date"], booking["end_date"]) == (
        "Brake 2WD",
        "2026-03-16",
        "2026-03-18",
    )
    assert booking["reasons"] == ["incompatible"] and booking["vehicle_id"] == lab.vehicle_id
    assert f"#{lab.allocation_id}" in body["message"]
    assert (await stored(session, Vehicle, lab.vehicle_id)).drive_type == "2WD"
    assert await conflicts(client, lab) == []


async def test_only_a_power_user_may_force_it_and_the_booking_goes_on_the_conflicts_report(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    url = f"{API}/vehicles/{lab.vehicle_id}"
    owner = await client.patch(
        url, params={"force": "true"}, json={"drive_type": "AWD"}, headers=lab.headers("owner")
    )
    error_body(owner, 403, "permission_denied")

    forced = await client.patch(
        url, params={"force": "true"}, json={"drive_type": "AWD"}, headers=lab.headers("manager")
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["drive_type"] == "AWD"
    assert await conflicts(client, lab) == [("incompatible", [lab.allocation_id])]


async def test_a_heavier_vehicle_strands_a_light_only_rule(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    dyno = await session.get(Dyno, lab.dyno_id)
    vehicle = await make_vehicle(session, weight_lbs=8000)
    assert dyno is not None
    light = await make_dyno(session, "Light", rules=[("brake", "any", "<10K")])
    booking = await make_allocation(
        session, vehicle, light, START, END, created_by=lab.users["owner"]
    )
    vehicle_id, booking_id = vehicle.id, booking.id
    await session.commit()

    response = await client.patch(
        f"{API}/vehicles/{vehicle_id}", json={"weight_lbs": 12000}, headers=lab.headers("owner")
    )
    body = error_body(response, 409, "strands_bookings")
    assert [b["allocation_id"] for b in body["details"]["bookings"]] == [booking_id]
    same_class = await client.patch(
        f"{API}/vehicles/{vehicle_id}", json={"weight_lbs": 9000}, headers=lab.headers("owner")
    )
    assert same_class.status_code == 200, same_class.text


async def test_replacing_dyno_rules_that_strands_bookings_is_409_unless_forced(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    url = f"{API}/dynos/{lab.dyno_id}/rules"
    evap_only = [{"test_type": "evap", "drive_type": "any", "weight_class": "any"}]
    refused = await client.put(url, json=evap_only, headers=lab.headers("manager"))
    body = error_body(refused, 409, "strands_bookings")
    assert [b["allocation_id"] for b in body["details"]["bookings"]] == [lab.allocation_id]

    widened = [{"test_type": "brake", "drive_type": "any", "weight_class": "any"}]
    kept = await client.put(url, json=widened, headers=lab.headers("manager"))
    assert kept.status_code == 200, kept.text

    forced = await client.put(
        url, params={"force": True}, json=evap_only, headers=lab.headers("manager")
    )
    assert forced.status_code == 200, forced.text
    assert await conflicts(client, lab) == [("incompatible", [lab.allocation_id])]


@pytest.mark.parametrize(
    ("change", "reason", "kind"),
    [
        ({"enabled": False}, "dyno_disabled", "dyno_disabled"),
        ({"available_to": "2026-03-17"}, "outside_commissioning", "outside_commissioning"),
        ({"available_from": "2026-03-17"}, "outside_commissioning", "outside_commissioning"),
        (
            {"rules": [{"test_type": "brake", "drive_type": "AWD", "weight_class": "any"}]},
            "incompatible",
            "incompatible",
        ),
    ],
)
async def test_dyno_changes_that_strand_bookings_are_409_unless_forced(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab, change: dict, reason: str, kind: str
):
    url = f"{API}/dynos/{lab.dyno_id}"
    refused = await client.patch(url, json=change, headers=lab.headers("manager"))
    body = error_body(refused, 409, "strands_bookings")
    assert [b["reasons"] for b in body["details"]["bookings"]] == [[reason]]
    assert (await stored(session, Dyno, lab.dyno_id)).enabled is True

    forced = await client.patch(
        url, params={"force": "true"}, json=change, headers=lab.headers("manager")
    )
    assert forced.status_code == 200, forced.text
    assert await conflicts(client, lab) == [(kind, [lab.allocation_id])]

    # The booking is already stranded: unrelated edits of the dyno go through.
    renamed = await client.patch(url, json={"notes": "known issue"}, headers=lab.headers("manager"))
    assert renamed.status_code == 200, renamed.text


async def test_changes_that_keep_bookings_valid_or_touch_only_closed_ones_pass(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    dyno = await make_dyno(session, "Old runs", rules=[("brake", "any", "any")])
    vehicle = await make_vehicle(session)
    await make_allocation(session, vehicle, dyno, START, END, status="completed")
    dyno_id = dyno.id
    await session.commit()

    disabled = await client.patch(
        f"{API}/dynos/{dyno_id}", json={"enabled": False}, headers=lab.headers("manager")
    )
    assert disabled.status_code == 200, disabled.text
    window = await client.patch(
        f"{API}/dynos/{lab.dyno_id}",
        json={"available_from": "2026-03-01", "available_to": "2026-12-31"},
        headers=lab.headers("manager"),
    )
    assert window.status_code == 200, window.text


# Deleting a dyno with maintenance -----------------------------------------------------------------
async def test_deleting_a_dyno_with_maintenance_is_409_listing_it_unless_forced(
    client: httpx.AsyncClient, session: AsyncSession, lab: Lab
):
    dyno = await make_dyno(session, "Spare")
    window = await make_maintenance(session, dyno, START, END, reason="rollers")
    dyno_id, window_id = dyno.id, window.id
    await session.commit()
    url = f"{API}/dynos/{dyno_id}"

    refused = await client.delete(url, headers=lab.headers("manager"))
    body = error_body(refused, 409, "in_use")
    assert [w["id"] for w in body["details"]["maintenance"]] == [window_id]
    assert body["details"]["maintenance"][0]["reason"] == "rollers"
    assert await session.get(MaintenanceWindow, window_id) is not None

    forced = await client.delete(url, params={"force": "true"}, headers=lab.headers("manager"))
    assert forced.status_code == 204, forced.text
    assert await session.get(Dyno, dyno_id) is None
    left = await session.scalar(
        select(func.count()).select_from(MaintenanceWindow).where(MaintenanceWindow.id == window_id)
    )
    assert left == 0
