"""The demo vocabulary and helpers to drive the offline chat model with message lists (no DB)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.agent.prompts import AgentPromptContext, system_text

TODAY = dt.date(2026, 3, 2)  # a Monday
TEST_TYPES = (
    "150k mileage",
    "4k certification",
    "brake",
    "coastdown",
    "durability",
    "emissions",
    "evap",
    "not cert-durability",
)
DYNOS = (
    *(f"MPG {n}" for n in range(1, 7)),
    *(f"MPG {n}" for n in range(22, 29)),
    *(f"VTS #{n}" for n in range(1, 4)),
    *(f"ATDL #{n}" for n in range(1, 4)),
    *(f"TRP #{n}" for n in range(1, 4)),
    "Track",
)
CONTEXT = AgentPromptContext(
    today=TODAY,
    user_email="engineer@demo.local",
    role="user",
    user_id=3,
    test_types=TEST_TYPES,
    dynos=DYNOS,
)
SYSTEM = SystemMessage(system_text(CONTEXT))


def model() -> OfflineChatModel:
    return OfflineChatModel()


async def reply(*history: BaseMessage | str) -> AIMessage:
    """The model's next message after the system message and `history` (strings are the user's)."""
    messages = [SYSTEM, *(HumanMessage(m) if isinstance(m, str) else m for m in history)]
    return await model().ainvoke(messages)


async def converse(*turns: str) -> list[AIMessage]:
    """Several user turns, each answered by the model, the history carried along."""
    messages: list[BaseMessage] = [SYSTEM]
    answers = []
    for text in turns:
        messages.append(HumanMessage(text))
        answer = await model().ainvoke(messages)
        messages.append(answer)
        answers.append(answer)
    return answers


def only_call(message: AIMessage) -> tuple[str, dict[str, Any]]:
    assert message.content == ""
    assert len(message.tool_calls) == 1, message.content
    call = message.tool_calls[0]
    return call["name"], call["args"]


async def answer_to(name: str, args: dict[str, Any], body: dict[str, Any]) -> str:
    """The model's answer when `name(args)` returned `body` (a contract-shaped tool result)."""
    call = AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "call_1"}])
    result = ToolMessage(content=json.dumps(body), tool_call_id="call_1", name=name)
    message = await reply("the question", call, result)
    assert message.tool_calls == []
    assert isinstance(message.content, str)
    return message.content


def ok(data: dict[str, Any], summary: str = "done") -> dict[str, Any]:
    return {"ok": True, "summary": summary, "data": data}


def failed(error: str, message: str, **details: Any) -> dict[str, Any]:
    return {"ok": False, "error": error, "message": message, "details": details}


def allocation(
    id: int = 17,
    *,
    test_type: str = "brake",
    dyno: str | None = "MPG 3",
    start: str = "2026-03-09",
    end: str = "2026-03-10",
    status: str = "scheduled",
    vin: str = "1FTFW1E50PFA12345",
    program: str | None = "F-150",
) -> dict[str, Any]:
    """An AllocationRead as the tools serialise it."""
    return {
        "id": id,
        "vehicle_id": 5,
        "dyno_id": 3 if dyno else None,
        "test_type": test_type,
        "start_date": start,
        "end_date": end,
        "days": (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1,
        "status": status,
        "created_by": 3,
        "created_at": "2026-03-01T10:00:00Z",
        "updated_at": "2026-03-01T10:00:00Z",
        "vehicle": {
            "id": 5,
            "vin": vin,
            "program": program,
            "drive_type": "AWD",
            "weight_class": "<10K",
        },
        "dyno": {"id": 3, "name": dyno, "facility": "MPG"} if dyno else None,
    }
