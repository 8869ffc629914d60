"""POST /api/v1/imports/forecast: roles, the report, and the 4xx bodies."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import Vehicle
from tests.api.conftest import error_body
from tests.forecast.conftest import WORKBOOK_BYTES, make_lab

URL = "/api/v1/imports/forecast"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes = WORKBOOK_BYTES, name: str = "cert_fuel_baseline.xlsx") -> dict[str, Any]:
    return {"file": (name, data, XLSX)}


async def test_users_may_not_import(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict[str, str]
) -> None:
    response = await client.post(URL, files=upload(), headers=engineer, params={"dry_run": True})
    error_body(response, 403, "permission_denied")
    anonymous = await client.post(URL, files=upload(), params={"dry_run": True})
    error_body(anonymous, 401, "not_authenticated")


async def test_a_power_user_imports_and_gets_the_report(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict[str, str]
) -> None:
    await make_lab(session)
    await session.commit()
    dry = await client.post(URL, files=upload(), headers=manager, params={"dry_run": True})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["dry_run"], body["rows"], body["invalid"]) == (True, 591, 9)
    assert body["created"] == {"vehicles": 478, "requests": 566, "allocations": 16}
    assert await session.scalar(select(func.count()).select_from(Vehicle)) == 0

    refused = await client.post(URL, files=upload(), headers=manager)
    details = error_body(refused, 422, "invalid_rows")["details"]
    assert details["invalid"] == 9 and details["problems"]
    assert await session.scalar(select(func.count()).select_from(Vehicle)) == 0

    done = await client.post(URL, files=upload(), headers=manager, params={"skip_invalid": True})
    assert done.status_code == 200, done.text
    assert done.json()["skipped"] == 9
    assert await session.scalar(select(func.count()).select_from(TestRequest)) == 566


async def test_a_file_that_is_not_a_workbook_is_a_422(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict[str, str]
) -> None:
    response = await client.post(
        URL, files=upload(b"not a workbook", "notes.xlsx"), headers=manager
    )
    body = error_body(response, 422, "not_a_workbook")
    assert body["details"]["file"] == "notes.xlsx"


async def test_a_file_over_the_limit_is_a_413(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, manager: dict[str, str]
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"import_max_bytes": 20_000})
    response = await client.post(URL, files=upload(), headers=manager)
    body = error_body(response, 413, "file_too_large")
    assert body["details"] == {"limit": 20_000, "setting": "DYNO_IMPORT_MAX_BYTES"}
