"""Hostile input is a 422 with the usual error body, never a 500: NUL characters in any string,
dates that are not ISO days or lie outside 2000-01-01..2100-12-31."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.app import create_app
from dyno_agent.auth.models import Role
from dyno_agent.config import Settings
from tests.api.test_allocations import assert_error
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

NUL = "a\x00b"
WEEK = TODAY + dt.timedelta(days=7)


@pytest.fixture
async def admin(session: AsyncSession) -> dict[str, str]:
    return auth_header(await make_user(session, Role.admin))


def spec(settings: Settings) -> dict[str, Any]:
    return create_app(settings).openapi()


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def takes_text(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = resolve(document, schema)
    options = schema.get("anyOf", [schema])
    return any(resolve(document, o).get("type") == "string" for o in options)


def operations(settings: Settings) -> list[tuple[str, str, dict[str, Any]]]:
    document = spec(settings)
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        if path.startswith("/api/v1")
        for method, op in item.items()
    ]


def concrete(path: str) -> str:
    return path.replace("{conversation_id}", "00000000-0000-0000-0000-000000000001").replace(
        "{", ""
    ).replace("}", "").replace("dyno_id", "1").replace("vehicle_id", "1").replace(
        "allocation_id", "1"
    ).replace("window_id", "1").replace("user_id", "1").replace(
        "subscription_id", "1"
    )  # fmt: skip


def body_string_fields(settings: Settings) -> list[tuple[str, str, str]]:
    """(method, path, field) for every string field of every request body, nested rules too."""
    document = spec(settings)
    cases = []
    for method, path, op in operations(settings):
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not content:
            continue
        schema = resolve(document, content["schema"])
        if schema.get("type") == "array":  # PUT /dynos/{id}/rules: a list of RuleIn
            schema = resolve(document, schema["items"])
            prefix = "0."
        else:
            prefix = ""
        for name, prop in schema.get("properties", {}).items():
            if takes_text(document, prop):
                cases.append((method, path, prefix + name))
    return cases


def param_string_fields(settings: Settings) -> list[tuple[str, str, str, str]]:
    """(method, path, location, name) for every query and path parameter."""
    return [
        (method, path, p["in"], p["name"])
        for method, path, op in operations(settings)
        for p in op.get("parameters", [])
        if p["in"] in ("query", "path")
    ]


_SETTINGS = Settings(_env_file=None, jwt_secret="x" * 40, llm="offline")
BODY_FIELDS = body_string_fields(_SETTINGS)
PARAMS = param_string_fields(_SETTINGS)


def test_the_spec_has_the_string_fields_we_expect_to_cover():
    fields = {f"{m} {p} {f}" for m, p, f in BODY_FIELDS}
    assert "POST /api/v1/auth/login email" in fields
    assert "POST /api/v1/vehicles program" in fields
    assert "POST /api/v1/chat/stream message" in fields
    assert "PUT /api/v1/dynos/{dyno_id}/rules 0.test_type" in fields
    assert len(BODY_FIELDS) >= 30 and len(PARAMS) >= 40


def nested(field: str, value: object) -> object:
    if field.startswith("0."):
        return [{field[2:]: value}]
    return {field: value}


async def test_a_nul_in_any_body_string_is_a_422_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str]
):
    wrong = []
    for method, path, field in BODY_FIELDS:
        response = await client.request(
            method, concrete(path), json=nested(field, NUL), headers=admin
        )
        errors = response.json().get("details", {}).get("errors", [])
        if response.status_code != 422 or {"field": field, "type": "string_nul"} not in [
            {"field": e["field"], "type": e["type"]} for e in errors
        ]:
            wrong.append((method, path, field, response.status_code, response.text[:200]))
    assert wrong == []


async def test_a_nul_in_any_query_or_path_parameter_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str]
):
    wrong = []
    for method, path, where, name in PARAMS:
        params = {name: NUL} if where == "query" else {}
        url = concrete(path.replace("{" + name + "}", "a%00b"))
        response = await client.request(method, url, params=params, headers=admin)
        errors = response.json().get("details", {}).get("errors", [{}])
        expected = {"field": f"{where}.{name}", "type": "string_nul"}
        if response.status_code != 422 or {k: errors[0].get(k) for k in expected} != expected:
            wrong.append((method, path, name, response.status_code, response.text[:200]))
    assert wrong == []


# The cases found by hand: each was a 500 before, with a complete and otherwise valid request.
async def test_a_nul_in_the_login_email_or_password_is_a_422(client: httpx.AsyncClient):
    for body in ({"email": NUL, "password": "x"}, {"email": "a@b.c", "password": NUL}):
        response = await client.post("/api/v1/auth/login", json=body)
        assert_error(response, 422, "validation_error")


async def test_a_nul_in_a_vehicle_program_or_vin_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str]
):
    good = {"vin": "1FTFW1E50PFA00001", "drive_type": "AWD", "weight_lbs": 5000}
    for bad in ({"program": NUL}, {"vin": "1FTFW1E50PFA0000\x00"}, {"build_id": NUL}):
        response = await client.post("/api/v1/vehicles", json=good | bad, headers=admin)
        assert_error(response, 422, "validation_error")


async def test_a_nul_in_a_search_or_a_dyno_name_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str]
):
    for url in (
        "/api/v1/vehicles?q=a%00",
        "/api/v1/users?q=a%00",
        "/api/v1/conversations?q=a%00",
        "/api/v1/dynos?facility=a%00",
        "/api/v1/allocations?test_type=br%00ake",
        "/api/v1/dynos/MPG%00",
    ):
        response = await client.get(url, headers=admin)
        assert_error(response, 422, "validation_error")


async def test_a_nul_in_a_chat_message_is_a_422(client: httpx.AsyncClient, admin: dict[str, str]):
    response = await client.post("/api/v1/chat/stream", json={"message": NUL}, headers=admin)
    assert_error(response, 422, "validation_error")


# Dates ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-25", "0001-01-01", "2101-01-01"])
async def test_availability_outside_the_date_range_is_a_422_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], day: str
):
    params = {"start_date": day, "end_date": "9999-12-31", "test_type": "brake"}
    response = await client.get(
        "/api/v1/availability", params=params | {"drive_type": "AWD"}, headers=admin
    )
    body = assert_error(response, 422, "validation_error")
    assert "start_date" in body["message"] and "2000-01-01" in body["message"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_booking_outside_the_date_range_is_a_422(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], day: str
):
    await make_dyno(session, "Brake 1")
    vehicle_id = (await make_vehicle(session)).id
    for url, body in (
        ("/api/v1/allocations/auto", {"start_date": day, "days_to_complete": 3, "backup": True}),
        ("/api/v1/allocations", {"dyno": "Brake 1", "start_date": day, "days_to_complete": 3}),
    ):
        payload = body | {"vehicle_id": vehicle_id, "test_type": "brake"}
        response = await client.post(url, json=payload, headers=admin)
        error = assert_error(response, 422, "validation_error")
        assert error["details"]["errors"][0]["field"] == "start_date"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_rescheduling_outside_the_date_range_is_a_422(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], day: str
):
    dyno = await make_dyno(session)
    booking = await make_allocation(session, await make_vehicle(session), dyno, WEEK, WEEK)
    response = await client.post(
        f"/api/v1/allocations/{booking.id}/reschedule",
        json={"new_start_date": day},
        headers=admin,
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "new_start_date"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/reports/utilization?start_date=0001-01-01&end_date=9999-12-31", "start_date"),
        ("/api/v1/reports/counts?end_date=9999-12-31", "end_date"),
        ("/api/v1/conflicts?start_date=0001-01-01", "start_date"),
        ("/api/v1/reports/maintenance?on_date=9999-12-31", "on_date"),
        ("/api/v1/maintenance?start_date=9999-12-31", "start_date"),
        ("/api/v1/allocations?end_date=0001-01-01", "end_date"),
    ],
)
async def test_report_and_list_ranges_outside_the_date_range_are_a_422(
    client: httpx.AsyncClient, admin: dict[str, str], url: str, field: str
):
    error = assert_error(await client.get(url, headers=admin), 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == f"query.{field}"


async def test_maintenance_and_dyno_windows_outside_the_date_range_are_a_422(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str]
):
    dyno_id = (await make_dyno(session)).id
    response = await client.post(
        f"/api/v1/dynos/{dyno_id}/maintenance",
        json={"start_date": "9999-12-30", "end_date": "9999-12-31"},
        headers=admin,
    )
    assert_error(response, 422, "validation_error")
    response = await client.patch(
        f"/api/v1/dynos/{dyno_id}", json={"available_to": "0001-01-01"}, headers=admin
    )
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("value", ["0", "1700000000", "20260309", "2026-03-09T00:00:00", " "])
async def test_a_date_query_parameter_must_be_an_iso_day(
    client: httpx.AsyncClient, admin: dict[str, str], value: str
):
    params = {"start_date": value, "end_date": "2026-03-10", "test_type": "brake"}
    response = await client.get(
        "/api/v1/availability", params=params | {"drive_type": "AWD"}, headers=admin
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "query.start_date"


@pytest.mark.parametrize("value", [0, 1773014400, "20260309", "2026-03-09T00:00:00Z"])
async def test_a_date_in_a_json_body_must_be_an_iso_day(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], value: object
):
    vehicle = await make_vehicle(session)
    payload = {"vehicle_id": vehicle.id, "test_type": "brake", "days_to_complete": 2}
    response = await client.post(
        "/api/v1/allocations/auto", json=payload | {"start_date": value}, headers=admin
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "start_date"
    assert "YYYY-MM-DD" in error["message"]
