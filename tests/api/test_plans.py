"""Plans over HTTP: anyone signed in previews, power users commit; conflicts are a 409 listing
every assignment that no longer fits, with nothing booked."""

from __future__ import annotations

import datetime as dt
import io

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.config import Settings
from dyno_agent.planning import service
from dyno_agent.scheduling.models import Allocation
from tests.api.conftest import error_body
from tests.factories import make_allocation, make_vehicle
from tests.planning.plans_data import overlaps, small_lab

BODY = {"horizon_days": 60, "time_limit_s": 2}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"planner_time_limit_s": 5.0})


async def _booked(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Allocation)) or 0


async def test_a_user_previews_a_plan_and_reads_it_back(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict[str, str]
):
    lab = await small_lab(session)
    await session.commit()
    response = await client.post("/api/v1/plans", json=BODY, headers=engineer)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["status"] == "preview" and plan["horizon_days"] == 60
    summary = plan["summary"]
    assert (summary["requests"], summary["placed"], summary["unplaced"]) == (3, 3, 0)
    assert {"total_lateness_days", "mean_lateness_days", "solver_status", "gap", "solve_seconds",
            "utilisation_before", "utilisation_after", "bottleneck"} <= set(summary)  # fmt: skip
    first = next(a for a in plan["assignments"] if a["request_id"] == lab.requests[0].id)
    assert first["vehicle_label"] == "CAR-1" and first["test_type"] == "brake"
    assert first["mileage_step"] == "0K-5K" and first["dyno_name"] in {"Plan D1", "Plan D2"}
    assert first["facility"] == "MPG" and first["lateness_days"] == 0
    assert await _booked(session) == 0
    again = await client.get(f"/api/v1/plans/{plan['id']}", headers=engineer)
    assert again.json() == plan
    listed = (await client.get("/api/v1/plans", headers=engineer)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == plan["id"]


async def test_a_filter_plans_only_the_requests_it_names(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict[str, str]
):
    lab = await small_lab(session)
    await session.commit()
    body = {**BODY, "request_ids": [lab.requests[2].id]}
    plan = (await client.post("/api/v1/plans", json=body, headers=engineer)).json()
    assert [a["request_id"] for a in plan["assignments"]] == [lab.requests[2].id]
    bad = await client.post(
        "/api/v1/plans", json={**body, "request_ids": [999_999]}, headers=engineer
    )
    assert error_body(bad, 422, "invalid_input")["details"]["request_ids"] == [999_999]


@pytest.mark.parametrize(
    "body",
    [{"horizon_days": 0}, {"horizon_days": 5000}, {"time_limit_s": 0}, {"time_limit_s": 9},
     {"desired_from": "2026-05-01", "desired_to": "2026-04-01"}, {"surprise": 1}],
)  # fmt: skip
async def test_bad_plan_options_are_refused(
    client: httpx.AsyncClient, engineer: dict[str, str], body: dict
):
    response = await client.post("/api/v1/plans", json=body, headers=engineer)
    assert response.status_code == 422, response.text


async def test_a_power_user_commits_and_everything_is_booked_once(
    client: httpx.AsyncClient,
    session: AsyncSession,
    engineer: dict[str, str],
    manager: dict[str, str],
):
    await small_lab(session)
    await session.commit()
    plan = (await client.post("/api/v1/plans", json=BODY, headers=engineer)).json()
    refused = await client.post(f"/api/v1/plans/{plan['id']}/commit", headers=engineer)
    error_body(refused, 403, "permission_denied")
    assert await _booked(session) == 0
    response = await client.post(f"/api/v1/plans/{plan['id']}/commit", headers=manager)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["booked"], len(body["allocation_ids"])) == ("committed", 3, 3)
    assert await overlaps(session) == 0
    shown = (await client.get(f"/api/v1/plans/{plan['id']}", headers=engineer)).json()
    assert sorted(a["allocation_id"] for a in shown["assignments"]) == sorted(
        body["allocation_ids"]
    )
    twice = await client.post(f"/api/v1/plans/{plan['id']}/commit", headers=manager)
    error_body(twice, 409, "plan_committed")
    assert await _booked(session) == 3


