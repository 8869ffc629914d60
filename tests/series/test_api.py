"""/api/v1/series: preview, book, show, cancel and move; bad patterns are 422."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

WEEK = dt.timedelta(weeks=1)


async def setup(session: AsyncSession) -> tuple[dict[str, str], int, int]:
    dyno = await make_dyno(session, "Brake 1")
    vehicle, other = await make_vehicle(session), await make_vehicle(session)
    await make_allocation(session, other, dyno, TODAY + 2 * WEEK, TODAY + 2 * WEEK)
    headers = auth_header(await make_user(session, Role.user))
    await session.commit()
    return headers, vehicle.id, dyno.id


async def test_a_series_is_previewed_refused_whole_then_booked_with_backup_and_cancelled(
    client, session
):
    headers, vehicle_id, _ = await setup(session)
    body = {"vehicle_id": vehicle_id, "test_type": "Brake", "pattern": "every monday for 4 weeks"}

    preview = await client.post("/api/v1/series/preview", json=body, headers=headers)
    assert preview.status_code == 200, preview.text
    assert preview.json()["series"] is None
    assert [o["problem"] is None for o in preview.json()["occurrences"]] == [
        True,
        True,
        False,
        True,
    ]

    refused = error_body(
        await client.post("/api/v1/series", json=body, headers=headers), 409, "series_conflicts"
    )
    assert refused["details"]["occurrences"][0]["start_date"] == (TODAY + 2 * WEEK).isoformat()

    booked = await client.post(
        "/api/v1/series", json=body | {"mode": "backup", "max_shift_days": 1}, headers=headers
    )
    assert booked.status_code == 201, booked.text
    series_id = booked.json()["series"]["id"]
    assert booked.json()["booked"] == 4
    assert [o["shift_days"] for o in booked.json()["occurrences"]] == [0, 0, 1, 0]

    shown = (await client.get(f"/api/v1/series/{series_id}", headers=headers)).json()
    assert shown["pattern"] == "every Monday for 4 week(s)"
    assert {a["series_id"] for a in shown["occurrences"]} == {series_id}
    assert shown["rule"].startswith("DTSTART:20260302")

    cancelled = await client.post(f"/api/v1/series/{series_id}/cancel", json={}, headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    assert len(cancelled.json()["changed"]) == 4


async def test_bad_and_too_long_patterns_are_422(client, session):
    headers, vehicle_id, _ = await setup(session)
    body = {"vehicle_id": vehicle_id, "test_type": "brake"}
    for pattern, code in (
        ("whenever it suits", "invalid_pattern"),
        ("every monday", "invalid_pattern"),
        ("every monday for 60 weeks", "series_too_long"),
    ):
        response = await client.post(
            "/api/v1/series", json=body | {"pattern": pattern}, headers=headers
        )
        assert error_body(response, 422, code)["details"]["field"] == "pattern"
    overlapping = await client.post(
        "/api/v1/series",
        json=body | {"pattern": "every monday 3 times", "days_to_complete": 8},
        headers=headers,
    )
    error_body(overlapping, 422, "invalid_input")
    missing = await client.get("/api/v1/series/999", headers=headers)
    error_body(missing, 404, "series_not_found")
