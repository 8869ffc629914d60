"""Test request schemas: create, edit, read. Test types and mileage steps are normalised on the
way in; the vehicle is given by `vehicle_id`, `tag` or `vin`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from dyno_agent.inputs import Day, InputModel
from dyno_agent.requests.models import DEFAULT_PRIORITY, MAX_PRIORITY, MIN_PRIORITY, RequestStatus
from dyno_agent.requests.steps import normalize_mileage_step
from dyno_agent.scheduling import vocab
from dyno_agent.scheduling.schemas.allocations import TestType, _VehicleRef

_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MileageStep = Annotated[
    str,
    AfterValidator(normalize_mileage_step),
    Field(
        max_length=60,
        examples=["0K-5K"],
        description="A mileage range such as `0K-5K`, `5K-75K`, `75K-150K`, or a label.",
    ),
]
Priority = Annotated[
    int, Field(ge=MIN_PRIORITY, le=MAX_PRIORITY, description="1 (lowest) to 5 (highest).")
]
RequestDays = Annotated[
    int, Field(ge=1, le=3650, description="Whole days (at most DYNO_MAX_BOOKING_DAYS).")
]


class TestRequestCreate(_VehicleRef):
    """A test to place later; `desired_start` defaults to `earliest_start`."""

    __test__ = False
    model_config = _INPUT

    test_type: TestType
    mileage_step: MileageStep
    days: RequestDays
    earliest_start: Day
    desired_start: Day | None = None
    priority: Priority = DEFAULT_PRIORITY
    notes: str | None = Field(None, max_length=2000)
    source_file: str | None = Field(None, max_length=255, description="Set by imports.")
    source_sheet: str | None = Field(None, max_length=100)
    source_row: int | None = Field(None, ge=1, le=10_000_000)


class TestRequestUpdate(InputModel):
    """Only the fields sent change; open and planned requests only."""

    __test__ = False
    model_config = _INPUT

    vehicle_id: int | None = Field(None, ge=1)
    tag: str | None = None
    vin: str | None = None
    test_type: TestType | None = None
    mileage_step: MileageStep | None = None
    days: RequestDays | None = None
    earliest_start: Day | None = None
    desired_start: Day | None = None
    priority: Priority | None = None
    notes: str | None = Field(None, max_length=2000)

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_vin(value)

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_tag(value)

    @field_validator(
        "vehicle_id",
        "test_type",
        "mileage_step",
        "days",
        "earliest_start",
        "desired_start",
        "priority",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value


class TestRequestRead(BaseModel):
    __test__ = False
    model_config = ConfigDict(from_attributes=True)

    id: int
    vehicle_id: int
    test_type: str
    mileage_step: str
    step_from_miles: int | None
    step_to_miles: int | None
    days: int
    earliest_start: dt.date
    desired_start: dt.date
    priority: int
    status: RequestStatus
    allocation_id: int | None
    source_file: str | None
    source_sheet: str | None
    source_row: int | None
    notes: str | None
    facility: str | None = None
    source_values: dict[str, Any] | None = None
    created_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
