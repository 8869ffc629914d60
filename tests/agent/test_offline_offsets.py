"""The offline model uses the new tool arguments: moves by an offset, length changes and "my
bookings" are one call, and nothing else changes meaning."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from dyno_agent.agent.offline import parse_request
from dyno_agent.agent.offline.calls import tool_call
from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.scheduling import clock
from tests.agent.conftest import MONDAY, Lab, collect
from tests.agent.offline_fixtures import DYNO_NAMES, TEST_TYPES, TODAY

# What a confirmation shows for the reschedule arguments a call leaves out.
NONE = {"new_start_date": None, "shift_days": None, "days_to_complete": None}


def call_for(text: str) -> tuple[str, dict[str, Any]] | None:
    parsed = parse_request(text, TODAY, TEST_TYPES, DYNO_NAMES)
    assert parsed.missing == (), parsed.missing
    return tool_call(parsed)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("slide #40 out three days", {"allocation_id": 40, "shift_days": 3}),
        ("postpone booking 9 by a week", {"allocation_id": 9, "shift_days": 7}),
        ("push booking 12 back two days", {"allocation_id": 12, "shift_days": 2}),
        ("pull booking 33 in by a day", {"allocation_id": 33, "shift_days": -1}),
        ("bring booking 5 forward by 2 days", {"allocation_id": 5, "shift_days": -2}),
        ("make #71 a day longer", {"allocation_id": 71, "extend_days": 1}),
        ("extend allocation 9 by a week", {"allocation_id": 9, "extend_days": 7}),
        ("booking 15 two days shorter please", {"allocation_id": 15, "extend_days": -2}),
        ("cut booking 33 to 4 days", {"allocation_id": 33, "days_to_complete": 4}),
    ],
)
def test_a_move_by_an_offset_or_a_new_length_is_one_reschedule_call(
    text: str, args: dict[str, Any]
) -> None:
    assert call_for(text) == ("reschedule_allocation", args)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("move booking 12 in 3 days", {"allocation_id": 12, "new_start_date": "2026-03-05"}),
        (
            "Push booking 12 to April 6 and make it 5 days",
            {"allocation_id": 12, "new_start_date": "2026-04-06", "days_to_complete": 5},
        ),
    ],
)
def test_dates_still_mean_dates(text: str, args: dict[str, Any]) -> None:
    assert call_for(text) == ("reschedule_allocation", args)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("my bookings", {}),
        ("show my bookings next week", {"start_date": "2026-03-09", "end_date": "2026-03-15"}),
        ("what did I book this week?", {"start_date": "2026-03-02", "end_date": "2026-03-08"}),
    ],
)
def test_my_bookings_are_my_allocations(text: str, args: dict[str, Any]) -> None:
    assert call_for(text) == ("my_allocations", args)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("mark booking 12 as running", "running"),
        ("booking 12 has started", "running"),
        ("start booking 12", "running"),
        ("booking 12 is done", "completed"),
        ("mark #12 completed", "completed"),
        ("set allocation 12 to delayed", "delayed"),
    ],
)
def test_a_status_change_is_change_allocation_status(text: str, status: str) -> None:
    assert call_for(text) == (
        "change_allocation_status",
        {"allocation_id": 12, "status": status},
    )


@pytest.mark.parametrize(
    "text",
    ["show booking 12", "what is booking 12?", "status of booking 12", "is booking 12 running?"],
)
def test_a_question_about_one_booking_is_get_allocation(text: str) -> None:
    assert call_for(text) == ("get_allocation", {"allocation_id": 12})


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("mark booking 12 as cancelled", ("cancel_allocation", {"allocation_id": 12})),
        ("show delayed tests", ("get_tests_by_status", {"status": "delayed"})),
    ],
)
def test_cancels_and_status_lists_keep_their_tools(text: str, call: tuple[str, Any]) -> None:
    assert call_for(text) == call


def test_free_dynos_for_a_named_vehicle_need_no_weight_or_drive() -> None:
    assert call_for("which dynos are free for vehicle 5 for a brake test next week?") == (
        "find_available_dynos",
        {
            "start_date": "2026-03-09",
            "end_date": "2026-03-15",
            "vehicle_id": 5,
            "test_type": "brake",
        },
    )


async def test_in_the_graph_free_dynos_for_a_vin_are_found_and_listed(
    chat_with: Any, lab: Lab
) -> None:
    chat = chat_with(OfflineChatModel())
    text = f"which dynos are free for VIN {lab.vehicle.vin} for a brake test next Monday?"
    events = await collect(chat.events(await chat.prepare_message(lab.engineer, text, None)))
    [result] = [e for e in events if e["type"] == "tool_result"]
    assert (result["name"], result["ok"]) == ("find_available_dynos", True)
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert "VTS #2" in answer, answer
    assert "VTS #1" not in answer.split("VTS #2")[0], answer  # busy that Monday: not listed first


def test_cancelling_my_booking_is_still_a_cancel() -> None:
    assert call_for("cancel my booking 12") == ("cancel_allocation", {"allocation_id": 12})


async def test_in_the_graph_a_longer_booking_then_its_start_are_confirmed_applied_and_shown(
    chat_with: Any, lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = chat_with(OfflineChatModel())
    booked = f"Book VIN {lab.vehicle.vin} for a brake test next Monday for 2 days"
    prepared = await chat.prepare_message(lab.engineer, booked, None)
    events = await collect(chat.events(prepared))
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    match = re.match(r"Booked #(\d+):", answer)
    assert match, answer
    booking_id = match.group(1)

    longer = await chat.prepare_message(
        lab.engineer, f"make #{booking_id} a day longer", prepared.conversation_id
    )
    events = await collect(chat.events(longer))
    [confirm] = [e for e in events if e["type"] == "confirm"]
    assert confirm["args"] == {"allocation_id": int(booking_id), "extend_days": 1, **NONE}
    end = MONDAY + dt.timedelta(days=2)
    assert f"to {MONDAY} to {end} (3 day(s))" in confirm["prompt"]
    resumed = await chat.prepare_resume(lab.engineer, prepared.conversation_id, True)
    events = await collect(chat.events(resumed))
    assert [e["ok"] for e in events if e["type"] == "tool_result"] == [True]

    mine = await chat.prepare_message(lab.engineer, "show my bookings", prepared.conversation_id)
    events = await collect(chat.events(mine))
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert answer.startswith("You made 1 booking:") and str(end) in answer

    monkeypatch.setattr(clock, "today", lambda: MONDAY)  # a test runs from its start date
    started = await chat.prepare_message(
        lab.engineer, f"booking {booking_id} has started", prepared.conversation_id
    )
    events = await collect(chat.events(started))
    [confirm] = [e for e in events if e["type"] == "confirm"]
    assert confirm["args"] == {"allocation_id": int(booking_id), "status": "running"}
    resumed = await chat.prepare_resume(lab.engineer, prepared.conversation_id, True)
    await collect(chat.events(resumed))
    shown = await chat.prepare_message(
        lab.engineer, f"show booking {booking_id}", prepared.conversation_id
    )
    events = await collect(chat.events(shown))
    answer = next(e for e in events if e["type"] == "assistant")["content"]
    assert f"booking #{booking_id}" in answer and "running)" in answer
