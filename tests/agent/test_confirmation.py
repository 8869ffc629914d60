"""Confirmations cannot be bypassed: whatever shape a scripted model gives a destructive call's
arguments, it is either asked about before anything changes or refused without the tool running.
The database is checked after each turn."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolCall
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent import tools as agent_tools
from dyno_agent.agent.nodes.tools import tools_node
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation
from tests.agent.conftest import MONDAY, Lab, call, collect, scripted, types
from tests.factories import make_allocation, make_vehicle

LATER = MONDAY + dt.timedelta(days=14)


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat, user, conversation_id, approve):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


async def booking_state(engine: AsyncEngine, allocation_id: int) -> tuple[str, dt.date, int]:
    """Status, start date and how many changes the audit log holds for the booking."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT a.status, a.start_date, (SELECT count(*) FROM allocation_events e"
                    " WHERE e.allocation_id = a.id AND e.channel = 'agent')"
                    " FROM allocations a WHERE a.id = :id"
                ),
                {"id": allocation_id},
            )
        ).one()
    return row[0], row[1], row[2]


def ran(events: list[dict[str, Any]], tool: str) -> bool:
    return any(e == {"type": "status", "message": f"Running {tool}…"} for e in events)


def calls(*items: tuple[str, dict[str, Any]]) -> AIMessage:
    tool_calls = [
        ToolCall(name=name, args=args, id=f"call_{n}") for n, (name, args) in enumerate(items)
    ]
    return AIMessage(content="", tool_calls=tool_calls)


@pytest.fixture
async def second_booking(lab: Lab, committed: AsyncEngine) -> Allocation:
    async with make_session_factory(committed)() as session, session.begin():
        return await make_allocation(
            session, await make_vehicle(session), lab.dyno, LATER, LATER, created_by=lab.other
        )


def cancel_args(booking_id: int, shape: str) -> dict[str, Any]:
    value: Any = {"int": booking_id, "string": str(booking_id), "float": float(booking_id)}[shape]
    return {"allocation_id": value}


def move_args(booking_id: int, shape: str) -> dict[str, Any]:
    return {**cancel_args(booking_id, shape), "new_start_date": LATER.isoformat()}


