"""The waitlist through the agent with the built-in offline model: joining is confirmed first, a
freed slot shows up as an offer, and "accept the offer" books it after a confirmation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.models import Dyno
from tests.agent.conftest import MONDAY, Lab, collect
from tests.factories import make_allocation, make_vehicle


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def approve(chat, user, conversation_id):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, True)))


def said(events: list[dict[str, Any]]) -> str:
    return "".join(str(e.get("text") or e.get("content") or "") for e in events)


async def entries(engine: AsyncEngine) -> list[tuple[int, str, int | None]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT id, status, allocation_id FROM waitlist_entries ORDER BY id")
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_join_confirmed_then_the_offer_is_shown_and_accepted(
    lab: Lab, chat_with, committed: AsyncEngine
):  # type: ignore[no-untyped-def]
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        vts2 = await session.scalar(select(Dyno).where(Dyno.name == "VTS #2"))
        assert vts2 is not None  # both dynos are full that day
        await make_allocation(session, await make_vehicle(session), vts2, MONDAY, MONDAY)
    chat = chat_with()
    day = MONDAY.isoformat()

    conversation, events = await turn(
        chat,
        lab.engineer,
        f"put vehicle {lab.vehicle.id} on the waitlist for a brake test on {day} for 1 day",
    )
    assert [e for e in events if e["type"] == "confirm"], events
    assert await entries(committed) == []  # nothing before the confirmation
    await approve(chat, lab.engineer, conversation)
    [(entry_id, status, _)] = await entries(committed)
    assert status == "waiting"

    async with factory() as session, session.begin():
        await booking.cancel_allocation(session, Actor.system(Channel.api), lab.others_booking.id)

    conversation, events = await turn(chat, lab.engineer, "any offers for me?", conversation)
    assert f"#{entry_id}" in said(events) and "VTS #1" in said(events)
    conversation, events = await turn(chat, lab.engineer, "accept the offer", conversation)
    assert [e for e in events if e["type"] == "confirm"], events
    await approve(chat, lab.engineer, conversation)

    [(_, status, allocation_id)] = await entries(committed)
    assert status == "booked"
    async with committed.connect() as conn:
        booked = await conn.scalar(
            text("SELECT status FROM allocations WHERE id = :id"), {"id": allocation_id}
        )
    assert booked == "scheduled"
