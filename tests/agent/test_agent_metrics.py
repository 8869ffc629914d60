"""The agent's metrics: turns by outcome, model latency and reported tokens, tool calls by result,
confirmations asked/approved/rejected, and turns that end in the error node."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.agent.conftest import Lab, call, collect, scripted


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def turn(chat, user, message: str) -> tuple[Any, list[dict]]:  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message)
    return prepared.conversation_id, await collect(chat.events(prepared))


class Broken(GenericFakeChatModel):
    def bind_tools(self, tools: Any, **kwargs: Any) -> Broken:  # type: ignore[override]
        return self

    async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("provider down")


async def test_a_turn_counts_its_outcome_model_latency_and_reported_tokens(
    chat_with, lab: Lab, committed: AsyncEngine
):  # type: ignore[no-untyped-def]
    answer = AIMessage(
        content="Nothing booked.",
        usage_metadata={"input_tokens": 120, "output_tokens": 8, "total_tokens": 128},
    )
    tokens_in, tokens_out = (
        value("dyno_agent_tokens_total", model="offline", direction="in"),
        (value("dyno_agent_tokens_total", model="offline", direction="out")),
    )
    answered = value("dyno_agent_turns_total", model="offline", outcome="answered")
    calls = value("dyno_agent_model_duration_seconds_count", model="offline")
    await turn(chat_with(scripted(answer)), lab.engineer, "anything on VTS 1?")
    assert value("dyno_agent_tokens_total", model="offline", direction="in") == tokens_in + 120
    assert value("dyno_agent_tokens_total", model="offline", direction="out") == tokens_out + 8
    assert value("dyno_agent_turns_total", model="offline", outcome="answered") == answered + 1
    assert value("dyno_agent_model_duration_seconds_count", model="offline") == calls + 1


async def test_tool_calls_and_confirmations_are_counted_by_result(
    chat_with, lab: Lab, committed: AsyncEngine
):  # type: ignore[no-untyped-def]
    asked = value("dyno_agent_confirmations_total", event="asked")
    rejected = value("dyno_agent_confirmations_total", event="rejected")
    unknown = value("dyno_agent_tool_calls_total", tool="unknown", result="unknown_tool")
    confirmation = value("dyno_agent_turns_total", model="offline", outcome="confirmation")
    model = scripted(
        call("no_such_tool", {}),
        call("cancel_allocation", {"allocation_id": lab.others_booking.id}, "call_2"),
        AIMessage(content="Left as it is."),
    )
    chat = chat_with(model)
    conversation, _ = await turn(chat, lab.manager, "do things")
    unknown_now = value("dyno_agent_tool_calls_total", tool="unknown", result="unknown_tool")
    assert unknown_now == unknown + 1
    assert value("dyno_agent_confirmations_total", event="asked") == asked + 1
    assert value("dyno_agent_turns_total", model="offline", outcome="confirmation") == (
        confirmation + 1
    )
    resumed = await chat.prepare_resume(lab.manager, conversation, approve=False)
    await collect(chat.events(resumed))
    assert value("dyno_agent_confirmations_total", event="rejected") == rejected + 1


async def test_a_model_failure_is_counted_as_an_error_node_turn(
    chat_with, lab: Lab, committed: AsyncEngine
):  # type: ignore[no-untyped-def]
    errors = value("dyno_agent_error_node_turns_total", reason="model")
    failed_turns = value("dyno_agent_turns_total", model="offline", outcome="error")
    _, events = await turn(chat_with(Broken(messages=iter([]))), lab.engineer, "hello")
    assert "error" in [e["type"] for e in events]
    assert value("dyno_agent_error_node_turns_total", reason="model") == errors + 1
    assert value("dyno_agent_turns_total", model="offline", outcome="error") == failed_turns + 1
