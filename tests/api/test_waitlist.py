"""/api/v1/waitlist: join when nothing is free, see the offer with its deadline, accept it."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

MAR10 = (TODAY + dt.timedelta(days=8)).isoformat()


async def test_join_offer_accept_through_the_api(
    client: httpx.AsyncClient,
    session: AsyncSession,
    engineer: dict[str, str],
    manager: dict[str, str],
):
    dyno = await make_dyno(session, "Brake 1")
    taken = await make_allocation(
        session,
        await make_vehicle(session),
        dyno,
        TODAY + dt.timedelta(days=8),
        TODAY + dt.timedelta(days=8),
    )
    waiting = await make_vehicle(session)
    await session.commit()
    taken_id = taken.id  # failed requests roll back and expire the test's objects
    body = {
        "vehicle_id": waiting.id,
        "test_type": "Brake",
        "start_date": MAR10,
        "days_to_complete": 1,
    }

    joined = await client.post("/api/v1/waitlist", json=body, headers=engineer)
    assert joined.status_code == 201, joined.text
    entry = joined.json()
    assert (entry["status"], entry["offer"], entry["test_type"]) == ("waiting", None, "brake")
    error_body(
        await client.post("/api/v1/waitlist", json=body, headers=engineer),
        409,
        "waitlist_entry_closed",
    )
    error_body(
        await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=engineer),
        409,
        "waitlist_entry_closed",
    )

    cancelled = await client.post(f"/api/v1/allocations/{taken_id}/cancel", headers=manager)
    assert cancelled.status_code == 200

    mine = (await client.get("/api/v1/waitlist", headers=engineer)).json()
    assert [e["id"] for e in mine] == [entry["id"]]
    offer = mine[0]["offer"]
    assert mine[0]["status"] == "offered"
    assert (offer["status"], offer["start_date"], offer["dyno"]["name"]) == (
        "held",
        MAR10,
        "Brake 1",
    )
    assert offer["hold_expires_at"]
    held = (await client.get(f"/api/v1/allocations/{offer['id']}", headers=engineer)).json()
    assert held["status"] == "held" and held["hold_expires_at"]
    assert (await client.get("/api/v1/waitlist", headers=manager)).json() == []
    everyone = (await client.get("/api/v1/waitlist?all=true", headers=manager)).json()
    assert [e["id"] for e in everyone] == [entry["id"]]

    accepted = await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=engineer)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "booked"
    assert accepted.json()["offer"]["status"] == "scheduled"


async def test_someone_elses_entry_cannot_be_withdrawn(
    client: httpx.AsyncClient,
    session: AsyncSession,
    engineer: dict[str, str],
    manager: dict[str, str],
):
    await make_dyno(session, "Brake 1")
    vehicle = await make_vehicle(session)
    await session.commit()
    body = {
        "vehicle_id": vehicle.id,
        "test_type": "brake",
        "start_date": MAR10,
        "days_to_complete": 1,
        "latest_end": (TODAY + dt.timedelta(days=20)).isoformat(),
    }
    entry = (await client.post("/api/v1/waitlist", json=body, headers=manager)).json()
    assert entry["status"] == "offered"  # a free slot is offered at once

    error_body(
        await client.post(f"/api/v1/waitlist/{entry['id']}/withdraw", headers=engineer),
        404,
        "waitlist_entry_not_found",
    )
    withdrawn = await client.post(f"/api/v1/waitlist/{entry['id']}/withdraw", headers=manager)
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["offer"]["status"] == "cancelled"
