"""The lab's business figures: utilisation, backlog, lead time, on-time starts, completed tests and
an estimate of the planning time the tool saves.

Computed from the database for the current week (Monday to Sunday) and month around "today", and
kept for DYNO_BUSINESS_CACHE_S seconds by `BusinessCache`, so neither /metrics scrapes nor the
report endpoint query the database each time.
"""

from __future__ import annotations

import asyncio
import calendar
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling import clock
from dyno_agent.scheduling.reports import utilization

PERIODS = ("week", "month")


@dataclass
class UtilizationFigure:
    booked_days: int
    available_days: int

    @property
    def ratio(self) -> float | None:
        return round(self.booked_days / self.available_days, 4) if self.available_days else None


@dataclass
class DynoUtilization(UtilizationFigure):
    dyno_id: int = 0
    dyno: str = ""
    facility: str = ""


@dataclass
class FacilityUtilization(UtilizationFigure):
    facility: str = ""


@dataclass
class PeriodFigures:
    period: str
    start_date: dt.date
    end_date: dt.date
    dynos: list[DynoUtilization]
    facilities: list[FacilityUtilization]
    overall: UtilizationFigure
    bookings: int  # non-cancelled bookings whose test starts in the period
    tests_completed: int  # bookings completed that end in the period
    starts: int  # booked test requests whose test starts in the period
    on_time_starts: int  # ... of which start no later than the request's desired start
    lead_time_mean_days: float | None  # request created -> test start, over those requests
    lead_time_median_days: float | None
    time_saved_hours: float = 0.0

    @property
    def on_time_ratio(self) -> float | None:
        return round(self.on_time_starts / self.starts, 4) if self.starts else None


@dataclass
class BusinessReport:
    today: dt.date
    generated_at: dt.datetime
    manual_minutes_per_booking: float
    backlog: dict[str, int]  # open test requests by status (open, planned)
    oldest_open_days: int | None
    periods: list[PeriodFigures] = field(default_factory=list)


def period_range(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current ISO week (Monday to Sunday) or calendar month around `today`."""
    if period == "week":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


_BACKLOG_SQL = text(
    """
    SELECT status, count(*), min(created_at)::date
    FROM test_requests WHERE status IN ('open', 'planned') GROUP BY status
    """
)

_STARTS_SQL = text(
    """
    SELECT count(*),
           count(*) FILTER (WHERE a.start_date <= r.desired_start),
           avg(greatest(a.start_date - r.created_at::date, 0)),
           percentile_cont(0.5) WITHIN GROUP (
               ORDER BY greatest(a.start_date - r.created_at::date, 0))
    FROM test_requests r JOIN allocations a ON a.id = r.allocation_id
    WHERE r.status = 'booked' AND a.status NOT IN ('cancelled', 'requested')
      AND a.start_date BETWEEN :start AND :end
    """
)

_BOOKINGS_SQL = text(
    """
    SELECT count(*) FILTER (WHERE start_date BETWEEN :start AND :end),
           count(*) FILTER (WHERE status = 'completed' AND end_date BETWEEN :start AND :end)
    FROM allocations WHERE status NOT IN ('cancelled', 'held', 'requested')
    """
)


async def business_report(
    session: AsyncSession, today: dt.date, manual_minutes_per_booking: float
) -> BusinessReport:
    """Every figure, for the current week and month around `today`."""
    backlog = {"open": 0, "planned": 0}
    oldest: dt.date | None = None
    for status, count, first in await session.execute(_BACKLOG_SQL):
        backlog[status] = int(count)
        if status == "open":
            oldest = first
    report = BusinessReport(
        today=today,
        generated_at=dt.datetime.now(dt.UTC),
        manual_minutes_per_booking=manual_minutes_per_booking,
        backlog=backlog,
        oldest_open_days=max((today - oldest).days, 0) if oldest else None,
    )
    for period in PERIODS:
        report.periods.append(await _period(session, period, today, manual_minutes_per_booking))
    return report


async def _period(
    session: AsyncSession, period: str, today: dt.date, minutes: float
) -> PeriodFigures:
    start, end = period_range(period, today)
    rows = await utilization(session, start, end)
    dynos = [
        DynoUtilization(r.booked_days, r.available_days, r.dyno.id, r.dyno.name, r.dyno.facility)
        for r in rows
    ]
    by_facility: dict[str, list[DynoUtilization]] = defaultdict(list)
    for row in dynos:
        by_facility[row.facility].append(row)
    facilities = [
        FacilityUtilization(
            sum(d.booked_days for d in items), sum(d.available_days for d in items), name
        )
        for name, items in sorted(by_facility.items())
    ]
    overall = UtilizationFigure(
        sum(d.booked_days for d in dynos), sum(d.available_days for d in dynos)
    )
    params = {"start": start, "end": end}
    starts, on_time, mean, median = (await session.execute(_STARTS_SQL, params)).one()
    bookings, completed = (await session.execute(_BOOKINGS_SQL, params)).one()
    return PeriodFigures(
        period=period,
        start_date=start,
        end_date=end,
        dynos=dynos,
        facilities=facilities,
        overall=overall,
        bookings=int(bookings),
        tests_completed=int(completed),
        starts=int(starts),
        on_time_starts=int(on_time),
        lead_time_mean_days=None if mean is None else round(float(mean), 2),
        lead_time_median_days=None if median is None else round(float(median), 2),
        time_saved_hours=time_saved_hours(int(bookings), minutes),
    )


def time_saved_hours(bookings: int, manual_minutes_per_booking: float) -> float:
    """The estimate: each booking would have taken this many minutes of planning by hand."""
    return round(bookings * manual_minutes_per_booking / 60, 2)


class BusinessCache:
    """The last report, reused for `ttl_s` seconds (and recomputed when "today" changes); one
    computation at a time, so a burst of scrapes runs the queries once."""

    def __init__(self, ttl_s: float, clock_s: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock_s
        self._lock = asyncio.Lock()
        self._report: BusinessReport | None = None
        self._at = 0.0
        self.computations = 0

    @property
    def last(self) -> BusinessReport | None:
        return self._report

    def _fresh(self, today: dt.date) -> BusinessReport | None:
        report = self._report
        if report is None or report.today != today or self._clock() - self._at > self.ttl_s:
            return None
        return report

    async def get(self, session: AsyncSession, manual_minutes_per_booking: float) -> BusinessReport:
        """The cached report, or a new one read through `session` when it is stale."""
        today = clock.today()
        if (report := self._fresh(today)) is not None:
            return report
        async with self._lock:
            if (report := self._fresh(today)) is not None:
                return report
            report = await business_report(session, today, manual_minutes_per_booking)
            self._report, self._at = report, self._clock()
            self.computations += 1
            return report
