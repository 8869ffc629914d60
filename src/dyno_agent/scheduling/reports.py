"""Reports: conflicts, dyno status on a day, counts, and utilisation per dyno."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationStatus,
    Dyno,
    MaintenanceWindow,
)

OPEN_STATUSES = (AllocationStatus.scheduled, AllocationStatus.delayed, AllocationStatus.running)
ConflictKind = Literal[
    "dyno_overlap",
    "vehicle_overlap",
    "maintenance_overlap",
    "dyno_disabled",
    "outside_commissioning",
    "incompatible",
    "unplaced",
]


def _check_range(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise InvalidInput(
            f"end_date {end_date} is before start_date {start_date}.", field="end_date"
        )


@dataclass
class ConflictItem:
    kind: ConflictKind
    allocation_ids: list[int]
    dyno: str | None
    vin: str | None
    start_date: dt.date
    end_date: dt.date
    message: str
    tag: str | None = None


# Every problem an open allocation can have. The exclusion constraints keep the first three out of
# this database, but imported or legacy data is checked the same way; the rest are allowed by the
# constraints and arise when a dyno or its rules change after booking.
_CONFLICTS_SQL = text(
    """
    WITH open AS (
        SELECT a.*, v.vin, COALESCE(v.tag, v.vin, v.placeholder_key) AS label,
               v.drive_type AS v_drive, v.weight_class AS v_weight, d.name AS dyno_name,
               d.enabled, d.available_from, d.available_to
        FROM allocations a
        JOIN vehicles v ON v.id = a.vehicle_id
        LEFT JOIN dynos d ON d.id = a.dyno_id
        WHERE a.status IN ('scheduled', 'delayed', 'running', 'requested')
          AND (CAST(:start AS date) IS NULL OR a.end_date >= :start)
          AND (CAST(:end AS date) IS NULL OR a.start_date <= :end)
    )
    SELECT 'dyno_overlap' AS kind, ARRAY[a.id, b.id] AS ids, a.dyno_name, a.vin, a.label,
           greatest(a.start_date, b.start_date) AS s, least(a.end_date, b.end_date) AS e
    FROM open a JOIN open b ON a.dyno_id = b.dyno_id AND a.id < b.id
     AND a.start_date <= b.end_date AND b.start_date <= a.end_date
    UNION ALL
    SELECT 'vehicle_overlap', ARRAY[a.id, b.id], a.dyno_name, a.vin, a.label,
           greatest(a.start_date, b.start_date), least(a.end_date, b.end_date)
    FROM open a JOIN open b ON a.vehicle_id = b.vehicle_id AND a.id < b.id
     AND a.start_date <= b.end_date AND b.start_date <= a.end_date
    UNION ALL
    SELECT 'maintenance_overlap', ARRAY[a.id], a.dyno_name, a.vin, a.label,
           greatest(a.start_date, m.start_date), least(a.end_date, m.end_date)
    FROM open a JOIN maintenance_windows m ON m.dyno_id = a.dyno_id
     AND a.start_date <= m.end_date AND m.start_date <= a.end_date
    UNION ALL
    SELECT 'dyno_disabled', ARRAY[a.id], a.dyno_name, a.vin, a.label, a.start_date, a.end_date
    FROM open a WHERE a.dyno_id IS NOT NULL AND NOT a.enabled
    UNION ALL
    SELECT 'outside_commissioning', ARRAY[a.id], a.dyno_name, a.vin, a.label,
           a.start_date, a.end_date
    FROM open a WHERE (a.available_from IS NOT NULL AND a.start_date < a.available_from)
                   OR (a.available_to IS NOT NULL AND a.end_date > a.available_to)
    UNION ALL
    SELECT 'incompatible', ARRAY[a.id], a.dyno_name, a.vin, a.label, a.start_date, a.end_date
    FROM open a WHERE a.dyno_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM dyno_rules r
        WHERE r.dyno_id = a.dyno_id AND r.test_type = a.test_type
          AND r.drive_type IN (a.v_drive, 'any') AND r.weight_class IN (a.v_weight, 'any'))
    UNION ALL
    SELECT 'unplaced', ARRAY[a.id], NULL, a.vin, a.label, a.start_date, a.end_date
    FROM open a WHERE a.dyno_id IS NULL
    ORDER BY s, kind
    """
)

_CONFLICT_TEXT: dict[str, str] = {
    "dyno_overlap": "Allocations {ids} overlap on {dyno}",
    "vehicle_overlap": "Vehicle {vehicle} is booked twice ({ids})",
    "maintenance_overlap": "Allocation {ids} overlaps maintenance of {dyno}",
    "dyno_disabled": "Allocation {ids} is on {dyno}, which is disabled",
    "outside_commissioning": "Allocation {ids} is outside the commissioning window of {dyno}",
    "incompatible": "Allocation {ids} on {dyno} is not allowed by the dyno's current rules",
    "unplaced": "Allocation {ids} for vehicle {vehicle} has no dyno yet",
}


async def detect_conflicts(
    session: AsyncSession, start_date: dt.date | None = None, end_date: dt.date | None = None
) -> list[ConflictItem]:
    """Open allocations that clash with each other, maintenance, or their dyno's state or rules."""
    _check_range(start_date, end_date)
    rows = await session.execute(_CONFLICTS_SQL, {"start": start_date, "end": end_date})
    items = []
    for kind, ids, dyno, vin, label, start, end in rows:
        ids_text = " and ".join(f"#{i}" for i in ids)
        message = _CONFLICT_TEXT[kind].format(ids=ids_text, dyno=dyno, vehicle=label)
        text_ = f"{message}, {start} to {end}."
        tag = None if label in (vin, None) else label
        items.append(ConflictItem(kind, list(ids), dyno, vin, start, end, text_, tag))
    return items