class TestArgumentShapes:
    @pytest.mark.parametrize("shape", ["string", "float"])
    @pytest.mark.parametrize(
        ("tool", "args_of"),
        [("cancel_allocation", cancel_args), ("reschedule_allocation", move_args)],
    )
    async def test_an_id_as_a_string_or_a_float_is_asked_about_before_anything_changes(
        self, chat_with, lab: Lab, committed: AsyncEngine, shape: str, tool: str, args_of
    ):
        booking_id = lab.others_booking.id
        before = await booking_state(committed, booking_id)
        model = scripted(call(tool, args_of(booking_id, shape)), AIMessage(content="Done."))
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.manager, "change it")
        assert types(events) == ["conversation", "status", "tool_call", "confirm", "done"]
        confirm = events[3]
        assert confirm["action"] == tool
        assert confirm["args"]["allocation_id"] == booking_id  # the parsed value, as it will run
        assert f"#{booking_id}" in confirm["prompt"]
        assert await booking_state(committed, booking_id) == before

        events = await resume(chat, lab.manager, conversation_id, approve=False)
        assert ran(events, tool) is False
        assert await booking_state(committed, booking_id) == before

    async def test_an_approved_string_id_runs_with_the_value_that_was_shown(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        booking_id = lab.others_booking.id
        model = scripted(
            call("cancel_allocation", {"allocation_id": f" {booking_id} "}),
            AIMessage(content="Cancelled."),
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.manager, "cancel it")
        assert "confirm" in types(events)
        events = await resume(chat, lab.manager, conversation_id, approve=True)
        assert next(e for e in events if e["type"] == "tool_result")["ok"] is True
        assert (await booking_state(committed, booking_id))[0] == "cancelled"

    @pytest.mark.parametrize(
        "args",
        [
            {"allocation_id": 0},  # extra key below, invalid values here
            {"allocation_id": "abc"},
            {"allocation_id": 50.5},
            {"allocation_id": None},
            {},
            {"allocation_id": [1]},
        ],
    )
    async def test_invalid_arguments_are_the_result_and_the_tool_never_runs(
        self, chat_with, lab: Lab, committed: AsyncEngine, args: dict[str, Any]
    ):
        booking_id = lab.others_booking.id
        before = await booking_state(committed, booking_id)
        model = scripted(call("cancel_allocation", args), AIMessage(content="Which booking?"))
        _, events = await turn(chat_with(model), lab.manager, "cancel")
        assert "confirm" not in types(events)
        assert ran(events, "cancel_allocation") is False
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("invalid_arguments")
        assert json.loads(model.seen[1][-1].content)["error"] == "invalid_arguments"
        assert await booking_state(committed, booking_id) == before

    @pytest.mark.parametrize("extra", [{"confirmed": True}, {"approve": True}, {"force": 1}])
    async def test_extra_keys_are_refused_without_running(
        self, chat_with, lab: Lab, committed: AsyncEngine, extra: dict[str, Any]
    ):
        booking_id = lab.others_booking.id
        before = await booking_state(committed, booking_id)
        args = {"allocation_id": str(booking_id), **extra}
        model = scripted(call("cancel_allocation", args), AIMessage(content="No."))
        _, events = await turn(chat_with(model), lab.manager, "cancel, already confirmed")
        assert "confirm" not in types(events) and ran(events, "cancel_allocation") is False
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["summary"].startswith("invalid_arguments")
        assert await booking_state(committed, booking_id) == before

    @pytest.mark.parametrize("name", ["Cancel_allocation", "cancel_allocation ", "cancel_all"])
    async def test_an_unknown_tool_name_is_refused_without_running(
        self, chat_with, lab: Lab, committed: AsyncEngine, name: str
    ):
        booking_id = lab.others_booking.id
        before = await booking_state(committed, booking_id)
        model = scripted(
            calls((name, {"allocation_id": booking_id}), ("get_datetime_now", {})),
            AIMessage(content="Sorry."),
        )
        _, events = await turn(chat_with(model), lab.manager, "cancel it")
        results = [e for e in events if e["type"] == "tool_result"]
        assert results[0]["ok"] is False and results[0]["summary"].startswith("unknown_tool")
        assert results[1]["ok"] is True  # the harmless call in the same message still runs
        assert await booking_state(committed, booking_id) == before


class TestSeveralDestructiveCalls:
    async def test_one_confirmation_lists_each_and_rejecting_changes_none(
        self, chat_with, lab: Lab, committed: AsyncEngine, second_booking: Allocation
    ):
        first, second = lab.others_booking.id, second_booking.id
        before = [await booking_state(committed, first), await booking_state(committed, second)]
        model = scripted(
            calls(
                ("cancel_allocation", {"allocation_id": str(first)}),
                ("reschedule_allocation", move_args(second, "float")),
            ),
            AIMessage(content="Nothing changed."),
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.manager, "cancel one, move the other")
        assert types(events).count("confirm") == 1
        confirm = next(e for e in events if e["type"] == "confirm")
        assert confirm["action"] == "multiple"
        assert [c["args"]["allocation_id"] for c in confirm["args"]["calls"]] == [first, second]
        assert f"#{first}" in confirm["prompt"] and f"#{second}" in confirm["prompt"]
        assert "(1)" in confirm["prompt"] and "(2)" in confirm["prompt"]

        events = await resume(chat, lab.manager, conversation_id, approve=False)
        summaries = [e["summary"] for e in events if e["type"] == "tool_result"]
        assert len(summaries) == 2 and all(s.startswith("declined") for s in summaries)
        after = [await booking_state(committed, first), await booking_state(committed, second)]
        assert after == before

    async def test_approving_runs_each_of_them(
        self, chat_with, lab: Lab, committed: AsyncEngine, second_booking: Allocation
    ):
        first, second = lab.others_booking.id, second_booking.id
        model = scripted(
            calls(
                ("cancel_allocation", {"allocation_id": float(first)}),
                ("cancel_allocation", {"allocation_id": str(second)}),
            ),
            AIMessage(content="Both cancelled."),
        )
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.manager, "cancel both")
        assert (await booking_state(committed, first))[0] == "scheduled"
        events = await resume(chat, lab.manager, conversation_id, approve=True)
        assert [e["ok"] for e in events if e["type"] == "tool_result"] == [True, True]
        assert (await booking_state(committed, first))[0] == "cancelled"
        assert (await booking_state(committed, second))[0] == "cancelled"

    async def test_a_certain_refusal_next_to_an_askable_call_is_answered_and_the_other_asked(
        self, chat_with, lab: Lab, committed: AsyncEngine, second_booking: Allocation
    ):
        mine, others = second_booking.id, lab.others_booking.id
        async with committed.begin() as conn:  # the engineer owns `mine`
            await conn.execute(
                text("UPDATE allocations SET created_by = :u WHERE id = :id"),
                {"u": lab.engineer.id, "id": mine},
            )
        model = scripted(
            calls(
                ("cancel_allocation", {"allocation_id": str(others)}),
                ("cancel_allocation", {"allocation_id": str(mine)}),
            ),
            AIMessage(content="One of them is not yours."),
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.engineer, "cancel both")
        refusal = next(e for e in events if e["type"] == "tool_result")
        assert refusal["summary"].startswith("permission_denied")
        confirm = next(e for e in events if e["type"] == "confirm")
        assert confirm["action"] == "cancel_allocation" and f"#{mine}" in confirm["prompt"]
        assert f"allocation #{others}:" not in confirm["prompt"]
        events = await resume(chat, lab.engineer, conversation_id, approve=True)
        assert [e["ok"] for e in events if e["type"] == "tool_result"] == [True]
        assert (await booking_state(committed, mine))[0] == "cancelled"
        assert (await booking_state(committed, others))[0] == "scheduled"


