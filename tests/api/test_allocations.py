"""Allocations over HTTP: booking, refusals with reasons, roles, lifecycle, listing."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.models import Allocation
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

MONDAY = (TODAY + dt.timedelta(days=7)).isoformat()


@pytest.fixture
async def lab(session: AsyncSession):
    engineer = await make_user(session, Role.user)
    other = await make_user(session, Role.user)
    manager = await make_user(session, Role.power_user)
    dyno = await make_dyno(session, "VTS #1", rules=[("brake", "any", "any")], facility="VTS")
    vehicle = await make_vehicle(session, vin="1FTFW1E50PFA12345")
    return {
        "engineer": auth_header(engineer),
        "other": auth_header(other),
        "manager": auth_header(manager),
        "engineer_id": engineer.id,
        "dyno_id": dyno.id,
        "vehicle_id": vehicle.id,
    }


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["message"]
    if code:
        assert body["error"] == code
    return body


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Allocation)) or 0


async def test_auto_allocation_returns_201_with_the_allocation(client: httpx.AsyncClient, lab):
    response = await client.post(
        "/api/v1/allocations/auto",
        headers=lab["engineer"],
        json={
            "vin": "1ftfw1e50pfa12345",
            "test_type": "Brake",
            "start_date": MONDAY,
            "days_to_complete": 3,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "Allocated in requested window."
    allocation = body["allocation"]
    assert allocation["dyno"]["name"] == "VTS #1"
    assert allocation["vehicle"]["vin"] == "1FTFW1E50PFA12345"
    assert allocation["days"] == 3
    assert allocation["status"] == "scheduled"
    assert allocation["created_by"] == lab["engineer_id"]

    refused = await client.post(
        "/api/v1/allocations/auto",
        headers=lab["engineer"],
        json={
            "vehicle_id": lab["vehicle_id"],
            "test_type": "brake",
            "start_date": MONDAY,
            "days_to_complete": 3,
        },
    )
    assert_error(refused, 409, "vehicle_busy")


async def test_no_capacity_is_409_with_reasons(client: httpx.AsyncClient, session, lab):
    other = await make_vehicle(session)
    first = {
        "vehicle_id": lab["vehicle_id"],
        "test_type": "brake",
        "start_date": MONDAY,
        "days_to_complete": 2,
    }
    assert (
        await client.post("/api/v1/allocations/auto", headers=lab["engineer"], json=first)
    ).status_code == 201
    second = {**first, "vehicle_id": other.id}
    body = assert_error(
        await client.post("/api/v1/allocations/auto", headers=lab["engineer"], json=second),
        409,
        "no_capacity",
    )
    assert body["details"]["blocked"][0]["reason"] == "busy"
    assert body["details"]["earliest_start"] == (TODAY + dt.timedelta(days=9)).isoformat()
    backed_up = await client.post(
        "/api/v1/allocations/auto", headers=lab["engineer"], json={**second, "backup": True}
    )
    assert backed_up.status_code == 201
    assert backed_up.json()["message"] == "Allocated with backup shift of 2 day(s)."


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"test_type": "brake", "start_date": MONDAY, "days_to_complete": 1},
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": 999999,
                "test_type": "brake",
                "start_date": MONDAY,
                "days_to_complete": 1,
            },
            404,
            "vehicle_not_found",
        ),
        (
            {"vin": "NOTAVIN", "test_type": "brake", "start_date": MONDAY, "days_to_complete": 1},
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": "VEHICLE",
                "test_type": "brake",
                "start_date": MONDAY,
                "days_to_complete": 1,
            },
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": 1,
                "test_type": "brake",
                "start_date": "2026-02-30",
                "days_to_complete": 1,
            },
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": 1,
                "test_type": "brake",
                "start_date": "2020-01-01",
                "days_to_complete": 1,
            },
            422,
            None,
        ),
        (
            {"vehicle_id": 1, "test_type": "brake", "start_date": MONDAY, "days_to_complete": 0},
            422,
            "validation_error",
        ),
        (
            {"vehicle_id": 1, "test_type": "brake", "start_date": MONDAY, "days_to_complete": 121},
            422,
            "invalid_input",
        ),
        (
            {"vehicle_id": 1, "test_type": "", "start_date": MONDAY, "days_to_complete": 1},
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": 1,
                "test_type": "brake",
                "start_date": MONDAY,
                "days_to_complete": 1,
                "surprise": True,
            },
            422,
            "validation_error",
        ),
        (
            {
                "vehicle_id": 1,
                "test_type": "flux capacitor",
                "start_date": MONDAY,
                "days_to_complete": 1,
            },
            409,
            "not_compatible",
        ),
    ],
)
async def test_bad_booking_requests_get_a_clear_error_and_write_nothing(
    client: httpx.AsyncClient, session: AsyncSession, lab, body, status, code
):
    if body.get("vehicle_id") == 1:
        body = {**body, "vehicle_id": lab["vehicle_id"]}
    response = await client.post("/api/v1/allocations/auto", headers=lab["engineer"], json=body)
    assert_error(response, status, code)
    assert await count(session) == 0


async def test_malformed_json_is_422(client: httpx.AsyncClient, lab):
    response = await client.post(
        "/api/v1/allocations/auto",
        headers={**lab["engineer"], "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert_error(response, 422, "validation_error")


async def test_booking_needs_a_token(client: httpx.AsyncClient, lab):
    response = await client.post("/api/v1/allocations/auto", json={})
    assert_error(response, 401, "not_authenticated")


async def test_book_on_a_named_dyno(client: httpx.AsyncClient, lab):
    response = await client.post(
        "/api/v1/allocations",
        headers=lab["engineer"],
        json={
            "vehicle_id": lab["vehicle_id"],
            "dyno": "vts 1",
            "test_type": "brake",
            "start_date": MONDAY,
            "end_date": MONDAY,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["dyno"]["name"] == "VTS #1"
    missing = await client.post(
        "/api/v1/allocations",
        headers=lab["engineer"],
        json={
            "vehicle_id": lab["vehicle_id"],
            "dyno": "MPG 99",
            "test_type": "brake",
            "start_date": MONDAY,
            "days_to_complete": 1,
        },
    )
    assert_error(missing, 404, "dyno_not_found")


async def book(client: httpx.AsyncClient, lab, who: str = "engineer") -> int:
    response = await client.post(
        "/api/v1/allocations/auto",
        headers=lab[who],
        json={
            "vehicle_id": lab["vehicle_id"],
            "test_type": "brake",
            "start_date": MONDAY,
            "days_to_complete": 2,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["allocation"]["id"]


async def test_users_cancel_their_own_bookings_only(client: httpx.AsyncClient, lab):
    allocation_id = await book(client, lab)
    denied = await client.post(f"/api/v1/allocations/{allocation_id}/cancel", headers=lab["other"])
    assert_error(denied, 403, "permission_denied")
    ok = await client.post(f"/api/v1/allocations/{allocation_id}/cancel", headers=lab["engineer"])
    assert ok.status_code == 200 and ok.json()["status"] == "cancelled"
    again = await client.post(
        f"/api/v1/allocations/{allocation_id}/cancel", headers=lab["engineer"]
    )
    assert_error(again, 409, "invalid_transition")


async def test_power_users_change_anyones_bookings(
    client: httpx.AsyncClient, lab, monkeypatch: pytest.MonkeyPatch
):
    allocation_id = await book(client, lab)
    moved = await client.post(
        f"/api/v1/allocations/{allocation_id}/reschedule",
        headers=lab["manager"],
        json={"new_start_date": (TODAY + dt.timedelta(days=20)).isoformat()},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["start_date"] == (TODAY + dt.timedelta(days=20)).isoformat()
    assert moved.json()["days"] == 2
    monkeypatch.setattr(clock, "today", lambda: TODAY + dt.timedelta(days=20))  # its start day
    running = await client.patch(
        f"/api/v1/allocations/{allocation_id}", headers=lab["manager"], json={"status": "running"}
    )
    assert running.json()["status"] == "running"
    bad = await client.patch(
        f"/api/v1/allocations/{allocation_id}", headers=lab["manager"], json={"status": "done"}
    )
    assert_error(bad, 422, "validation_error")
    back = await client.patch(
        f"/api/v1/allocations/{allocation_id}", headers=lab["manager"], json={"status": "scheduled"}
    )
    assert_error(back, 409, "invalid_transition")


async def test_unknown_allocation_is_404_everywhere(client: httpx.AsyncClient, lab):
    for method, path, body in [
        ("GET", "/api/v1/allocations/424242", None),
        ("GET", "/api/v1/allocations/424242/history", None),
        ("POST", "/api/v1/allocations/424242/cancel", None),
        ("POST", "/api/v1/allocations/424242/reschedule", {"new_start_date": MONDAY}),
        ("PATCH", "/api/v1/allocations/424242", {"status": "running"}),
    ]:
        response = await client.request(method, path, headers=lab["manager"], json=body)
        assert_error(response, 404, "allocation_not_found")


async def test_list_filters_and_paginates(client: httpx.AsyncClient, session: AsyncSession, lab):
    dyno_id = lab["dyno_id"]
    dyno = await session.get(
        __import__("dyno_agent.scheduling.models", fromlist=["Dyno"]).Dyno, dyno_id
    )
    for n in range(5):
        start = TODAY + dt.timedelta(days=10 * n)
        await make_allocation(
            session,
            await make_vehicle(session),
            dyno,
            start,
            start,
            status="completed" if n < 2 else "scheduled",
        )
    page = await client.get("/api/v1/allocations?limit=2&offset=1", headers=lab["engineer"])
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 5 and body["limit"] == 2 and len(body["items"]) == 2
    assert body["items"][0]["start_date"] == (TODAY + dt.timedelta(days=10)).isoformat()
    completed = await client.get("/api/v1/allocations?status=completed", headers=lab["engineer"])
    assert completed.json()["total"] == 2
    ranged = await client.get(
        "/api/v1/allocations",
        params={
            "start_date": (TODAY + dt.timedelta(days=15)).isoformat(),
            "end_date": (TODAY + dt.timedelta(days=35)).isoformat(),
        },
        headers=lab["engineer"],
    )
    assert ranged.json()["total"] == 2
    bad = await client.get("/api/v1/allocations?status=finished", headers=lab["engineer"])
    assert_error(bad, 422, "validation_error")
    inverted = await client.get(
        "/api/v1/allocations",
        params={"start_date": "2026-05-01", "end_date": "2026-04-01"},
        headers=lab["engineer"],
    )
    assert_error(inverted, 422, "invalid_input")


async def test_history_shows_who_did_what(client: httpx.AsyncClient, lab):
    allocation_id = await book(client, lab)
    await client.post(f"/api/v1/allocations/{allocation_id}/cancel", headers=lab["manager"])
    history = (
        await client.get(f"/api/v1/allocations/{allocation_id}/history", headers=lab["engineer"])
    ).json()
    assert [(e["action"], e["channel"]) for e in history] == [("insert", "api"), ("update", "api")]
    assert history[0]["actor_id"] == lab["engineer_id"]
    assert history[1]["before"]["status"] == "scheduled"
    assert history[1]["after"]["status"] == "cancelled"
