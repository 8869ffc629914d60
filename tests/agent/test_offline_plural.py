"""Plural requests: every vehicle or booking named gets its own call, or the model asks."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.offline import ParsedRequest, parse_request
from dyno_agent.agent.offline.calls import names_several, tool_calls
from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation, AllocationStatus
from tests.agent.conftest import MONDAY, Lab, collect, types
from tests.agent.offline_fixtures import DYNO_NAMES, TEST_TYPES, TODAY, d
from tests.agent.offline_model_fixtures import converse, reply
from tests.factories import make_dyno, make_vehicle


def parse(text: str) -> ParsedRequest:
    return parse_request(text, TODAY, TEST_TYPES, DYNO_NAMES)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("book vehicles 11, 12 and 19 for brake next monday for 1 day each", (11, 12, 19)),
        ("book vehicles 11 and 12 for brake next monday, 2 days", (11, 12)),
        ("book vehicle 11 and vehicle 12 for brake next monday, 2 days", (11, 12)),
        ("book Fahrzeuge 11 und 12 for brake next monday, 2 days", (11, 12)),
        ("book vehicles 11 & 12 for brake next monday for 2 days", (11, 12)),
    ],
)
def test_every_vehicle_named_gets_its_own_booking(text: str, ids: tuple[int, ...]) -> None:
    p = parse(text)
    assert p.entities.vehicle_ids == ids
    assert (p.start_date, p.missing) == (d(3, 9), ())
    calls = tool_calls(p)
    assert [name for name, _ in calls] == ["auto_allocate_vehicle"] * len(ids)
    assert [args["vehicle_id"] for _, args in calls] == list(ids)
    assert all(args["start_date"] == "2026-03-09" for _, args in calls)
    assert all(args["test_type"] == "brake" for _, args in calls)


@pytest.mark.parametrize("text", ["cancel bookings 40 and 41", "cancel #40 and #41"])
def test_every_booking_named_is_cancelled(text: str) -> None:
    calls = tool_calls(parse(text))
    assert calls == [
        ("cancel_allocation", {"allocation_id": 40}),
        ("cancel_allocation", {"allocation_id": 41}),
    ]


@pytest.mark.parametrize(
    ("text", "vehicle", "days"),
    [
        ("book vehicle 5, 2 days, brake next monday", 5, 2),
        ("book vehicle 5 for brake on 2026-03-09 for 2 days", 5, 2),
        ("book vehicle 5 for brake on 3/9, 3 days", 5, 3),
    ],
)
def test_a_count_or_date_after_the_vehicle_is_no_second_vehicle(
    text: str, vehicle: int, days: int
) -> None:
    p = parse(text)
    assert p.entities.vehicle_ids == (vehicle,)
    assert (p.start_date, p.days) == (d(3, 9), days)
    assert len(tool_calls(p)) == 1


async def test_a_request_that_takes_one_vehicle_asks_instead_of_dropping_one() -> None:
    text = "plan the open requests for vehicles 11 and 12"
    assert names_several(parse(text))
    answer = await reply(text)
    assert not answer.tool_calls
    assert "vehicles 11 and 12" in str(answer.content) and "?" in str(answer.content)


async def test_one_model_message_carries_every_call_with_its_own_id() -> None:
    answer = await reply("book vehicles 11, 12 and 19 for brake on 2026-03-09 for 1 day")
    assert [c["args"]["vehicle_id"] for c in answer.tool_calls] == [11, 12, 19]
    assert len({c["id"] for c in answer.tool_calls}) == 3


async def test_a_plural_request_asks_once_then_books_every_vehicle() -> None:
    first, second = await converse("book vehicles 11 and 12 for brake", "next monday for 1 day")
    assert not first.tool_calls and "vehicles 11 and 12" in str(first.content)
    assert [c["args"]["vehicle_id"] for c in second.tool_calls] == [11, 12]


async def test_the_graph_books_every_vehicle(  # type: ignore[no-untyped-def]
    chat_with, lab: Lab, committed: AsyncEngine
) -> None:
    async with make_session_factory(committed)() as session, session.begin():
        await make_dyno(session, "VTS #3", facility="VTS")
        await make_dyno(session, "VTS #4", facility="VTS")
        vehicles = [lab.vehicle, await make_vehicle(session), await make_vehicle(session)]
    ids = [v.id for v in vehicles]
    chat = chat_with(OfflineChatModel())
    text = f"book vehicles {ids[0]}, {ids[1]} and {ids[2]} for a brake test next Monday for 2 days"
    prepared = await chat.prepare_message(lab.engineer, text, None)
    events: list[dict[str, Any]] = await collect(chat.events(prepared))
    results = [e for e in events if e["type"] == "tool_result"]
    assert [(r["name"], r["ok"]) for r in results] == [("auto_allocate_vehicle", True)] * 3
    assert types(events)[-1] == "done"
    async with make_session_factory(committed)() as session:
        booked = await session.scalars(select(Allocation).where(Allocation.vehicle_id.in_(ids)))
        rows = list(booked)
    assert sorted(a.vehicle_id for a in rows) == sorted(ids)
    assert all(a.start_date == MONDAY for a in rows)


async def test_cancelling_two_bookings_asks_once_and_cancels_both(  # type: ignore[no-untyped-def]
    chat_with, lab: Lab, committed: AsyncEngine
) -> None:
    async with make_session_factory(committed)() as session, session.begin():
        await make_dyno(session, "VTS #3", facility="VTS")
        second = await make_vehicle(session)
    ids = [lab.vehicle.id, second.id]
    chat = chat_with(OfflineChatModel())
    text = f"book vehicles {ids[0]} and {ids[1]} for a brake test next Monday for 1 day"
    prepared = await chat.prepare_message(lab.engineer, text, None)
    await collect(chat.events(prepared))
    async with make_session_factory(committed)() as session:
        booked = list(
            await session.scalars(select(Allocation.id).where(Allocation.vehicle_id.in_(ids)))
        )
    assert len(booked) == 2
    text = f"cancel bookings {booked[0]} and {booked[1]}"
    prepared = await chat.prepare_message(lab.engineer, text, prepared.conversation_id)
    events = await collect(chat.events(prepared))
    assert types(events).count("confirm") == 1 and types(events)[-1] == "done"
    approved = await collect(
        chat.events(await chat.prepare_resume(lab.engineer, prepared.conversation_id, True))
    )
    results = [e for e in approved if e["type"] == "tool_result"]
    assert [(r["name"], r["ok"]) for r in results] == [("cancel_allocation", True)] * 2
    async with make_session_factory(committed)() as session:
        statuses = set(
            await session.scalars(select(Allocation.status).where(Allocation.id.in_(booked)))
        )
    assert statuses == {AllocationStatus.cancelled}
