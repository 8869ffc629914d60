"""Availability search and the report endpoints over HTTP."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.api.test_allocations import assert_error
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

D = TODAY + dt.timedelta(days=7)


@pytest.fixture
async def headers(session: AsyncSession) -> dict[str, str]:
    return auth_header(await make_user(session, Role.user))


async def test_availability_lists_free_dynos_best_first(
    client: httpx.AsyncClient, session: AsyncSession, headers
):
    rare = await make_dyno(session, "Rare", rules=[("brake", "any", "any"), ("evap", "any", "any")])
    plain = await make_dyno(session, "Plain", rules=[("brake", "any", "any")])
    await make_dyno(session, "Emis", rules=[("emissions", "any", "any")])
    response = await client.get(
        "/api/v1/availability",
        params={
            "start_date": D.isoformat(),
            "end_date": (D + dt.timedelta(days=2)).isoformat(),
            "weight_lbs": 4800,
            "drive_type": "4x2",
            "test_type": "BRAKE",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [d["name"] for d in body["free"]] == [plain.name, rare.name]
    assert body["weight_class"] == "<10K" and body["drive_type"] == "2WD"
    assert body["message"].startswith("2 dyno(s) free")


async def test_availability_explains_when_nothing_is_free(
    client: httpx.AsyncClient, session: AsyncSession, headers
):
    dyno = await make_dyno(session, "Only")
    taken = await make_allocation(session, await make_vehicle(session), dyno, D, D)
    response = await client.get(
        "/api/v1/availability",
        params={
            "start_date": D.isoformat(),
            "end_date": D.isoformat(),
            "weight_class": ">10k",
            "drive_type": "AWD",
            "test_type": "brake",
        },
        headers=headers,
    )
    body = response.json()
    assert body["free"] == []
    assert body["blocked"][0]["allocation_ids"] == [taken.id]
    assert body["earliest_start"] == (D + dt.timedelta(days=1)).isoformat()
    assert "earliest" in body["message"]


@pytest.mark.parametrize(
    "params",
    [
        {
            "start_date": "2026-03-10",
            "end_date": "2026-03-09",
            "drive_type": "AWD",
            "test_type": "brake",
            "weight_lbs": 5000,
        },
        {
            "start_date": "2026-03-10",
            "end_date": "2026-03-11",
            "drive_type": "hover",
            "test_type": "brake",
            "weight_lbs": 5000,
        },
        {
            "start_date": "2026-03-10",
            "end_date": "2026-03-11",
            "drive_type": "AWD",
            "test_type": "brake",
        },
        {
            "start_date": "2026-03-10",
            "end_date": "2026-03-11",
            "drive_type": "AWD",
            "test_type": "brake",
            "weight_lbs": 90000,
        },
        {
            "start_date": "2026-03-10",
            "end_date": "2026-03-11",
            "drive_type": "AWD",
            "test_type": "brake",
            "weight_lbs": 5000,
            "weight_class": ">10K",
        },
        {
            "start_date": "tomorrow",
            "end_date": "2026-03-11",
            "drive_type": "AWD",
            "test_type": "brake",
            "weight_lbs": 5000,
        },
        {"end_date": "2026-03-11", "drive_type": "AWD", "test_type": "brake", "weight_lbs": 5000},
    ],
)
async def test_bad_availability_queries_are_422(client: httpx.AsyncClient, headers, params):
    response = await client.get("/api/v1/availability", params=params, headers=headers)
    assert_error(response, 422)


async def test_reports_answer_with_numbers(
    client: httpx.AsyncClient, session: AsyncSession, headers
):
    dyno = await make_dyno(session, "Busy")
    await make_allocation(session, await make_vehicle(session), dyno, D, D + dt.timedelta(days=6))
    await make_allocation(session, await make_vehicle(session), None, D, D)
    utilization = (
        await client.get(
            "/api/v1/reports/utilization",
            params={
                "start_date": D.isoformat(),
                "end_date": (D + dt.timedelta(days=13)).isoformat(),
            },
            headers=headers,
        )
    ).json()
    assert utilization["dynos"][0]["booked_days"] == 7
    assert utilization["dynos"][0]["utilization"] == 0.5
    assert utilization["overall"] == 0.5
    counts = (await client.get("/api/v1/reports/counts", headers=headers)).json()
    assert counts["by_status"]["scheduled"] == 2 and counts["completed"] == 0
    conflicts = (await client.get("/api/v1/conflicts", headers=headers)).json()
    assert [c["kind"] for c in conflicts] == ["unplaced"]
    states = (await client.get("/api/v1/reports/maintenance", headers=headers)).json()
    assert states == [
        {
            "dyno": {"id": dyno.id, "name": "Busy", "facility": "MPG"},
            "status": "available",
            "reason": None,
        }
    ]
    bad = await client.get(
        "/api/v1/reports/utilization",
        params={"start_date": "2026-05-01", "end_date": "2026-04-01"},
        headers=headers,
    )
    assert_error(bad, 422, "invalid_input")


async def test_health_needs_no_token(client: httpx.AsyncClient):
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
