"""Booking windows: the domain refuses days outside 2000-01-01..2100-12-31 before any arithmetic,
whatever the edge (a date object from the CLI or a tool cannot overflow the search)."""

from __future__ import annotations

import datetime as dt

import pytest

from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling.windows import booking_window


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(9999, 12, 31), None, "start_date"),
        (dt.date(9999, 12, 25), dt.date(9999, 12, 31), "start_date"),
        (dt.date(2026, 3, 9), dt.date(9999, 12, 31), "end_date"),
        (dt.date(1, 1, 1), None, "start_date"),
    ],
)
def test_a_window_outside_the_supported_days_is_invalid_input(
    start: dt.date, end: dt.date | None, field: str
):
    with pytest.raises(InvalidInput) as caught:
        booking_window(start, days=None if end else 3, end_date=end, allow_past=True)
    assert caught.value.details["field"] == field
    assert "2000-01-01" in caught.value.message