@dataclass
class DynoDayStatus:
    dyno: Dyno
    status: Literal["available", "disabled", "outside_window", "maintenance"]
    reason: str | None = None
    maintenance: MaintenanceWindow | None = None


async def maintenance_check(
    session: AsyncSession, on_date: dt.date | None = None
) -> list[DynoDayStatus]:
    """Each dyno's state on a day (default today): available, disabled, outside its window, or in
    maintenance."""
    day = on_date or clock.today()
    dynos = list(await session.scalars(select(Dyno).order_by(Dyno.id)))
    windows = await session.scalars(
        select(MaintenanceWindow).where(
            MaintenanceWindow.start_date <= day, MaintenanceWindow.end_date >= day
        )
    )
    in_maintenance = {w.dyno_id: w for w in windows}
    result = []
    for dyno in dynos:
        if not dyno.enabled:
            result.append(DynoDayStatus(dyno, "disabled", "Dyno is disabled."))
        elif (dyno.available_from and day < dyno.available_from) or (
            dyno.available_to and day > dyno.available_to
        ):
            span = f"{dyno.available_from or 'open'} to {dyno.available_to or 'open'}"
            result.append(DynoDayStatus(dyno, "outside_window", f"Commissioned {span}."))
        elif dyno.id in in_maintenance:
            window = in_maintenance[dyno.id]
            reason = f"Maintenance {window.start_date} to {window.end_date}"
            reason += f": {window.reason}." if window.reason else "."
            result.append(DynoDayStatus(dyno, "maintenance", reason, window))
        else:
            result.append(DynoDayStatus(dyno, "available"))
    return result


async def completed_tests_count(session: AsyncSession) -> int:
    query = select(func.count()).where(Allocation.status == AllocationStatus.completed)
    return await session.scalar(query) or 0


async def tests_by_status(
    session: AsyncSession, status: AllocationStatus | str, *, limit: int = 100
) -> tuple[list[Allocation], int]:
    from dyno_agent.scheduling.allocations import AllocationFilter, list_allocations

    return await list_allocations(
        session, AllocationFilter(status=AllocationStatus(status)), limit=limit
    )


@dataclass
class Counts:
    by_status: dict[str, int]
    by_test_type: dict[str, dict[str, int]]
    total: int


async def counts(
    session: AsyncSession, start_date: dt.date | None = None, end_date: dt.date | None = None
) -> Counts:
    """Allocations by status and by test type (then status), optionally overlapping a range."""
    _check_range(start_date, end_date)
    query = select(Allocation.test_type, Allocation.status, func.count()).group_by(
        Allocation.test_type, Allocation.status
    )
    if start_date:
        query = query.where(Allocation.end_date >= start_date)
    if end_date:
        query = query.where(Allocation.start_date <= end_date)
    by_status: dict[str, int] = {s.value: 0 for s in AllocationStatus}
    by_test: dict[str, dict[str, int]] = defaultdict(dict)
    for test_type, status, n in await session.execute(query):
        by_status[status] += n
        by_test[test_type][status] = n
    return Counts(by_status, dict(sorted(by_test.items())), sum(by_status.values()))


