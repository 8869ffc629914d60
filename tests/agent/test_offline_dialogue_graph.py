"""The offline model's references in the real graph (tools, confirmations, PostgreSQL
checkpointer): the conversation's state is read back from the stored messages each turn."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.db.engine import make_session_factory
from tests.agent.conftest import MONDAY, Lab, collect, types
from tests.factories import make_allocation, make_dyno, make_vehicle

FREE_DYNOS = ("MPG 7", "MPG 8", "MPG 9")


async def turn(chat: Any, user: Any, message: str, conversation_id: Any = None) -> tuple[Any, list]:  # type: ignore[type-arg]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat: Any, user: Any, conversation_id: Any, approve: bool) -> list:  # type: ignore[type-arg]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


def answer(events: list[dict[str, Any]]) -> str:
    return str(next(e for e in events if e["type"] == "assistant")["content"])


async def booking_row(engine: AsyncEngine, allocation_id: int) -> tuple[str, int]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, end_date - start_date + 1 FROM allocations WHERE id = :id"),
                {"id": allocation_id},
            )
        ).one()
    return row[0], row[1]


@pytest.fixture
async def free_dynos(committed: AsyncEngine) -> None:
    async with make_session_factory(committed)() as session, session.begin():
        for name in FREE_DYNOS:
            await make_dyno(session, name)


@pytest.fixture
async def my_bookings(lab: Lab, committed: AsyncEngine) -> list[int]:
    async with make_session_factory(committed)() as session, session.begin():
        ids = []
        for offset in (1, 2):  # lab.dyno is taken on MONDAY
            day = MONDAY + dt.timedelta(days=offset)
            vehicle = await make_vehicle(session)
            made = await make_allocation(
                session, vehicle, lab.dyno, day, day, created_by=lab.engineer
            )
            ids.append(made.id)
    return ids


async def test_the_third_after_an_availability_list_books_that_dyno(
    chat_with, lab: Lab, free_dynos: None
) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    conversation, events = await turn(
        chat, lab.engineer, "which dynos are free for brake next monday, 2wd 6000 lbs?"
    )
    shown = answer(events)
    order = sorted(
        (m.start(), name)
        for name in ("VTS #1", "VTS #2", *FREE_DYNOS)
        for m in [re.search(re.escape(name), shown)]
        if m
    )
    assert len(order) >= 3, shown
    third = order[2][1]
    _, events = await turn(
        chat, lab.engineer, f"book VIN {lab.vehicle.vin} on the third", conversation
    )
    call = next(e for e in events if e["type"] == "tool_call")
    assert call["name"] == "book_on_dyno"
    assert call["args"]["dyno"] == third and call["args"]["start_date"] == MONDAY.isoformat()
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["ok"] is True, result


async def test_cancel_them_after_a_bookings_list_asks_one_confirmation_for_all(
    chat_with, lab: Lab, my_bookings: list[int], committed: AsyncEngine
) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    conversation, _ = await turn(chat, lab.engineer, "what are my bookings?")
    _, events = await turn(chat, lab.engineer, "cancel them", conversation)
    assert types(events).count("confirm") == 1
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "multiple"
    assert sorted(c["args"]["allocation_id"] for c in confirm["args"]["calls"]) == my_bookings
    assert [(await booking_row(committed, i))[0] for i in my_bookings] == ["scheduled"] * 2
    events = await resume(chat, lab.engineer, conversation, approve=True)
    assert [(await booking_row(committed, i))[0] for i in my_bookings] == ["cancelled"] * 2


async def test_a_correction_of_the_booking_just_made_waits_for_confirmation(
    chat_with, lab: Lab, committed: AsyncEngine
) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    text_ = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    conversation, events = await turn(chat, lab.engineer, text_)
    booked = re.match(r"Booked #(\d+):", answer(events))
    assert booked, answer(events)
    number = int(booked.group(1))
    _, events = await turn(chat, lab.engineer, "make it three days instead", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "reschedule_allocation"
    assert confirm["args"]["allocation_id"] == number
    assert await booking_row(committed, number) == ("scheduled", 2)
    await resume(chat, lab.engineer, conversation, approve=True)
    assert await booking_row(committed, number) == ("scheduled", 3)
