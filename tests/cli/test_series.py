"""`dyno series book|show|move|cancel` on a copy of the demo database (today 2026-03-02)."""

from __future__ import annotations

import datetime as dt
import json

from tests.cli.conftest import Dyno
from tests.cli.test_booking import vin_of
from tests.conftest import TODAY

LATER = TODAY + dt.timedelta(days=42)  # a Monday past the demo's bookings


def test_a_series_is_booked_shown_moved_and_cancelled_from_the_command_line(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    preview = dyno_demo(
        "series", "book", "--vin", vin, "-t", "brake", "--repeat", "every monday 3 times",
        "--start", str(LATER), "--preview",
    )  # fmt: skip
    assert preview.exit_code == 0, preview.output
    assert "Would book 3 of 3 occurrence(s) (every Monday, 3 times)" in preview.stdout

    booked = dyno_demo(
        "series", "book", "--vin", vin, "-t", "brake", "--repeat", "jeden Montag 3 mal",
        "--start", str(LATER), "--days", "2", "--json",
    )  # fmt: skip
    assert booked.exit_code == 0, booked.output
    body = json.loads(booked.stdout)
    series_id = body["series"]["id"]
    assert [o["start_date"] for o in body["occurrences"]] == [
        str(LATER + dt.timedelta(weeks=i)) for i in range(3)
    ]
    assert len({o["dyno_name"] for o in body["occurrences"]}) == 1  # one dyno for all

    shown = dyno_demo("series", "show", str(series_id))
    assert shown.exit_code == 0 and shown.stdout.count("scheduled") == 3, shown.output

    moved = dyno_demo("series", "move", str(series_id), "--shift", "1")
    assert moved.exit_code == 0, moved.output
    assert f"Moved 3 occurrence(s) of series {series_id} by 1 day(s)." in moved.stdout

    cancelled = dyno_demo("series", "cancel", str(series_id))
    assert cancelled.exit_code == 0, cancelled.output
    assert (
        dyno_demo.scalar(
            "SELECT count(*) FROM allocations WHERE series_id = :s AND status = 'cancelled'",
            s=series_id,
        )
        == 3
    )


def test_an_unbounded_pattern_is_refused_with_its_reason(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    result = dyno_demo(
        "series", "book", "--vin", vin, "-t", "brake", "--repeat", "every monday",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "Say how long the series runs" in result.stderr
    assert "--repeat" in result.stderr
