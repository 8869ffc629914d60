"""Series schemas: booking a series (or previewing it), cancelling or moving it, and reads."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dyno_agent.inputs import Day, InputModel
from dyno_agent.scheduling.schemas.allocations import (
    _INPUT,
    AllocationRead,
    Days,
    TestType,
    VehicleBrief,
    _VehicleRef,
)
from dyno_agent.series.models import SeriesMode, SeriesStatus


class SeriesCreate(_VehicleRef):
    """A vehicle's test repeated by a pattern; every occurrence lasts `days_to_complete` days."""

    model_config = _INPUT

    test_type: TestType
    pattern: str = Field(
        min_length=3,
        max_length=200,
        description="When it repeats, in words: 'every monday for 6 weeks', 'every 2 weeks 5 "
        "times', 'first week of each month until 2026-12-31', 'first friday of each month for "
        "6 months' (German works too).",
        examples=["every monday for 6 weeks"],
    )
    start_date: Day | None = Field(None, description="First possible day (default: today).")
    days_to_complete: Days | None = Field(
        None, description="Days of each occurrence (default: as the pattern says, else 1)."
    )
    mode: SeriesMode = Field(
        SeriesMode.all_or_nothing,
        description="`all_or_nothing`: every occurrence or none; `backup`: each may start up to "
        "`max_shift_days` later, and those that still do not fit are skipped.",
    )
    max_shift_days: int = Field(2, ge=0, le=365)
    dyno: int | str | None = Field(None, description="Book every occurrence on this dyno.")


class SeriesCancel(InputModel):
    """Cancel the series' future open occurrences (or one of them, `allocation_id`)."""

    model_config = _INPUT

    allocation_id: int | None = Field(None, ge=1, description="Only this occurrence.")
    from_date: Day | None = Field(None, description="Only occurrences starting on or after it.")


class SeriesMove(InputModel):
    """Move the series' future open occurrences (or one of them) by `shift_days`."""

    model_config = _INPUT

    shift_days: int = Field(ge=-365, le=365, description="Days later (negative: earlier).")
    allocation_id: int | None = Field(None, ge=1, description="Only this occurrence.")
    from_date: Day | None = Field(None, description="Only occurrences starting on or after it.")
    preview: bool = Field(False, description="Only say where each would go; change nothing.")


class OccurrenceProblem(BaseModel):
    reason: str = Field(examples=["no_capacity"])
    message: str


class OccurrenceRead(BaseModel):
    index: int = Field(description="1 for the first occurrence.")
    requested_start: dt.date
    requested_end: dt.date
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    shift_days: int = 0
    dyno_id: int | None = None
    dyno_name: str | None = None
    allocation_id: int | None = Field(None, description="None in a preview or when skipped.")
    problem: OccurrenceProblem | None = None


class SeriesRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    vehicle_id: int
    test_type: str
    pattern: str
    rule: str = Field(description="The pattern as an iCalendar RRULE.")
    start_date: dt.date
    days: int
    count: int | None
    until: dt.date | None
    mode: SeriesMode
    max_shift_days: int
    dyno_id: int | None
    status: SeriesStatus
    created_by: int | None
    created_at: dt.datetime


class SeriesDetails(SeriesRead):
    vehicle: VehicleBrief
    occurrences: list[AllocationRead]


class SeriesBookingRead(BaseModel):
    series: SeriesRead | None = Field(description="None for a preview.")
    pattern: str
    dyno_name: str | None = Field(description="The dyno the series prefers.")
    occurrences: list[OccurrenceRead]
    booked: int
    skipped: int
    message: str


class OccurrenceChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    allocation_id: int
    status: str
    dyno_name: str | None
    start_date: dt.date
    end_date: dt.date
    new_dyno_name: str | None = None
    new_start_date: dt.date | None = None
    new_end_date: dt.date | None = None


class SeriesChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    series_id: int
    changed: list[OccurrenceChangeRead] = Field(description="Cancelled or moved (or would be).")
    kept: list[OccurrenceChangeRead] = Field(description="Occurrences left as they were.")
    preview: bool
    message: str
