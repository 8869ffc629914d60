"""Recurring bookings in chat, with the offline model and the real graph: a series is booked only
after the user approves the previewed dates; a series with a date no dyno can take is refused
before asking; "cancel the rest of that series" asks, then cancels."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.db.engine import make_session_factory
from tests.agent.conftest import MONDAY, Lab, collect, types
from tests.factories import make_allocation, make_vehicle


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat, user, conversation_id, approve):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


async def scalar(engine: AsyncEngine, query: str) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(query))).scalar()


@pytest.fixture
def chat(chat_with):  # type: ignore[no-untyped-def]
    return chat_with(OfflineChatModel())


async def test_a_series_is_booked_after_approval_and_the_rest_cancelled_after_approval(  # type: ignore[no-untyped-def]
    chat, lab: Lab, committed: AsyncEngine
):
    message = f"book vehicle {lab.vehicle.id} brake test every monday for 3 weeks, 1 day each"
    conversation, events = await turn(chat, lab.engineer, message)
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "book_series"
    assert confirm["args"]["pattern"] == "every Monday for 3 week(s)"
    assert "2026-03-02, 2026-03-09, 2026-03-16 on VTS #2 where free" in confirm["prompt"]
    assert (
        await scalar(committed, "SELECT count(*) FROM allocations WHERE series_id IS NOT NULL") == 0
    )

    await resume(chat, lab.engineer, conversation, True)
    booked = "SELECT count(*) FROM allocations WHERE series_id IS NOT NULL AND status = 'scheduled'"
    assert await scalar(committed, booked) == 3

    _, events = await turn(chat, lab.engineer, "cancel the rest of that series", conversation)
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "cancel_series"
    await resume(chat, lab.engineer, conversation, True)
    assert await scalar(committed, booked) == 0


async def test_a_series_with_a_full_date_is_refused_before_asking(  # type: ignore[no-untyped-def]
    chat, lab: Lab, committed: AsyncEngine
):
    async with make_session_factory(committed)() as session, session.begin():
        other = await make_vehicle(session)
        second = await session.get(type(lab.dyno), lab.dyno.id + 1)
        await make_allocation(session, other, second, MONDAY, MONDAY)  # both dynos full then

    message = f"book vehicle {lab.vehicle.id} brake every monday 3 times"
    _, events = await turn(chat, lab.engineer, message)

    assert "confirm" not in types(events)
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert MONDAY.isoformat() in answer
    assert (
        await scalar(committed, "SELECT count(*) FROM allocations WHERE series_id IS NOT NULL") == 0
    )
