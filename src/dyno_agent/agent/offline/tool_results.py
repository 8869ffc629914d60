"""The tool calls of a conversation with their parsed results, for requests that refer back to
them ("book the plan", "cancel the rest of that series", "accept the offer")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

Result = tuple[str, dict[str, Any], dict[str, Any]]


def results(messages: Sequence[BaseMessage]) -> list[Result]:
    """Each tool call of the conversation with its arguments and parsed result, oldest first."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    found = []
    for message in messages:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                calls[call["id"] or ""] = (call["name"], call["args"])
        elif isinstance(message, ToolMessage) and isinstance(message.content, str):
            name, args = calls.get(message.tool_call_id, (message.name or "", {}))
            try:
                body = json.loads(message.content)
            except ValueError:
                continue
            if isinstance(body, dict):
                found.append((name, args, body))
    return found


def recent_id(messages: Sequence[BaseMessage], key: str) -> int | None:
    """The id under `key` (e.g. `plan_id`) in the data of the newest tool result that has one."""
    for _name, _args, body in reversed(results(messages)):
        data = body.get("data")
        if isinstance(data, dict) and isinstance(data.get(key), int):
            return int(data[key])
    return None
