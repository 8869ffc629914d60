"""A pending confirmation answered in words, in five languages, through the real chat service and
graph with the offline model; anything that is not only a yes or a no never approves."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dyno_agent.agent.confirm_words import read_answer
from dyno_agent.agent.offline.model import OfflineChatModel
from tests.agent.conftest import Lab, collect, types


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", True), ("Yes please!", True), ("ja", True), ("Ja, bitte.", True), ("sí", True),
        ("Si", True), ("sim", True), ("oui", True), ("d’accord", True), ("vas-y", True),
        ("no", False), ("nein", False), ("non", False), ("não", False), ("leave it", False),
        ("Lass es.", False), ("déjalo", False), ("laisse tomber", False),
        ("yes, but on Friday", None), ("cancel", None), ("cancel booking 3", None), ("", None),
    ],
)  # fmt: skip
def test_read_answer(text: str, answer: bool | None) -> None:
    assert read_answer(text) is answer


async def turn(chat: Any, user: Any, message: str, conversation_id: Any = None) -> tuple[Any, list]:  # type: ignore[type-arg]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


def said(events: list[dict[str, Any]]) -> str:
    return next(e for e in events if e["type"] == "assistant")["content"]


@pytest.mark.parametrize(
    ("no", "yes"),
    [("leave it", "yes"), ("nein", "ja"), ("no", "sí"), ("não", "sim"), ("non", "oui")],
)
async def test_a_cancel_is_answered_in_words(chat_with, lab: Lab, no: str, yes: str) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    text = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    conversation, events = await turn(chat, lab.engineer, text)
    match = re.match(r"Booked #(\d+):", said(events))
    assert match, said(events)
    number = match.group(1)
    _, events = await turn(chat, lab.engineer, f"cancel booking {number}", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    _, events = await turn(chat, lab.engineer, no, conversation)
    assert said(events) == f"Okay, I left booking {number} unchanged."
    _, events = await turn(chat, lab.engineer, f"cancel booking {number}", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    _, events = await turn(chat, lab.engineer, yes, conversation)
    assert said(events).startswith(f"Cancelled booking #{number}:")


async def test_a_reply_that_is_more_than_yes_does_not_approve(chat_with, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    chat = chat_with(OfflineChatModel())
    text = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    conversation, events = await turn(chat, lab.engineer, text)
    number = re.match(r"Booked #(\d+):", said(events)).group(1)  # type: ignore[union-attr]
    _, events = await turn(chat, lab.engineer, f"cancel booking {number}", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    _, events = await turn(chat, lab.engineer, "yes, but on Friday", conversation)
    assert "tool_result" not in types(events)
    _, events = await turn(chat, lab.engineer, "show my bookings", conversation)
    assert "cancelled" not in said(events).lower()
