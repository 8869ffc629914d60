"""Allocation schemas: booking requests, moves, status changes and reads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from dyno_agent.inputs import Day, InputModel
from dyno_agent.scheduling import vocab
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.note_text import NOTE_MAX, REFERENCE_MAX, clean_note, clean_reference

_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)
TestType = Annotated[str, AfterValidator(vocab.normalize_test_type), Field(examples=["brake"])]
Days = Annotated[int, Field(ge=1, le=3650, description="Whole days, the start day included.")]
Note = Annotated[
    str | None,
    AfterValidator(clean_note),
    Field(
        description=f"Free text, at most {NOTE_MAX} characters; empty clears it.",
        examples=["waiting for tyres"],
    ),
]
Reference = Annotated[
    str | None,
    AfterValidator(clean_reference),
    Field(
        description=f"Test request or work order id, at most {REFERENCE_MAX} characters of "
        "letters, digits, spaces and - _ . / # :; empty clears it.",
        examples=["WO-4471"],
    ),
]


class _VehicleRef(InputModel):
    """A vehicle by `vehicle_id`, `tag` or `vin` (at least one; all given must agree)."""

    vehicle_id: int | None = Field(None, ge=1)
    tag: str | None = Field(None, description="The vehicle's tag.", examples=["312W028"])
    vin: str | None = None

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_tag(value)

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_vin(value)

    @model_validator(mode="after")
    def _one_vehicle(self) -> _VehicleRef:
        if self.vehicle_id is None and self.vin is None and self.tag is None:
            raise ValueError("give vehicle_id, tag or vin")
        return self


class AutoAllocateCreate(_VehicleRef):
    """Place a test on the best free compatible dyno; with `backup`, later starts are tried."""

    model_config = _INPUT

    test_type: TestType
    start_date: Day
    days_to_complete: Days
    backup: bool = False
    max_backup_days: int = Field(7, ge=0, le=365)
    notes: Note = None
    reference: Reference = None


class AllocationCreate(_VehicleRef):
    """Book on a named dyno; give `end_date` or `days_to_complete`."""

    model_config = _INPUT

    dyno: int | str = Field(description="Dyno id or name.", examples=["MPG 3"])
    test_type: TestType
    start_date: Day
    end_date: Day | None = None
    days_to_complete: Days | None = None
    notes: Note = None
    reference: Reference = None


class RescheduleRequest(InputModel):
    """Move a booking; it keeps its length unless `days_to_complete` is given."""

    model_config = _INPUT

    new_start_date: Day
    days_to_complete: Days | None = None
    dyno: int | str | None = Field(None, description="Move to this dyno (id or name).")


class AllocationUpdate(InputModel):
    model_config = _INPUT

    status: AllocationStatus


class AllocationNotesUpdate(InputModel):
    """Set a booking's note and/or reference; a field left out stays, null or "" clears it."""

    model_config = _INPUT

    notes: Note = None
    reference: Reference = None
    append: bool = Field(
        False,
        description="Add the note below the current one, and set the reference only where "
        "there is none (409 note_overwrite if another one is set).",
    )

    @model_validator(mode="after")
    def _something(self) -> AllocationNotesUpdate:
        if not self.changes():
            raise ValueError("give notes, reference or both")
        return self

    def changes(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in ("notes", "reference") if k in self.model_fields_set}


class VehicleBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    tag: str | None
    placeholder_key: str | None
    vin: str | None
    program: str | None
    drive_type: str
    weight_class: str


class DynoBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    facility: str


class AllocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    vehicle_id: int
    dyno_id: int | None
    test_type: str
    start_date: dt.date
    end_date: dt.date
    days: int
    status: AllocationStatus
    notes: str | None = None
    reference: str | None = Field(None, description="Test request or work order id.")
    actual_start_date: dt.date | None = Field(
        None, description="The day it was marked running (planned days: start_date, end_date)."
    )
    actual_end_date: dt.date | None = Field(None, description="The day it was marked completed.")
    series_id: int | None = Field(None, description="The recurring series it belongs to.")
    hold_expires_at: dt.datetime | None = Field(
        None, description="For a `held` slot offered from the waitlist: accept before this."
    )
    approval: str | None = Field(
        None, description="On a dyno that needs approval: approved or rejected once decided."
    )
    approval_reason: str | None = Field(None, description="Why the request was rejected.")
    created_by: int | None
    created_by_name: str | None = Field(
        None, description="Who booked it: the name, else the e-mail's local part."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    vehicle: VehicleBrief
    dyno: DynoBrief | None


class BookingRead(BaseModel):
    allocation: AllocationRead
    message: str = Field(examples=["Allocated in requested window."])
    shift_days: int


class AllocationEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    actor_id: int | None
    channel: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: dt.datetime
