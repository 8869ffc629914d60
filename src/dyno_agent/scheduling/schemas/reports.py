"""Report schemas: conflicts, dyno state on a day, counts, utilisation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from dyno_agent.scheduling.reports import UtilizationReport
from dyno_agent.scheduling.schemas.allocations import DynoBrief, VehicleBrief
from dyno_agent.scheduling.slip import SlipReport


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


class SlipRow(BaseModel):
    allocation_id: int
    dyno: DynoBrief | None
    vehicle: VehicleBrief
    test_type: str
    status: str
    start_date: dt.date = Field(description="Planned first day.")
    end_date: dt.date = Field(description="Planned last day.")
    actual_start_date: dt.date
    actual_end_date: dt.date | None
    start_slip_days: int = Field(description="Actual minus planned start; positive is late.")
    end_slip_days: int | None = Field(
        description="Actual minus planned end (completed tests); positive is late."
    )


class SlipRead(BaseModel):
    start_date: dt.date
    end_date: dt.date
    tests: list[SlipRow]
    started_late: int
    finished_late: int
    mean_start_slip_days: float | None
    mean_end_slip_days: float | None

    @classmethod
    def of(cls, report: SlipReport) -> SlipRead:
        rows = []
        for r in report.rows:
            a = r.allocation
            assert a.actual_start_date is not None
            rows.append(
                SlipRow(
                    allocation_id=a.id,
                    dyno=DynoBrief.model_validate(a.dyno) if a.dyno else None,
                    vehicle=VehicleBrief.model_validate(a.vehicle),
                    test_type=a.test_type,
                    status=a.status,
                    start_date=a.start_date,
                    end_date=a.end_date,
                    actual_start_date=a.actual_start_date,
                    actual_end_date=a.actual_end_date,
                    start_slip_days=r.start_slip_days,
                    end_slip_days=r.end_slip_days,
                )
            )
        return cls(
            start_date=report.start_date,
            end_date=report.end_date,
            tests=rows,
            started_late=report.started_late,
            finished_late=report.finished_late,
            mean_start_slip_days=report.mean_start_slip_days,
            mean_end_slip_days=report.mean_end_slip_days,
        )
