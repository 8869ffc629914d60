"""What a message does to a booking it names by number, in the lab's words and other languages,
and a vehicle with a test type (no question) read as a booking."""

from __future__ import annotations

from typing import Any

import pytest

from tests.agent.offline_model_fixtures import converse, only_call, reply

MOVE, CANCEL, STATUS = "reschedule_allocation", "cancel_allocation", "change_allocation_status"


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("kill booking 90, not needed anymore", CANCEL, {"allocation_id": 90}),
        ("scrap res 14", CANCEL, {"allocation_id": 14}),
        ("supprime la résa 55", CANCEL, {"allocation_id": 55}),
        ("bump alloc 52 by a week", MOVE, {"allocation_id": 52, "shift_days": 7}),
        ("retrasa la reserva 40 tres días", MOVE, {"allocation_id": 40, "shift_days": 3}),
        ("Buchung 33 um einen Tag verlängern", MOVE, {"allocation_id": 33, "extend_days": 1}),
        ("trim a day off booking 59", MOVE, {"allocation_id": 59, "extend_days": -1}),
        ("make booking 20 five days", MOVE, {"allocation_id": 20, "days_to_complete": 5}),
        ("booking 12 -> 24.03.", MOVE, {"allocation_id": 12, "new_start_date": "2026-03-24"}),
        ("#45 is done", STATUS, {"allocation_id": 45, "status": "completed"}),
        ("mark 47 as late", STATUS, {"allocation_id": 47, "status": "delayed"}),
        ("whats #64?", "get_allocation", {"allocation_id": 64}),
    ],
)  # fmt: skip
async def test_a_booking_named_by_number_gets_the_action_its_words_say(
    text: str, name: str, args: dict[str, Any]
) -> None:
    assert only_call(await reply(text)) == (name, args)


async def test_a_question_about_a_bookings_status_changes_nothing() -> None:
    message = await reply("is booking 45 done?")
    assert all(c["name"] != "change_allocation_status" for c in message.tool_calls)


async def test_a_vehicle_and_a_test_type_without_a_question_is_a_booking() -> None:
    question, booked = await converse("veh 19 brake", "thursday 1 day")
    assert question.tool_calls == [] and "start" in str(question.content).lower()
    assert only_call(booked) == (
        "auto_allocate_vehicle",
        {"vehicle_id": 19, "start_date": "2026-03-05", "days_to_complete": 1, "test_type": "brake"},
    )


async def test_an_answer_with_an_article_fills_the_booking_asked_for() -> None:
    _, cancelled = await converse("I want to cancel a booking", "la 17")
    assert only_call(cancelled) == ("cancel_allocation", {"allocation_id": 17})