async def test_a_commit_after_the_schedule_changed_is_a_409_and_books_nothing(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict[str, str]
):
    lab = await small_lab(session)
    await session.commit()
    plan = (await client.post("/api/v1/plans", json=BODY, headers=manager)).json()
    taken = next(a for a in plan["assignments"] if a["request_id"] == lab.requests[2].id)
    dyno = lab.d1 if taken["dyno_id"] == lab.d1.id else lab.d2
    intruder = await make_vehicle(session, tag="INTRUDER")
    start = dt.date.fromisoformat(taken["start_date"])
    await make_allocation(session, intruder, dyno, start, start)
    name = dyno.name  # read now: the failed request's rollback expires the loaded rows
    await session.commit()
    response = await client.post(f"/api/v1/plans/{plan['id']}/commit", headers=manager)
    body = error_body(response, 409, "plan_conflicts")
    assert [(c["request_id"], c["dyno_name"], c["start_date"], c["end_date"], c["reason"])
            for c in body["details"]["conflicts"]] == [
        (taken["request_id"], name, taken["start_date"], taken["end_date"], "dyno_busy")
    ]  # fmt: skip
    assert await _booked(session) == 1  # the intruder only
    status = (await client.get(f"/api/v1/plans/{plan['id']}", headers=manager)).json()["status"]
    assert status == "preview"


async def test_an_unknown_plan_is_a_404(client: httpx.AsyncClient, manager: dict[str, str]):
    error_body(await client.get("/api/v1/plans/424242", headers=manager), 404, "plan_not_found")
    response = await client.post("/api/v1/plans/424242/commit", headers=manager)
    error_body(response, 404, "plan_not_found")


async def test_the_schedule_export_shows_a_preview_s_assignments_with_plan_id(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict[str, str]
):
    lab = await small_lab(session)
    await session.commit()
    plan = (await client.post("/api/v1/plans", json=BODY, headers=engineer)).json()
    first = next(a for a in plan["assignments"] if a["request_id"] == lab.requests[0].id)

    def rows(response: httpx.Response) -> list[dict]:
        assert response.status_code == 200, response.text
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        header, *body = sheet.iter_rows(values_only=True)
        return [dict(zip(header, row, strict=True)) for row in body]

    plain = rows(await client.get("/api/v1/exports/schedule.xlsx", headers=engineer))
    assert [r["DYNO"] for r in plain] == [None] * len(plain)  # nothing is booked
    with_plan = rows(
        await client.get(f"/api/v1/exports/schedule.xlsx?plan_id={plan['id']}", headers=engineer)
    )
    assert len(with_plan) == len(plain)
    row = next(r for r in with_plan if r["Tag #"] == "CAR-1" and r["Mileage Step"] == "0K-5K")
    assert row["TEST FACILITY"] == first["facility"] and row["DYNO"] == first["dyno_name"]
    start = row["NEW EST DATE"] or row["Estimated Start"]
    assert start.date().isoformat() == first["start_date"]
    assert await _booked(session) == 0
    missing = await client.get("/api/v1/exports/schedule.xlsx?plan_id=999999", headers=engineer)
    error_body(missing, 404, "plan_not_found")


async def test_a_preview_over_the_running_limit_is_told_when_to_retry(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict[str, str], settings: Settings
):
    await small_lab(session)
    await session.commit()
    limit = settings.planner_max_running
    held = [service._SOLVES.acquire(limit) for _ in range(limit)]  # solves already running
    try:
        response = await client.post("/api/v1/plans", json=BODY, headers=engineer)
    finally:
        for _ in held:
            service._SOLVES.release()
    error_body(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "2"  # the plan's time limit
    again = await client.post("/api/v1/plans", json=BODY, headers=engineer)
    assert again.status_code == 201, again.text
