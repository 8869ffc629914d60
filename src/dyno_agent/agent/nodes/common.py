"""Small helpers the nodes share."""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, ToolCall, ToolMessage

from dyno_agent.agent.tools import ToolOutcome


def last_ai(messages: list[AnyMessage]) -> AIMessage | None:
    for message in reversed(messages):
        if isinstance(message, AIMessage):
            return message
    return None


def unanswered_calls(messages: list[AnyMessage]) -> list[ToolCall]:
    """Tool calls of the last AI message that have no ToolMessage yet."""
    ai = last_ai(messages)
    if ai is None or not ai.tool_calls:
        return []
    index = messages.index(ai)
    answered = {m.tool_call_id for m in messages[index:] if isinstance(m, ToolMessage)}
    return [call for call in ai.tool_calls if call["id"] not in answered]


def tool_message(call: ToolCall, outcome: ToolOutcome) -> ToolMessage:
    return ToolMessage(
        content=outcome.as_content(),
        tool_call_id=call["id"],
        name=call["name"],
        status="success" if outcome.ok else "error",
    )


def close_calls(calls: list[ToolCall], error: str, message: str) -> list[ToolMessage]:
    """Results for calls that will never run, so no checkpoint keeps a call without its result."""
    return [tool_message(call, ToolOutcome.failure(error, message)) for call in calls]