@dataclass
class Utilization:
    dyno: Dyno
    available_days: int
    booked_days: int
    maintenance_days: int
    allocations: int = 0
    test_types: list[str] = field(default_factory=list)

    @property
    def utilization(self) -> float | None:
        if self.available_days <= 0:
            return None
        return round(self.booked_days / self.available_days, 4)


_UTILIZATION_SQL = text(
    """
    WITH span AS (SELECT daterange(:start, :end, '[]') AS r),
    usable AS (
        SELECT d.id, CASE WHEN d.enabled THEN span.r * daterange(
                   coalesce(d.available_from, '-infinity'::date),
                   coalesce(d.available_to, 'infinity'::date), '[]')
               ELSE 'empty'::daterange END AS r
        FROM dynos d, span
    ),
    maint AS (
        SELECT u.id, range_agg(u.r * daterange(m.start_date, m.end_date, '[]')) AS r
        FROM usable u JOIN maintenance_windows m ON m.dyno_id = u.id
        GROUP BY u.id
    ),
    booked AS (
        SELECT u.id, range_agg(u.r * daterange(a.start_date, a.end_date, '[]')) AS r,
               count(*) AS n, array_agg(DISTINCT a.test_type ORDER BY a.test_type) AS tests
        FROM usable u JOIN allocations a ON a.dyno_id = u.id
         AND a.status NOT IN ('cancelled', 'held', 'requested')  -- offers, requests: not work yet
         AND u.r && daterange(a.start_date, a.end_date, '[]')
         AND (CAST(:test AS text) IS NULL OR a.test_type = :test)
        GROUP BY u.id
    )
    SELECT u.id,
           (SELECT coalesce(sum(upper(x) - lower(x)), 0) FROM unnest(
               multirange(u.r) - coalesce(m.r, '{}'::datemultirange)) x) AS available,
           (SELECT coalesce(sum(upper(x) - lower(x)), 0) FROM unnest(b.r) x) AS booked,
           (SELECT coalesce(sum(upper(x) - lower(x)), 0) FROM unnest(m.r) x) AS maintenance,
           coalesce(b.n, 0), coalesce(b.tests, ARRAY[]::text[])
    FROM usable u LEFT JOIN maint m USING (id) LEFT JOIN booked b USING (id)
    """
)


async def utilization(
    session: AsyncSession,
    start_date: dt.date,
    end_date: dt.date,
    *,
    test_type: str | None = None,
    dyno_id: int | None = None,
    facility: str | None = None,
) -> list[Utilization]:
    """Per dyno: booked days / available days in the range. Available days are the days the dyno
    is enabled, inside its commissioning window and not in maintenance. With `test_type`, only that
    test's bookings count as booked; `dyno_id` and `facility` keep only those dynos."""
    _check_range(start_date, end_date)
    if (end_date - start_date).days > 3660:
        raise InvalidInput("The range can span at most ten years.", field="end_date")
    query = select(Dyno).order_by(Dyno.id)
    if dyno_id is not None:
        query = query.where(Dyno.id == dyno_id)
    if facility:
        query = query.where(func.lower(Dyno.facility) == facility.lower())
    dynos = {d.id: d for d in await session.scalars(query)}
    params = {"start": start_date, "end": end_date, "test": test_type}
    rows = await session.execute(_UTILIZATION_SQL, params)
    by_id = {
        row[0]: Utilization(dynos[row[0]], int(row[1]), int(row[2]), int(row[3]), row[4], row[5])
        for row in rows
        if row[0] in dynos
    }
    return [by_id[dyno_id] for dyno_id in dynos if dyno_id in by_id]


@dataclass
class UtilizationReport:
    start_date: dt.date
    end_date: dt.date
    rows: list[Utilization]

    @property
    def overall(self) -> float | None:
        available = sum(r.available_days for r in self.rows)
        booked = sum(r.booked_days for r in self.rows)
        return round(booked / available, 4) if available else None


DEFAULT_REPORT_DAYS = 28


async def utilization_report(
    session: AsyncSession,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    *,
    test_type: str | None = None,
    dyno_id: int | None = None,
    facility: str | None = None,
) -> UtilizationReport:
    """Utilisation per dyno and overall; the range defaults to the 28 days from today."""
    start = start_date or clock.today()
    end = end_date or start + dt.timedelta(days=DEFAULT_REPORT_DAYS - 1)
    rows = await utilization(
        session, start, end, test_type=test_type, dyno_id=dyno_id, facility=facility
    )
    return UtilizationReport(start, end, rows)
