"""The agent's tool arguments refuse what the API refuses: NUL characters and dates that are not
ISO days within 2000-01-01..2100-12-31, so such a call never reaches the database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dyno_agent.agent.tools.args import (
    AutoAllocateVehicleArgs,
    FindAvailableDynosArgs,
    QueryDatabaseArgs,
    RescheduleAllocationArgs,
)

SEARCH = {"end_date": "2026-03-10", "weight_lbs": 5000, "drive_type": "AWD", "test_type": "brake"}


@pytest.mark.parametrize(
    "args",
    [
        (QueryDatabaseArgs, {"sql": "SELECT 1\x00"}),
        (AutoAllocateVehicleArgs, {"vin": "1FT\x00", "start_date": "2026-03-09",
                                   "days_to_complete": 2, "test_type": "brake"}),
        (FindAvailableDynosArgs, SEARCH | {"start_date": "2026-03-09", "test_type": "br\x00ke"}),
    ],
)  # fmt: skip
def test_a_nul_in_any_tool_argument_is_refused(args: tuple[type, dict[str, object]]):
    model, values = args
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    assert "string_nul" in {e["type"] for e in caught.value.errors()}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", 0, "0", "2026-03-09T10:00:00"])
def test_tool_dates_must_be_iso_days_within_the_range(day: object):
    with pytest.raises(ValidationError):
        FindAvailableDynosArgs.model_validate(SEARCH | {"start_date": day})
    with pytest.raises(ValidationError):
        RescheduleAllocationArgs.model_validate({"allocation_id": 1, "new_start_date": day})


def test_a_valid_iso_day_is_still_accepted():
    args = FindAvailableDynosArgs.model_validate(SEARCH | {"start_date": "2026-03-09"})
    assert args.start_date.isoformat() == "2026-03-09"
