"""Argument models of the agent's tools; names and parameters follow the issue exactly."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dyno_agent.scheduling.models import AllocationStatus

_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)
Days = Field(ge=1, le=3650, description="Whole days, the start day included.")


class NoArgs(BaseModel):
    model_config = _ARGS


class FindAvailableDynosArgs(BaseModel):
    model_config = _ARGS
    start_date: dt.date = Field(description="First day, YYYY-MM-DD.")
    end_date: dt.date = Field(description="Last day (inclusive), YYYY-MM-DD.")
    weight_lbs: int = Field(ge=1, le=80_000, description="Vehicle weight in lbs.")
    drive_type: str = Field(description="2WD, AWD or 4WD.")
    test_type: str = Field(description="A test type from the context list.")


class AutoAllocateVehicleArgs(BaseModel):
    model_config = _ARGS
    vehicle_id: int | None = Field(None, ge=1, description="The vehicle's id, or give vin.")
    vin: str | None = Field(None, description="The vehicle's 17-character VIN, or give vehicle_id.")
    start_date: dt.date = Field(description="Requested first day, YYYY-MM-DD.")
    days_to_complete: int = Days
    test_type: str = Field(description="A test type from the context list.")
    backup: bool = Field(False, description="Try later start days when the window is full.")
    max_backup_days: int = Field(7, ge=0, le=365, description="How many days later at most.")


class VehicleRefArgs(BaseModel):
    model_config = _ARGS
    vehicle_id: int | None = Field(None, ge=1)
    vin: str | None = None


class DateRangeArgs(BaseModel):
    model_config = _ARGS
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class MaintenanceCheckArgs(BaseModel):
    model_config = _ARGS
    on_date: dt.date | None = Field(None, description="The day to check; default today.")


class TestsByStatusArgs(BaseModel):
    model_config = _ARGS
    status: AllocationStatus


class QueryDatabaseArgs(BaseModel):
    model_config = _ARGS
    sql: str = Field(max_length=10_000, description="One read-only SELECT over the domain tables.")


class AllocationIdArgs(BaseModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=2_147_483_647)


class RescheduleAllocationArgs(BaseModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=2_147_483_647)
    new_start_date: dt.date
    days_to_complete: int | None = Field(None, ge=1, le=3650)


class DynoScheduleArgs(BaseModel):
    model_config = _ARGS
    dyno: str | int = Field(description="Dyno name (e.g. 'MPG 3') or id.")
    start_date: dt.date
    end_date: dt.date


class UtilizationArgs(BaseModel):
    model_config = _ARGS
    start_date: dt.date
    end_date: dt.date


class ListDynosArgs(BaseModel):
    model_config = _ARGS
    include_disabled: bool = False


class DynoArgs(BaseModel):
    model_config = _ARGS
    dyno: str | int = Field(description="Dyno name (e.g. 'TRP #1') or id.")
