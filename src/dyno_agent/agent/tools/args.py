"""Argument models of the agent's tools; names and parameters follow the issue exactly."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from dyno_agent.inputs import Day, InputModel
from dyno_agent.scheduling.models import AllocationStatus

_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)
Days = Field(ge=1, le=3650, description="Whole days, the start day included.")


class NoArgs(InputModel):
    model_config = _ARGS


class FindAvailableDynosArgs(InputModel):
    model_config = _ARGS
    start_date: Day = Field(description="First day, YYYY-MM-DD.")
    end_date: Day = Field(description="Last day (inclusive), YYYY-MM-DD.")
    weight_lbs: int = Field(ge=1, le=80_000, description="Vehicle weight in lbs.")
    drive_type: str = Field(description="2WD, AWD or 4WD.")
    test_type: str = Field(description="A test type from the context list.")


class AutoAllocateVehicleArgs(InputModel):
    model_config = _ARGS
    vehicle_id: int | None = Field(None, ge=1, description="The vehicle's id, or give tag or vin.")
    tag: str | None = Field(None, description="The vehicle's tag (Tag #, e.g. 312W028).")
    vin: str | None = Field(None, description="The vehicle's 17-character VIN, or give vehicle_id.")
    start_date: Day = Field(description="Requested first day, YYYY-MM-DD.")
    days_to_complete: int = Days
    test_type: str = Field(description="A test type from the context list.")
    backup: bool = Field(False, description="Try later start days when the window is full.")
    max_backup_days: int = Field(7, ge=0, le=365, description="How many days later at most.")


class VehicleRefArgs(InputModel):
    model_config = _ARGS
    vehicle_id: int | None = Field(None, ge=1)
    tag: str | None = None
    vin: str | None = None


class DateRangeArgs(InputModel):
    model_config = _ARGS
    start_date: Day | None = None
    end_date: Day | None = None


class MaintenanceCheckArgs(InputModel):
    model_config = _ARGS
    on_date: Day | None = Field(None, description="The day to check; default today.")


class TestsByStatusArgs(InputModel):
    model_config = _ARGS
    status: AllocationStatus


class QueryDatabaseArgs(InputModel):
    model_config = _ARGS
    sql: str = Field(max_length=10_000, description="One read-only SELECT over the domain tables.")


class AllocationIdArgs(InputModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=2_147_483_647)


class RescheduleAllocationArgs(InputModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=2_147_483_647)
    new_start_date: Day
    days_to_complete: int | None = Field(None, ge=1, le=3650)


class DynoScheduleArgs(InputModel):
    model_config = _ARGS
    dyno: str | int = Field(description="Dyno name (e.g. 'MPG 3') or id.")
    start_date: Day
    end_date: Day


class UtilizationArgs(InputModel):
    model_config = _ARGS
    start_date: Day
    end_date: Day


class ListDynosArgs(InputModel):
    model_config = _ARGS
    include_disabled: bool = False


class DynoArgs(InputModel):
    model_config = _ARGS
    dyno: str | int = Field(description="Dyno name (e.g. 'TRP #1') or id.")
