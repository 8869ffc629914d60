"""The command line refuses dates that are not ISO days within 2000-01-01..2100-12-31 as usage
errors (exit 2), before touching the database."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Dyno


@pytest.mark.parametrize("day", ["9999-12-25", "0001-01-01", "0", "20260309"])
def test_availability_with_a_date_out_of_range_or_not_iso_is_a_usage_error(dyno: Dyno, day: str):
    result = dyno(
        "availability", "-t", "brake", "--drive", "AWD", "--weight", "5000",
        "--start", day, "--days", "3",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--start" in result.output and (
        "YYYY-MM-DD" in result.output or "2000-01-01" in result.output
    )


def test_reschedule_to_the_end_of_the_calendar_is_a_usage_error(dyno: Dyno):
    result = dyno("reschedule", "1", "--start", "9999-12-31")
    assert result.exit_code == 2, result.output
    assert "2100-12-31" in result.output
