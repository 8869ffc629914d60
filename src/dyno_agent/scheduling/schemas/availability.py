"""Availability search results."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from dyno_agent.scheduling.schemas.allocations import DynoBrief


class FreeDyno(DynoBrief):
    pressure: float


class BlockedDyno(BaseModel):
    dyno: DynoBrief
    reason: Literal["disabled", "outside_window", "maintenance", "busy"]
    detail: str
    allocation_ids: list[int]
    maintenance_ids: list[int]


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
