"""HTTP behaviour of maintenance windows: anyone signed in reads, power_user writes, never on a
booked day."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Allocation, Dyno, MaintenanceWindow
from tests.api.conftest import error_body
from tests.factories import (
    make_allocation,
    make_dyno,
    make_maintenance,
    make_vehicle,
)

URL = "/api/v1/maintenance"

# Setup is committed before requesting, so a failed request's rollback keeps it; the rollback
# expires every loaded object, so tests keep plain ids rather than reading ORM objects afterwards.


def d(day: int) -> str:
    return dt.date(2026, 3, day).isoformat()


async def windows(session: AsyncSession) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(MaintenanceWindow.start_date, MaintenanceWindow.end_date).order_by(
            MaintenanceWindow.id
        )
    )
    return [(start.isoformat(), end.isoformat()) for start, end in rows]


@pytest.fixture
async def dyno_id(session: AsyncSession) -> int:
    dyno_id = (await make_dyno(session, "MPG 1")).id
    await session.commit()
    return dyno_id


@pytest.fixture
async def booking_id(session: AsyncSession, dyno_id: int) -> int:
    """A booking of the dyno from the 10th to the 12th."""
    vehicle = await make_vehicle(session)
    start, end = dt.date(2026, 3, 10), dt.date(2026, 3, 12)
    allocation = await make_allocation(
        session, vehicle, await session.get_one(Dyno, dyno_id), start, end
    )
    allocation_id = allocation.id
    await session.commit()
    return allocation_id


@pytest.fixture
async def window_id(session: AsyncSession, dyno_id: int) -> int:
    """A maintenance window of the dyno from the 2nd to the 4th."""
    dyno = await session.get_one(Dyno, dyno_id)
    window_id = (await make_maintenance(session, dyno, dt.date(2026, 3, 2), dt.date(2026, 3, 4))).id
    await session.commit()
    return window_id


# Create -------------------------------------------------------------------------------------------
async def test_a_manager_blocks_days_for_maintenance(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int, booking_id: int
):
    response = await client.post(
        f"/api/v1/dynos/{dyno_id}/maintenance",
        headers=manager,
        json={"start_date": d(13), "end_date": d(15), "reason": "  roller service "},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["dyno_id"], body["start_date"], body["end_date"]) == (dyno_id, d(13), d(15))
    assert body["reason"] == "roller service" and body["id"] > 0 and body["created_at"]
    assert await windows(session) == [(d(13), d(15))]


async def test_maintenance_over_a_booking_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int, booking_id: int
):
    response = await client.post(
        f"/api/v1/dynos/{dyno_id}/maintenance",
        headers=manager,
        json={"start_date": d(9), "end_date": d(10)},
    )
    body = error_body(response, 409, "maintenance_conflict")
    assert body["details"]["allocation_ids"] == [booking_id]
    assert body["details"]["dyno_id"] == dyno_id
    assert await windows(session) == []
    allocation = await session.get_one(Allocation, booking_id)
    assert allocation.status == "scheduled"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start_date": d(5), "end_date": d(4)}, ""),
        ({"start_date": d(5)}, "end_date"),
        ({"start_date": "next week", "end_date": d(6)}, "start_date"),
        ({"start_date": d(5), "end_date": d(6), "reason": "x" * 201}, "reason"),
    ],
)
async def test_invalid_windows_are_a_422(
    client: httpx.AsyncClient,
    session: AsyncSession,
    manager: dict,
    dyno_id: int,
    payload: dict,
    field: str,
):
    response = await client.post(
        f"/api/v1/dynos/{dyno_id}/maintenance", headers=manager, json=payload
    )
    body = error_body(response, 422, "validation_error")
    assert field in [e["field"] for e in body["details"]["errors"]]
    assert await windows(session) == []


async def test_maintenance_for_an_unknown_dyno_is_a_404(
    client: httpx.AsyncClient, manager: dict, dyno_id: int
):
    response = await client.post(
        f"/api/v1/dynos/{dyno_id + 1000}/maintenance",
        headers=manager,
        json={"start_date": d(5), "end_date": d(6)},
    )
    error_body(response, 404, "dyno_not_found")


# Permissions --------------------------------------------------------------------------------------
def writes(dyno_id: int, window_id: int) -> list[tuple[str, str, object]]:
    return [
        ("POST", f"/api/v1/dynos/{dyno_id}/maintenance", {"start_date": d(20), "end_date": d(21)}),
        ("PATCH", f"{URL}/{window_id}", {"end_date": d(5)}),
        ("DELETE", f"{URL}/{window_id}", None),
    ]


async def test_an_engineer_cannot_write_maintenance(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, dyno_id: int, window_id: int
):
    for method, url, payload in writes(dyno_id, window_id):
        response = await client.request(method, url, headers=engineer, json=payload)
        assert error_body(response, 403, "permission_denied")["details"] == {
            "required_role": "power_user"
        }
    assert await windows(session) == [(d(2), d(4))]


async def test_without_a_token_it_is_a_401(client: httpx.AsyncClient, dyno_id: int, window_id: int):
    reads = [("GET", URL, None), ("GET", f"{URL}/{window_id}", None)]
    for method, url, payload in reads + writes(dyno_id, window_id):
        error_body(await client.request(method, url, json=payload), 401, "not_authenticated")


# Read ---------------------------------------------------------------------------------------------
async def test_an_engineer_lists_windows_by_dyno_and_days(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, dyno_id: int, window_id: int
):
    other = await make_dyno(session, "MPG 2")
    other_id = other.id
    late_id = (
        await make_maintenance(session, other, dt.date(2026, 3, 20), dt.date(2026, 3, 22))
    ).id
    await session.commit()

    async def listed(**params) -> list[int]:  # type: ignore[no-untyped-def]
        response = await client.get(URL, headers=engineer, params=params)
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()]

    assert await listed() == [window_id, late_id]
    assert await listed(dyno_id=other_id) == [late_id]
    assert await listed(start_date=d(5)) == [late_id]
    assert await listed(end_date=d(2)) == [window_id]
    assert await listed(start_date=d(5), end_date=d(19)) == []
    one = await client.get(f"{URL}/{window_id}", headers=engineer)
    assert one.status_code == 200 and one.json()["start_date"] == d(2)


async def test_list_and_get_errors(
    client: httpx.AsyncClient, engineer: dict, dyno_id: int, window_id: int
):
    get = client.get
    error_body(
        await get(URL, headers=engineer, params={"dyno_id": dyno_id + 1000}), 404, "dyno_not_found"
    )
    error_body(
        await get(URL, headers=engineer, params={"start_date": d(5), "end_date": d(4)}),
        422,
        "invalid_input",
    )
    error_body(
        await get(URL, headers=engineer, params={"start_date": "soon"}), 422, "validation_error"
    )
    body = error_body(
        await get(f"{URL}/{window_id + 1000}", headers=engineer), 404, "maintenance_not_found"
    )
    assert body["details"] == {"maintenance_id": window_id + 1000}


# Update and delete --------------------------------------------------------------------------------
async def test_a_manager_moves_a_window(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, window_id: int, booking_id: int
):
    response = await client.patch(
        f"{URL}/{window_id}", headers=manager, json={"end_date": d(9), "reason": "longer"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["end_date"], response.json()["reason"]) == (d(9), "longer")
    assert await windows(session) == [(d(2), d(9))]


async def test_moving_a_window_onto_a_booking_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, window_id: int, booking_id: int
):
    response = await client.patch(f"{URL}/{window_id}", headers=manager, json={"end_date": d(11)})
    assert error_body(response, 409, "maintenance_conflict")["details"]["allocation_ids"] == [
        booking_id
    ]
    assert await windows(session) == [(d(2), d(4))]


async def test_update_errors(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, window_id: int
):
    url = f"{URL}/{window_id}"
    body = error_body(
        await client.patch(url, headers=manager, json={"end_date": d(1)}), 422, "invalid_input"
    )
    assert body["details"]["field"] == "end_date"
    error_body(
        await client.patch(url, headers=manager, json={"start_date": None}), 422, "validation_error"
    )
    error_body(
        await client.patch(url, headers=manager, json={"dyno_id": 7}), 422, "validation_error"
    )
    error_body(
        await client.patch(f"{URL}/{window_id + 1000}", headers=manager, json={}),
        404,
        "maintenance_not_found",
    )
    assert await windows(session) == [(d(2), d(4))]


async def test_a_manager_deletes_a_window(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, window_id: int
):
    response = await client.delete(f"{URL}/{window_id}", headers=manager)
    assert response.status_code == 204 and response.content == b""
    assert await windows(session) == []
    error_body(
        await client.delete(f"{URL}/{window_id}", headers=manager), 404, "maintenance_not_found"
    )
    count = await session.scalar(select(func.count()).select_from(MaintenanceWindow))
    assert count == 0
