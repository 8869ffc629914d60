"""The agent graph end to end with a scripted model: tools, errors, retries, confirmations."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent import errors
from dyno_agent.agent import tools as agent_tools
from dyno_agent.agent.tools import ToolOutcome, ToolSpec
from dyno_agent.agent.tools.args import NoArgs
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation, AllocationEvent
from tests.agent.conftest import MONDAY, Lab, call, collect, scripted, types


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def status_of(engine: AsyncEngine, allocation_id: int) -> str:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                text("SELECT status FROM allocations WHERE id = :id"), {"id": allocation_id}
            )
        ).scalar_one()


class TestToolCalls:
    async def test_a_booking_runs_the_tool_as_the_user_and_answers(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        model = scripted(
            call(
                "auto_allocate_vehicle",
                {
                    "vin": lab.vehicle.vin,
                    "test_type": "brake",
                    "start_date": MONDAY.isoformat(),
                    "days_to_complete": 2,
                },
            ),
            AIMessage(content="Booked it."),
        )
        chat = chat_with(model)
        _, events = await turn(chat, lab.engineer, "Book it")
        assert types(events) == [
            "conversation",
            "status",
            "tool_call",
            "status",
            "tool_result",
            "assistant",
            "done",
        ]
        result = events[4]
        assert result["name"] == "auto_allocate_vehicle" and result["ok"] is True
        assert "VTS #2" in result["summary"]  # VTS #1 is busy that Monday
        async with make_session_factory(committed)() as session:
            booking = await session.scalar(
                select(Allocation).where(Allocation.vehicle_id == lab.vehicle.id)
            )
            assert booking is not None and booking.created_by == lab.engineer.id
            event = await session.scalar(
                select(AllocationEvent).where(AllocationEvent.allocation_id == booking.id)
            )
            assert event is not None and (event.channel, event.actor_id) == (
                "agent",
                lab.engineer.id,
            )
        # The model saw the tool result before answering.
        tool_message = model.seen[1][-1]
        assert isinstance(tool_message, ToolMessage)
        assert json.loads(tool_message.content)["data"]["allocation"]["dyno"]["name"] == "VTS #2"

    async def test_a_domain_error_goes_back_to_the_model_as_the_tool_result(
        self, chat_with, lab: Lab
    ):
        model = scripted(
            call("check_vehicle_allocation", {"vehicle_id": 999_999}),
            AIMessage(content="I could not find that vehicle."),
        )
        _, events = await turn(chat_with(model), lab.engineer, "Where is vehicle 999999?")
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("vehicle_not_found")
        body = json.loads(model.seen[1][-1].content)
        assert (body["ok"], body["error"]) == (False, "vehicle_not_found")
        assert body["details"] == {"vehicle_id": 999_999}
        assert events[-2] == {"type": "assistant", "content": "I could not find that vehicle."}

    async def test_invalid_arguments_are_reported_not_raised(self, chat_with, lab: Lab):
        model = scripted(
            call(
                "get_dyno_schedule",
                {"dyno": "VTS #1", "start_date": "next week", "end_date": "2026-03-20"},
            ),
            AIMessage(content="Which dates?"),
        )
        _, events = await turn(chat_with(model), lab.engineer, "schedule?")
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("invalid_arguments")

    async def test_an_unknown_tool_is_reported(self, chat_with, lab: Lab):
        model = scripted(call("drop_everything", {}), AIMessage(content="Sorry."))
        _, events = await turn(chat_with(model), lab.engineer, "hi")
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("unknown_tool")


class TestQueryDatabase:
    async def test_a_select_answers_with_rows_and_the_total(self, chat_with, lab: Lab):
        sql = "SELECT name FROM dynos ORDER BY name"
        model = scripted(call("query_database", {"sql": sql}), AIMessage(content="Two dynos."))
        _, events = await turn(chat_with(model, sql_row_limit=1), lab.engineer, sql)
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is True
        data = json.loads(model.seen[1][-1].content)["data"]
        assert data["rows"] == [["VTS #1"]]
        assert (data["total_rows"], data["truncated"]) == (2, True)

    @pytest.mark.parametrize(
        "sql",
        ["DELETE FROM allocations", "SELECT password_hash FROM users", "SELECT pg_sleep(5)"],
    )
    async def test_writes_and_forbidden_reads_are_refused(
        self, chat_with, lab: Lab, committed: AsyncEngine, sql: str
    ):
        model = scripted(call("query_database", {"sql": sql}), AIMessage(content="No."))
        _, events = await turn(chat_with(model), lab.engineer, sql)
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("query_refused")
        assert await status_of(committed, lab.others_booking.id) == "scheduled"


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    async def __call__(self, env, args):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))
        return ToolOutcome.success("fine", {"calls": self.calls})


class TestFailures:
    @pytest.fixture
    def flaky(self, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
        def install(failures: int) -> Flaky:
            runner = Flaky(failures)
            monkeypatch.setitem(
                agent_tools.TOOLS, "flaky", ToolSpec("flaky", "test tool", NoArgs, runner)
            )
            return runner

        return install

    async def test_transient_failures_are_retried(self, chat_with, lab: Lab, flaky):
        runner = flaky(2)
        model = scripted(call("flaky", {}), AIMessage(content="Done."))
        _, events = await turn(chat_with(model, agent_tool_retries=3), lab.engineer, "go")
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is True and runner.calls == 3
        assert "error" not in types(events)

    async def test_persistent_failures_end_in_the_error_node_and_leave_no_dangling_call(
        self, chat_with, lab: Lab, flaky
    ):
        runner = flaky(100)
        model = scripted(call("flaky", {}), AIMessage(content="Hello again."))
        chat = chat_with(model, agent_tool_retries=2)
        conversation_id, events = await turn(chat, lab.engineer, "go")
        assert runner.calls == 2
        assert types(events)[-2:] == ["error", "done"]
        assert "database" in events[-2]["message"]
        state = await chat.graph.aget_state(chat._config(conversation_id))
        messages = state.values["messages"]
        assert isinstance(messages[-1], ToolMessage)
        assert json.loads(messages[-1].content)["error"] == "unavailable"
        assert state.next == ()
        # The conversation stays usable.
        _, events = await turn(chat, lab.engineer, "hello", conversation_id)
        assert events[-2] == {"type": "assistant", "content": "Hello again."}

    async def test_a_provider_failure_is_an_error_event_and_the_chat_goes_on(
        self, chat_with, lab: Lab
    ):
        class Broken(type(scripted())):  # type: ignore[misc]
            async def _agenerate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                raise TimeoutError("provider timed out")

        chat = chat_with(Broken(messages=iter([])))
        conversation_id, events = await turn(chat, lab.engineer, "hello")
        assert types(events) == ["conversation", "status", "error", "done"]
        assert "language model" in events[2]["message"]
        chat.model_factory = lambda: scripted(AIMessage(content="Back."))
        _, events = await turn(chat, lab.engineer, "hello?", conversation_id)
        assert events[-2] == {"type": "assistant", "content": "Back."}
        state = await chat.graph.aget_state(chat._config(conversation_id))
        assert [m.type for m in state.values["messages"]] == ["human", "human", "ai"]


class TestConfirmation:
    async def test_cancel_waits_for_approval(self, chat_with, lab: Lab, committed):
        booking_id = lab.others_booking.id
        model = scripted(
            call("cancel_allocation", {"allocation_id": booking_id}),
            AIMessage(content="Cancelled."),
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.manager, f"cancel booking {booking_id}")
        assert types(events) == ["conversation", "status", "tool_call", "confirm", "done"]
        confirm = events[3]
        assert confirm["action"] == "cancel_allocation"
        assert confirm["args"] == {"allocation_id": booking_id}
        assert f"#{booking_id}" in confirm["prompt"] and "VTS #1" in confirm["prompt"]
        assert await status_of(committed, booking_id) == "scheduled"

        resumed = await chat.prepare_resume(lab.manager, conversation_id, approve=True)
        events = await collect(chat.events(resumed))
        assert types(events) == [
            "conversation",
            "status",
            "status",
            "tool_result",
            "assistant",
            "done",
        ]
        assert events[3]["ok"] is True
        assert await status_of(committed, booking_id) == "cancelled"

    async def test_rejecting_changes_nothing(self, chat_with, lab: Lab, committed):
        booking_id = lab.others_booking.id
        model = scripted(
            call(
                "reschedule_allocation",
                {"allocation_id": booking_id, "new_start_date": MONDAY.isoformat()},
            ),
            AIMessage(content="Left as it was."),
        )
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.manager, "move it")
        events = await collect(
            chat.events(await chat.prepare_resume(lab.manager, conversation_id, approve=False))
        )
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("declined")
        assert await status_of(committed, booking_id) == "scheduled"
        assert json.loads(model.seen[1][-1].content)["error"] == "declined"

    async def test_a_user_cannot_cancel_someone_elses_booking_by_chat(
        self, chat_with, lab: Lab, committed
    ):
        booking_id = lab.others_booking.id
        model = scripted(
            call("cancel_allocation", {"allocation_id": booking_id}),
            AIMessage(content="You can't."),
        )
        _, events = await turn(chat_with(model), lab.engineer, f"cancel {booking_id}")
        assert "confirm" not in types(events)  # nothing to confirm: it cannot happen
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["ok"] is False and result["summary"].startswith("permission_denied")
        assert await status_of(committed, booking_id) == "scheduled"

    async def test_a_new_message_instead_of_an_answer_closes_the_pending_call(
        self, chat_with, lab: Lab, committed
    ):
        booking_id = lab.others_booking.id
        model = scripted(
            call("cancel_allocation", {"allocation_id": booking_id}),
            AIMessage(content="Sure, here is something else."),
        )
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.manager, "cancel it")
        _, events = await turn(chat, lab.manager, "never mind", conversation_id)
        assert events[-2]["type"] == "assistant"
        assert await status_of(committed, booking_id) == "scheduled"
        state = await chat.graph.aget_state(chat._config(conversation_id))
        kinds = [m.type for m in state.values["messages"]]
        assert kinds == ["human", "ai", "tool", "human", "ai"]
        with pytest.raises(errors.Conflict):
            await chat.prepare_resume(lab.manager, conversation_id, approve=True)

    async def test_only_the_owner_can_resume(self, chat_with, lab: Lab):
        model = scripted(call("cancel_allocation", {"allocation_id": lab.others_booking.id}))
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.manager, "cancel it")
        with pytest.raises(errors.NotFound):
            await chat.prepare_resume(lab.engineer, conversation_id, approve=True)
        with pytest.raises(errors.NotFound):
            await chat.prepare_message(lab.engineer, "hi", conversation_id)


async def test_summarization_folds_old_turns_and_keeps_user_messages(chat_with, lab: Lab):
    replies = []
    for n in range(6):
        replies += [call("completed_tests_count", {}, f"c{n}"), AIMessage(content="x" * 800)]
    chat = chat_with(scripted(*replies), agent_history_tokens=500)
    conversation_id = None
    for n in range(6):
        conversation_id, _ = await turn(chat, lab.engineer, f"question {n}", conversation_id)
    state = await chat.graph.aget_state(chat._config(conversation_id))
    messages = state.values["messages"]
    humans = [m.content for m in messages if isinstance(m, HumanMessage)]
    assert humans == [f"question {n}" for n in range(6)]
    assert len(messages) < 6 * 4
    assert "completed_tests_count" in state.values["summary"]
    for message in messages:  # no tool result without its call, no call without its result
        if isinstance(message, ToolMessage):
            calls = [c["id"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
            assert message.tool_call_id in calls
