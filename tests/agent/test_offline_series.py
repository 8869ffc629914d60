"""The offline model's series rules: a repeat cue makes a booking a series; "each" of a length,
schedule questions and single bookings do not."""

from __future__ import annotations

import datetime as dt

import pytest

from dyno_agent.agent.offline.calls import tool_calls
from dyno_agent.agent.offline.parse import parse_request
from tests.conftest import TODAY

TESTS = ["brake", "emissions", "coastdown"]


def call(text: str) -> tuple[str, dict] | None:
    parsed = parse_request(text, TODAY, TESTS, ["MPG 3"])
    calls = tool_calls(parsed) if not parsed.missing else []
    return calls[0] if calls else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "jeden Montag für 4 Wochen Fahrzeug 3 Bremstest, je 2 Tage",
            ("book_series", {"vehicle_id": 3, "test_type": "brake", "days_to_complete": 2,
                             "pattern": "every Monday for 4 week(s)"}),
        ),
        ("Serie 4 um 2 Tage verschieben", ("move_series", {"series_id": 4, "shift_days": 2})),
        ("scrap the series 12", ("cancel_series", {"series_id": 12})),
    ],
)  # fmt: skip
def test_series_requests_become_series_calls(text: str, expected: tuple[str, dict]):
    assert call(text) == expected


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("book vehicles 11 and 12 for brake next monday for 1 day each", "auto_allocate_vehicle"),
        ("what's on MPG 3 every monday", "get_dyno_schedule"),
    ],
)
def test_single_bookings_and_questions_are_not_series(text: str, tool: str):
    found = call(text)
    assert found is not None and found[0] == tool


def test_a_series_start_date_is_taken_only_after_from():
    found = call("book vehicle 7 brake every monday 3 times from 2026-03-16")
    assert found is not None and found[1]["start_date"] == (TODAY + dt.timedelta(14)).isoformat()