class TestFailClosed:
    async def test_a_certain_refusal_is_answered_without_running_the_tool(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        booking_id = lab.others_booking.id
        model = scripted(
            call("cancel_allocation", {"allocation_id": str(booking_id)}),
            AIMessage(content="You can't."),
        )
        _, events = await turn(chat_with(model), lab.engineer, "cancel it")
        assert "confirm" not in types(events) and ran(events, "cancel_allocation") is False
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["summary"].startswith("permission_denied")
        assert (await booking_state(committed, booking_id))[0] == "scheduled"

    @pytest.mark.parametrize(
        "failure", [RuntimeError("bug"), ConnectionError("database unreachable")]
    )
    async def test_a_failed_check_means_asking(
        self,
        chat_with,
        lab: Lab,
        committed: AsyncEngine,
        monkeypatch: pytest.MonkeyPatch,
        failure: Exception,
    ):
        async def broken(env, args):  # type: ignore[no-untyped-def]
            raise failure

        spec = agent_tools.TOOLS["cancel_allocation"]
        monkeypatch.setitem(
            agent_tools.TOOLS, spec.name, dataclasses.replace(spec, question=broken)
        )
        booking_id = lab.others_booking.id
        model = scripted(call("cancel_allocation", {"allocation_id": booking_id}))
        _, events = await turn(chat_with(model), lab.manager, "cancel it")
        confirm = next(e for e in events if e["type"] == "confirm")
        assert "could not be checked" in confirm["prompt"]
        assert ran(events, "cancel_allocation") is False
        assert (await booking_state(committed, booking_id))[0] == "scheduled"


async def test_the_tools_node_runs_no_destructive_call_that_was_not_approved():
    """Defence in depth: whatever routed a message to the tools node, an unapproved cancel is
    answered `not_confirmed` and never reaches the tool (no database is even needed)."""
    state: dict[str, Any] = {
        "messages": [calls(("cancel_allocation", {"allocation_id": 1}), ("nope", {}))],
        "approved": ["call_other"],
    }
    runtime = SimpleNamespace(context=None, stream_writer=lambda event: None)
    update = await tools_node(state, runtime)  # type: ignore[arg-type]
    errors = [json.loads(m.content)["error"] for m in update["messages"]]
    assert errors == ["not_confirmed", "unknown_tool"]
    assert update["approved"] == []
