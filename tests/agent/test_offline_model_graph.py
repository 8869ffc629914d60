"""The offline model in the real graph: a booking, a clarifying turn, and a confirmed cancel."""

from __future__ import annotations

import re
from typing import Any

from dyno_agent.agent.offline.model import OfflineChatModel
from tests.agent.conftest import MONDAY, Lab, collect, types


async def turn(chat: Any, user: Any, message: str, conversation_id: Any = None) -> tuple[Any, list]:  # type: ignore[type-arg]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def test_a_booking_is_made_and_explained(chat_with, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    text = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    _, events = await turn(chat, lab.engineer, text)
    calls = [e for e in events if e["type"] == "tool_call"]
    assert calls == [
        {
            "type": "tool_call",
            "name": "auto_allocate_vehicle",
            "args": {
                "vin": lab.vehicle.vin,
                "start_date": MONDAY.isoformat(),
                "days_to_complete": 2,
                "test_type": "brake",
            },
        }
    ]
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["ok"] is True, result
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert answer.startswith("Booked #") and "**VTS #2**" in answer
    tokens = "".join(e["text"] for e in events if e["type"] == "token")
    assert tokens == answer
    assert types(events)[-1] == "done"


async def test_a_question_then_the_answer_books(chat_with, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    conversation, events = await turn(
        chat, lab.engineer, "Book a brake test next Monday for 2 days"
    )
    assert "tool_call" not in types(events)
    assert "Which vehicle?" in next(e for e in events if e["type"] == "assistant")["content"]
    _, events = await turn(chat, lab.engineer, f"VIN {lab.vehicle.vin}", conversation)
    result = next(e for e in events if e["type"] == "tool_result")
    assert (result["name"], result["ok"]) == ("auto_allocate_vehicle", True)


async def test_a_cancel_waits_for_the_users_answer(chat_with, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    text = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    conversation, events = await turn(chat, lab.engineer, text)
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    match = re.match(r"Booked #(\d+):", answer)
    assert match, answer
    number = match.group(1)
    _, events = await turn(chat, lab.engineer, f"cancel booking {number}", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    declined = await collect(
        chat.events(await chat.prepare_resume(lab.engineer, conversation, False))
    )
    assert next(e for e in declined if e["type"] == "assistant")["content"] == (
        f"Okay, I left booking {number} unchanged."
    )
    _, events = await turn(chat, lab.engineer, f"cancel booking {number}", conversation)
    approved = await collect(
        chat.events(await chat.prepare_resume(lab.engineer, conversation, True))
    )
    answer = next(e for e in approved if e["type"] == "assistant")["content"]
    assert answer.startswith(f"Cancelled booking #{number}:") and "cancelled)" in answer


async def test_someone_elses_booking_is_not_cancelled(chat_with, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    _, events = await turn(chat, lab.engineer, f"cancel booking {lab.others_booking.id}")
    assert "confirm" not in types(events)
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["ok"] is False and result["summary"].startswith("permission_denied")
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert answer.startswith("That didn't work:")
