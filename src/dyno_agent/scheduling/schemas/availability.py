"""Availability search results."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from dyno_agent.scheduling.availability import Availability
from dyno_agent.scheduling.schemas.allocations import DynoBrief


class FreeDyno(DynoBrief):
    pressure: float


class BlockedDyno(BaseModel):
    dyno: DynoBrief
    reason: Literal["disabled", "outside_window", "maintenance", "busy"]
    detail: str
    allocation_ids: list[int]
    maintenance_ids: list[int]


class VehicleClashRead(BaseModel):
    """The vehicle's own booking overlapping the window."""

    allocation_id: int
    vehicle: str
    test_type: str
    dyno: str | None
    start_date: dt.date
    end_date: dt.date


class AvailabilityRead(BaseModel):
    test_type: str
    drive_type: str
    weight_class: str
    start_date: dt.date
    end_date: dt.date
    compatible: bool
    free: list[FreeDyno]
    blocked: list[BlockedDyno]
    earliest_start: dt.date | None
    earliest_dyno: DynoBrief | None
    message: str
    free_count: int = Field(description="All free compatible dynos; `free` lists the best.")
    compatible_count: int
    blocked_count: int = Field(description="`blocked` lists them when none is free or asked.")
    vehicle_clash: VehicleClashRead | None = Field(
        None,
        description="With a vehicle: its own booking in the window (then no dyno is free for it).",
    )
    suggestions: list[str] = Field(
        default_factory=list, description="Known test types close to an unknown one, best first."
    )

    @classmethod
    def of(cls, result: Availability) -> AvailabilityRead:
        return cls(
            test_type=result.need.test_type,
            drive_type=result.need.drive_type,
            weight_class=result.need.weight_class,
            start_date=result.window.start,
            end_date=result.window.end,
            compatible=result.compatible,
            free=[
                FreeDyno(
                    id=d.id, name=d.name, facility=d.facility, pressure=result.pressure.get(d.id, 0)
                )
                for d in result.free
            ],
            blocked=[
                BlockedDyno(
                    dyno=DynoBrief.model_validate(b.dyno),
                    reason=b.reason,
                    detail=b.detail,
                    allocation_ids=b.allocation_ids,
                    maintenance_ids=b.maintenance_ids,
                )
                for b in result.blocked
            ],
            earliest_start=result.earliest_start,
            earliest_dyno=DynoBrief.model_validate(result.earliest_dyno)
            if result.earliest_dyno
            else None,
            message=result.explain(),
            free_count=result.free_count,
            compatible_count=result.compatible_count,
            blocked_count=result.blocked_count,
            vehicle_clash=VehicleClashRead.model_validate(result.vehicle_clash.details())
            if result.vehicle_clash and result.compatible
            else None,
            suggestions=result.suggestions,
        )
