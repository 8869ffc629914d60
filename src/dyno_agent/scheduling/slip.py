"""Slip: planned versus actual days of the tests that ran (running or completed).

A test's start slip is its actual start minus its planned start, in days (positive: started late);
its end slip is its actual end minus its planned end (completed tests only). Tests started before
actual dates were recorded (migration 0011) have none and are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.models import Allocation

DEFAULT_SLIP_DAYS = 28


@dataclass
class Slip:
    allocation: Allocation

    @property
    def start_slip_days(self) -> int:
        assert self.allocation.actual_start_date is not None
        return (self.allocation.actual_start_date - self.allocation.start_date).days

    @property
    def end_slip_days(self) -> int | None:
        end = self.allocation.actual_end_date
        return None if end is None else (end - self.allocation.end_date).days


@dataclass
class SlipReport:
    start_date: dt.date
    end_date: dt.date
    rows: list[Slip]

    @property
    def started_late(self) -> int:
        return sum(r.start_slip_days > 0 for r in self.rows)

    @property
    def finished_late(self) -> int:
        return sum((r.end_slip_days or 0) > 0 for r in self.rows)

    @property
    def mean_start_slip_days(self) -> float | None:
        slips = [r.start_slip_days for r in self.rows]
        return round(sum(slips) / len(slips), 2) if slips else None

    @property
    def mean_end_slip_days(self) -> float | None:
        slips = [s for r in self.rows if (s := r.end_slip_days) is not None]
        return round(sum(slips) / len(slips), 2) if slips else None


async def slip_report(
    session: AsyncSession,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    *,
    dyno_id: int | None = None,
) -> SlipReport:
    """Tests that ran with planned or actual days in the range, by actual start. The range
    defaults to the 28 days to today (28 days from `start_date` when only that is given)."""
    span = dt.timedelta(days=DEFAULT_SLIP_DAYS - 1)
    end = end_date or (start_date + span if start_date else clock.today())
    start = start_date or end - span
    if end < start:
        raise InvalidInput(f"end_date {end} is before start_date {start}.", field="end_date")
    first = func.least(Allocation.start_date, Allocation.actual_start_date)
    last = func.greatest(Allocation.end_date, Allocation.actual_end_date)
    query = (
        select(Allocation)
        .options(joinedload(Allocation.vehicle), joinedload(Allocation.dyno))
        .where(Allocation.actual_start_date.is_not(None), first <= end, last >= start)
        .order_by(Allocation.actual_start_date, Allocation.id)
    )
    if dyno_id is not None:
        query = query.where(Allocation.dyno_id == dyno_id)
    rows = await session.scalars(query)
    return SlipReport(start, end, [Slip(a) for a in rows])
