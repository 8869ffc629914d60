"""Report schemas: conflicts, dyno state on a day, counts, utilisation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from dyno_agent.scheduling.reports import UtilizationReport
from dyno_agent.scheduling.schemas.allocations import DynoBrief


class ConflictRead(BaseModel):
    model_config = {"from_attributes": True}

    kind: str
    allocation_ids: list[int]
    dyno: str | None
    vin: str | None
    start_date: dt.date
    end_date: dt.date
    message: str
    tag: str | None = Field(None, description="The vehicle's tag (or placeholder key).")


class DynoDayStatusRead(BaseModel):
    dyno: DynoBrief
    status: str
    reason: str | None


class CountsRead(BaseModel):
    by_status: dict[str, int]
    by_test_type: dict[str, dict[str, int]]
    completed: int
    total: int


class UtilizationRow(BaseModel):
    dyno: DynoBrief
    available_days: int
    booked_days: int
    maintenance_days: int
    allocations: int
    test_types: list[str]
    utilization: float | None


class UtilizationRead(BaseModel):
    start_date: dt.date
    end_date: dt.date
    dynos: list[UtilizationRow]
    overall: float | None

    @classmethod
    def of(cls, report: UtilizationReport) -> UtilizationRead:
        return cls(
            start_date=report.start_date,
            end_date=report.end_date,
            dynos=[
                UtilizationRow(
                    dyno=DynoBrief.model_validate(r.dyno),
                    available_days=r.available_days,
                    booked_days=r.booked_days,
                    maintenance_days=r.maintenance_days,
                    allocations=r.allocations,
                    test_types=r.test_types,
                    utilization=r.utilization,
                )
                for r in report.rows
            ],
            overall=report.overall,
        )
