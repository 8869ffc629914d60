"""Waitlist schemas: joining the line and reading entries with their offers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dyno_agent.inputs import Day
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.schemas.allocations import (
    _INPUT,
    Days,
    DynoBrief,
    TestType,
    VehicleBrief,
    _VehicleRef,
)
from dyno_agent.waitlist.models import EntryStatus


class WaitlistJoin(_VehicleRef):
    """Wait for `days_to_complete` days on a compatible dyno between `start_date` and
    `latest_end` (default: exactly the days from `start_date`)."""

    model_config = _INPUT

    test_type: TestType
    start_date: Day
    days_to_complete: Days
    latest_end: Day | None = Field(None, description="The last day the test may end on.")


class OfferRead(BaseModel):
    """The slot held for the entry (an allocation `held` until accepted, then `scheduled`)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The allocation id.")
    status: AllocationStatus
    start_date: dt.date
    end_date: dt.date
    hold_expires_at: dt.datetime | None = Field(
        None, description="Accept before this moment, or the slot goes to the next in line."
    )
    dyno: DynoBrief | None


class WaitlistEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: EntryStatus
    test_type: str
    earliest_start: dt.date
    latest_end: dt.date
    days: int
    created_by: int | None
    created_at: dt.datetime
    vehicle: VehicleBrief
    offer: OfferRead | None = Field(None, validation_alias="allocation")
