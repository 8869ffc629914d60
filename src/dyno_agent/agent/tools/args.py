"""Argument models of the agent's tools: every field says what it is, in the model's terms.

The JSON schema a model sees is these models' schema, filled at bind time with the live test and
drive types (as enums) and the configured limits (see `base.SchemaFill`); `parse_call` validates
with the same models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from dyno_agent.inputs import Day, InputModel
from dyno_agent.scheduling.models import AllocationStatus

_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_ID = 2_147_483_647
DEFAULT_BACKUP_DAYS = 7

# Descriptions shared by several tools, so one wording holds everywhere.
START = "First day, ISO date YYYY-MM-DD."
END = "Last day, ISO date YYYY-MM-DD, inclusive."
FROM = "Only bookings ending on or after this day (ISO YYYY-MM-DD); omit for no lower bound."
TO = "Only bookings starting on or before this day (ISO YYYY-MM-DD, inclusive); omit for none."
DAYS = "Length in whole days, the start day included (1 = a one-day test)."
TEST_TYPE = "Test type, one of the lab's test types."
DRIVE_TYPE = "The vehicle's drive type."
VEHICLE_ID = "The vehicle's numeric id; or give tag or vin instead."
TAG = "The vehicle's tag (Tag #, e.g. 312W028); or give vehicle_id or vin instead."
VIN = "The vehicle's 17-character VIN; or give vehicle_id or tag instead."
ALLOCATION_ID = "The booking's (allocation's) id, e.g. 40 for '#40'."
DYNO = "Dyno name from the lab's dyno list (e.g. 'MPG 3') or its numeric id."
FACILITY = "Only dynos of this facility (e.g. 'VTS'), ignoring case."


class NoArgs(InputModel):
    model_config = _ARGS


class VehicleRefArgs(InputModel):
    model_config = _ARGS
    vehicle_id: int | None = Field(None, ge=1, le=MAX_ID, description=VEHICLE_ID)
    tag: str | None = Field(None, description=TAG)
    vin: str | None = Field(None, description=VIN)

    def names_vehicle(self) -> bool:
        return self.vehicle_id is not None or bool(self.tag) or bool(self.vin)


class FindAvailableDynosArgs(VehicleRefArgs):
    start_date: Day = Field(description=START)
    end_date: Day = Field(description=END)
    test_type: str = Field(description=TEST_TYPE)
    weight_lbs: int | None = Field(
        None,
        ge=1,
        le=80_000,
        description="Vehicle weight in lb (convert kg x 2.2046); only when no vehicle is named.",
    )
    drive_type: str | None = Field(None, description=DRIVE_TYPE + " Only when no vehicle is named.")

    @model_validator(mode="after")
    def _vehicle_or_its_properties(self) -> FindAvailableDynosArgs:
        if self.names_vehicle():
            if self.weight_lbs is not None or self.drive_type is not None:
                raise ValueError(
                    "give a vehicle (vehicle_id, tag or vin) or weight_lbs and drive_type, not both"
                )
        elif self.weight_lbs is None or self.drive_type is None:
            raise ValueError(
                "give a vehicle (vehicle_id, tag or vin), or weight_lbs and drive_type"
            )
        return self


class AutoAllocateVehicleArgs(VehicleRefArgs):
    start_date: Day = Field(description="Requested first day, ISO date YYYY-MM-DD.")
    days_to_complete: int = Field(ge=1, le=3650, description=DAYS)
    test_type: str = Field(description=TEST_TYPE)
    backup: bool = Field(
        False, description="If the window is full, try later start days (one at a time)."
    )
    max_backup_days: int = Field(
        DEFAULT_BACKUP_DAYS,
        ge=0,
        le=365,
        description="With backup: how many days later the start may move at most.",
    )


class BookOnDynoArgs(VehicleRefArgs):
    dyno: str | int = Field(description=DYNO)
    test_type: str = Field(description=TEST_TYPE)
    start_date: Day = Field(description=START)
    days_to_complete: int = Field(ge=1, le=3650, description=DAYS)


class DateRangeArgs(InputModel):
    model_config = _ARGS
    start_date: Day | None = Field(None, description=FROM)
    end_date: Day | None = Field(None, description=TO)


class BookingFilterArgs(DateRangeArgs):
    test_type: str | None = Field(None, description="Only this test type. " + TEST_TYPE)
    dyno: str | int | None = Field(None, description="Only this dyno. " + DYNO)
    facility: str | None = Field(None, description=FACILITY)


class MaintenanceCheckArgs(InputModel):
    model_config = _ARGS
    on_date: Day | None = Field(
        None, description="One day to report each dyno's state for (ISO YYYY-MM-DD); default today."
    )
    start_date: Day | None = Field(
        None, description="With end_date: list maintenance windows overlapping this range. " + START
    )
    end_date: Day | None = Field(None, description=END)
    dyno: str | int | None = Field(None, description="Only this dyno. " + DYNO)

    @model_validator(mode="after")
    def _a_day_or_a_range(self) -> MaintenanceCheckArgs:
        if self.on_date is not None and (self.start_date or self.end_date):
            raise ValueError("give on_date or start_date/end_date, not both")
        return self


class TestsByStatusArgs(BookingFilterArgs):
    status: AllocationStatus = Field(description="The bookings' status.")


class QueryDatabaseArgs(InputModel):
    model_config = _ARGS
    sql: str = Field(max_length=10_000, description="One read-only SELECT over the listed views.")


class AllocationIdArgs(InputModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=MAX_ID, description=ALLOCATION_ID)


class RescheduleAllocationArgs(AllocationIdArgs):
    new_start_date: Day | None = Field(
        None, description="New first day, ISO YYYY-MM-DD; or give shift_days instead."
    )
    shift_days: int | None = Field(
        None,
        ge=-365,
        le=365,
        description="Move the start by this many days (positive = later, negative = earlier); "
        "instead of new_start_date.",
    )
    days_to_complete: int | None = Field(
        None, ge=1, le=3650, description="New length. " + DAYS + " Omit to keep the length."
    )
    extend_days: int | None = Field(
        None,
        ge=-3650,
        le=3650,
        description="Change the length by this many days (1 = a day longer, -1 = a day shorter); "
        "instead of days_to_complete.",
    )

    @model_validator(mode="after")
    def _one_way_each(self) -> RescheduleAllocationArgs:
        if self.new_start_date is not None and self.shift_days:
            raise ValueError("give new_start_date or shift_days, not both")
        if self.days_to_complete is not None and self.extend_days:
            raise ValueError("give days_to_complete or extend_days, not both")
        if (
            self.new_start_date is None
            and not self.shift_days
            and self.days_to_complete is None
            and not self.extend_days
        ):
            raise ValueError(
                "give new_start_date or shift_days, and/or days_to_complete or extend_days"
            )
        return self


class ChangeStatusArgs(AllocationIdArgs):
    status: Literal["running", "completed", "delayed", "scheduled"] = Field(
        description="running = the test started; completed = it finished; delayed = it will "
        "not start on time; scheduled = back on plan after a delay. To cancel, use "
        "cancel_allocation."
    )


class MyAllocationsArgs(DateRangeArgs):
    status: AllocationStatus | None = Field(None, description="Only bookings with this status.")


class DynoScheduleArgs(InputModel):
    model_config = _ARGS
    dyno: str | int = Field(description=DYNO)
    start_date: Day = Field(description=START)
    end_date: Day = Field(description=END)


class UtilizationArgs(InputModel):
    model_config = _ARGS
    start_date: Day = Field(description=START)
    end_date: Day = Field(description=END)
    test_type: str | None = Field(
        None, description="Count only this test type's bookings as booked. " + TEST_TYPE
    )
    dyno: str | int | None = Field(None, description="Only this dyno. " + DYNO)
    facility: str | None = Field(None, description=FACILITY)


class ListDynosArgs(InputModel):
    model_config = _ARGS
    include_disabled: bool = Field(False, description="Also list disabled dynos.")


class DynoArgs(InputModel):
    model_config = _ARGS
    dyno: str | int = Field(description=DYNO)
