"""Maintenance-window schemas: whole days, `start_date` to `end_date` inclusive."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dyno_agent.errors import InvalidInput
from dyno_agent.inputs import Day, InputModel

_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_dates(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise InvalidInput(
            f"end_date {end_date} is before start_date {start_date}.", field="end_date"
        )


class MaintenanceCreate(InputModel):
    model_config = _INPUT

    start_date: Day
    end_date: Day
    reason: str | None = Field(None, max_length=200, examples=["roller bearing service"])

    @model_validator(mode="after")
    def _order(self) -> MaintenanceCreate:
        check_dates(self.start_date, self.end_date)
        return self


class MaintenanceUpdate(InputModel):
    """Only the fields sent change."""

    model_config = _INPUT

    start_date: Day | None = None
    end_date: Day | None = None
    reason: str | None = Field(None, max_length=200)

    @field_validator("start_date", "end_date")
    @classmethod
    def _not_null(cls, value: dt.date | None) -> dt.date:
        if value is None:
            raise ValueError("cannot be null")
        return value

    @model_validator(mode="after")
    def _order(self) -> MaintenanceUpdate:
        check_dates(self.start_date, self.end_date)
        return self


class MaintenanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    dyno_id: int
    start_date: dt.date
    end_date: dt.date
    reason: str | None
    created_at: dt.datetime


class BookingMoveRead(BaseModel):
    """Where one booking in the way goes: from its dyno and days to its best free slot."""

    model_config = ConfigDict(from_attributes=True)

    allocation_id: int
    vehicle: str = Field(description="The vehicle's tag (or VIN, or placeholder key).")
    test_type: str
    from_dyno: str
    from_start: dt.date
    from_end: dt.date
    to_dyno: str
    to_start: dt.date
    to_end: dt.date


class MaintenanceMovesRead(BaseModel):
    """A maintenance window with the bookings moved out of its way: previewed (`applied` false,
    nothing written) or applied (`maintenance` is the window written)."""

    dyno_id: int
    dyno: str
    start_date: dt.date
    end_date: dt.date
    reason: str | None
    applied: bool
    maintenance: MaintenanceRead | None
    moves: list[BookingMoveRead]
