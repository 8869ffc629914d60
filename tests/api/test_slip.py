"""Actual days over HTTP: status changes record them, reads show them, `/reports/slip` compares."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling import clock
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

START = TODAY + dt.timedelta(days=3)


@pytest.fixture
async def allocation_id(session: AsyncSession) -> int:
    dyno = await make_dyno(session, "MPG 4")
    vehicle = await make_vehicle(session)
    allocation = await make_allocation(session, vehicle, dyno, START, START + dt.timedelta(days=1))
    allocation_id = allocation.id
    await session.commit()
    return allocation_id


async def test_status_changes_record_actual_days_and_the_slip_report_shows_them(
    client: httpx.AsyncClient, manager: dict, allocation_id: int, monkeypatch: pytest.MonkeyPatch
):
    url = f"/api/v1/allocations/{allocation_id}"
    early = await client.patch(url, headers=manager, json={"status": "running"})
    body = error_body(early, 409, "invalid_transition")
    assert body["details"]["can_start_on"] == START.isoformat()

    monkeypatch.setattr(clock, "today", lambda: START + dt.timedelta(days=1))
    running = await client.patch(url, headers=manager, json={"status": "running"})
    assert running.status_code == 200, running.text
    assert running.json()["actual_start_date"] == (START + dt.timedelta(days=1)).isoformat()
    monkeypatch.setattr(clock, "today", lambda: START + dt.timedelta(days=4))
    done = await client.patch(url, headers=manager, json={"status": "completed"})
    assert done.json()["actual_end_date"] == (START + dt.timedelta(days=4)).isoformat()

    report = await client.get("/api/v1/reports/slip", headers=manager)
    assert report.status_code == 200, report.text
    [row] = report.json()["tests"]
    assert (row["allocation_id"], row["start_slip_days"], row["end_slip_days"]) == (
        allocation_id,
        1,
        3,
    )
    assert row["dyno"]["name"] == "MPG 4"
    assert report.json()["finished_late"] == 1
