"""Everyone who may see a booking sees who booked it by name, not by user id."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle

D = TODAY + dt.timedelta(days=7)


async def test_another_users_booking_names_its_booker_in_reads_and_lists(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    booker = await make_user(session, Role.power_user, email="jane.doe@lab.test")
    nameless = await make_user(session, Role.user, email="kim.lee@lab.test")
    nameless.full_name = None
    dyno = await make_dyno(session)
    named = await make_allocation(
        session, await make_vehicle(session), dyno, D, D, created_by=booker
    )
    later = D + dt.timedelta(days=1)
    other = await make_allocation(
        session, await make_vehicle(session), dyno, later, later, created_by=nameless
    )
    await session.commit()

    one = (await client.get(f"/api/v1/allocations/{named.id}", headers=engineer)).json()
    assert (one["created_by"], one["created_by_name"]) == (booker.id, "Test User")
    listed = await client.get("/api/v1/allocations", params={"dyno_id": dyno.id}, headers=engineer)
    names = {a["id"]: a["created_by_name"] for a in listed.json()["items"]}
    assert names == {named.id: "Test User", other.id: "kim.lee"}
