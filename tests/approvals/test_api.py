"""Approvals over HTTP: bookings on an approval dyno start as requests; power users decide."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import auth_header, make_dyno, make_user, make_vehicle

START = TODAY + dt.timedelta(days=7)
END = START + dt.timedelta(days=2)


@pytest.fixture
async def lab(session: AsyncSession):
    engineer = await make_user(session, Role.user)
    other = await make_user(session, Role.user)
    manager = await make_user(session, Role.power_user)
    dyno = await make_dyno(session, "Cert 1", facility="CERT")
    dyno.needs_approval = True
    plain = await make_dyno(session, "Plain 1", facility="PLAIN")
    vehicles = [await make_vehicle(session) for _ in range(3)]
    await session.flush()
    return {
        "engineer": auth_header(engineer),
        "other": auth_header(other),
        "manager": auth_header(manager),
        "engineer_name": engineer.full_name,
        "dyno": dyno.name,
        "plain": plain.name,
        "vehicles": [v.id for v in vehicles],
    }


async def book(client: httpx.AsyncClient, headers, vehicle_id: int, dyno: str) -> httpx.Response:
    return await client.post(
        "/api/v1/allocations",
        headers=headers,
        json={
            "vehicle_id": vehicle_id,
            "dyno": dyno,
            "test_type": "brake",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
        },
    )


async def request_one(client: httpx.AsyncClient, lab, vehicle: int = 0) -> int:
    response = await book(client, lab["engineer"], lab["vehicles"][vehicle], lab["dyno"])
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_users_booking_on_an_approval_dyno_starts_as_requested(client, lab):
    response = await book(client, lab["engineer"], lab["vehicles"][0], lab["dyno"])
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "requested"
    plain = await book(client, lab["engineer"], lab["vehicles"][1], lab["plain"])
    assert plain.json()["status"] == "scheduled"


async def test_auto_allocation_onto_an_approval_dyno_is_a_request_and_says_so(client, lab):
    taken = await book(client, lab["engineer"], lab["vehicles"][1], lab["plain"])
    assert taken.status_code == 201, taken.text
    response = await client.post(
        "/api/v1/allocations/auto",
        headers=lab["engineer"],
        json={
            "vehicle_id": lab["vehicles"][0],
            "test_type": "brake",
            "start_date": START.isoformat(),
            "days_to_complete": 3,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["allocation"]["status"] == "requested"
    assert "approval" in body["message"]


async def test_a_power_users_booking_on_an_approval_dyno_is_approved_by_being_made(client, lab):
    response = await book(client, lab["manager"], lab["vehicles"][0], lab["dyno"])
    assert response.json()["status"] == "scheduled"


async def test_an_engineer_cannot_approve_or_reject_or_schedule_a_request(client, lab):
    allocation_id = await request_one(client, lab)
    for path, body in (("approve", None), ("reject", {"reason": "no"})):
        response = await client.post(
            f"/api/v1/approvals/{allocation_id}/{path}", headers=lab["engineer"], json=body
        )
        error_body(response, 403, "permission_denied")
    patched = await client.patch(
        f"/api/v1/allocations/{allocation_id}",
        headers=lab["engineer"],
        json={"status": "scheduled"},
    )
    error_body(patched, 403, "permission_denied")
    read = await client.get(f"/api/v1/allocations/{allocation_id}", headers=lab["engineer"])
    assert read.json()["status"] == "requested"


async def test_the_queue_lists_pending_requests_oldest_first_and_approving_schedules(client, lab):
    first = await request_one(client, lab, 0)
    await book(client, lab["manager"], lab["vehicles"][1], lab["plain"])  # not a request
    queue = (await client.get("/api/v1/approvals", headers=lab["manager"])).json()
    assert [r["allocation_id"] for r in queue["items"]] == [first]
    item = queue["items"][0]
    assert item["state"] == "pending" and item["dyno"]["name"] == lab["dyno"]
    assert item["requested_by"]["name"] == lab["engineer_name"]
    assert item["vehicle"]["id"] == lab["vehicles"][0]

    approved = await client.post(f"/api/v1/approvals/{first}/approve", headers=lab["manager"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and approved.json()["status"] == "scheduled"
    assert (await client.get("/api/v1/approvals", headers=lab["manager"])).json()["total"] == 0
    again = await client.post(f"/api/v1/approvals/{first}/approve", headers=lab["manager"])
    error_body(again, 409, "invalid_transition")


async def test_a_request_holds_its_slot_for_others_until_it_is_rejected(client, lab):
    allocation_id = await request_one(client, lab, 0)
    clash = await book(client, lab["other"], lab["vehicles"][1], lab["dyno"])
    error_body(clash, 409, "dyno_busy")

    no_reason = await client.post(
        f"/api/v1/approvals/{allocation_id}/reject", headers=lab["manager"], json={"reason": " "}
    )
    assert no_reason.status_code == 422, no_reason.text
    rejected = await client.post(
        f"/api/v1/approvals/{allocation_id}/reject",
        headers=lab["manager"],
        json={"reason": "Dyno needs calibration"},
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["state"] == "rejected" and rejected.json()["status"] == "cancelled"

    mine = (
        await client.get("/api/v1/approvals", params={"state": "all"}, headers=lab["engineer"])
    ).json()
    assert [(r["allocation_id"], r["state"], r["reason"]) for r in mine["items"]] == [
        (allocation_id, "rejected", "Dyno needs calibration")
    ]
    theirs = (
        await client.get("/api/v1/approvals", params={"state": "all"}, headers=lab["other"])
    ).json()
    assert theirs["items"] == []
    retry = await book(client, lab["other"], lab["vehicles"][1], lab["dyno"])
    assert retry.status_code == 201 and retry.json()["status"] == "requested"


async def test_a_requested_booking_cannot_start_running(client, lab):
    allocation_id = await request_one(client, lab)
    for headers in (lab["engineer"], lab["manager"]):
        response = await client.patch(
            f"/api/v1/allocations/{allocation_id}", headers=headers, json={"status": "running"}
        )
        body = error_body(response, 409, "invalid_transition")
        assert "approval" in body["message"]


async def test_the_requester_may_withdraw_a_request(client, lab):
    allocation_id = await request_one(client, lab)
    response = await client.post(
        f"/api/v1/allocations/{allocation_id}/cancel", headers=lab["engineer"]
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


async def test_requests_are_busy_for_availability_but_not_work_in_utilisation(client, lab):
    await request_one(client, lab)
    params = {
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "test_type": "brake",
        "drive_type": "2WD",
        "weight_class": "<10K",
    }
    free = (await client.get("/api/v1/availability", params=params, headers=lab["manager"])).json()
    assert [d["name"] for d in free["free"]] == [lab["plain"]]
    span = {"start_date": START.isoformat(), "end_date": END.isoformat()}
    report = (
        await client.get("/api/v1/reports/utilization", params=span, headers=lab["manager"])
    ).json()
    assert {d["dyno"]["name"]: d["booked_days"] for d in report["dynos"]} == {
        lab["dyno"]: 0,
        lab["plain"]: 0,
    }


async def test_power_users_mark_a_dyno_as_needing_approval(client, lab, session):
    dyno = await make_dyno(session, "Cert 2")
    await session.commit()
    response = await client.patch(
        f"/api/v1/dynos/{dyno.id}", headers=lab["manager"], json={"needs_approval": True}
    )
    assert response.status_code == 200 and response.json()["needs_approval"] is True
    denied = await client.patch(
        f"/api/v1/dynos/{dyno.id}", headers=lab["engineer"], json={"needs_approval": False}
    )
    error_body(denied, 403, "permission_denied")
