"""The availability engine as it was before the busy bitmaps and the rules cache (commit 5997a94),
kept as the oracle the new one must agree with (tests and `bench/bench_lab_scale.py`).

Everything is read from the tables on every call: compatible dynos by one rules query, pressure by
one SQL aggregate over every rule combination, bookings and maintenance overlapping the window, and
the earliest free start from two years of bookings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import (
    Allocation,
    AllocationStatus,
    Dyno,
    DynoRule,
    MaintenanceWindow,
)
from dyno_agent.scheduling.windows import Window

HORIZON_DAYS = 730


@dataclass
class Answer:
    """What an availability answer says, in a form two engines can be compared by."""

    free: list[tuple[str, float]]  # (name, pressure), best first
    blocked: list[tuple[str, str, str]]  # (name, reason, detail), by dyno id
    earliest: tuple[dt.date, str] | None
    compatible: int
    free_count: int

    def head(self, limit: int) -> Answer:
        return Answer(
            self.free[:limit], self.blocked, self.earliest, self.compatible, self.free_count
        )


_PRESSURE_SQL = text(
    """
    WITH combos AS (
        SELECT DISTINCT r.dyno_id, r.test_type, d.drive, w.weight_class
        FROM dyno_rules r
        JOIN dynos dy ON dy.id = r.dyno_id AND dy.enabled
        CROSS JOIN unnest(ARRAY['2WD', 'AWD', '4WD']) AS d(drive)
        CROSS JOIN unnest(ARRAY['<10K', '>10K']) AS w(weight_class)
        WHERE r.drive_type IN (d.drive, 'any') AND r.weight_class IN (w.weight_class, 'any')
    ),
    supply AS (
        SELECT test_type, drive, weight_class, count(*) AS dynos
        FROM combos GROUP BY test_type, drive, weight_class
    )
    SELECT c.dyno_id,
           coalesce(sum(1.0 / s.dynos) FILTER (WHERE c.test_type <> :test_type), 0) AS pressure
    FROM combos c JOIN supply s USING (test_type, drive, weight_class)
    WHERE c.dyno_id = ANY(:dyno_ids)
    GROUP BY c.dyno_id
    """
)


async def old_availability(
    session: AsyncSession,
    test_type: str,
    drive_type: str,
    weight_class: str,
    window: Window,
    *,
    with_earliest: bool = True,
) -> Answer:
    """The old engine's answer for a normalised need (no facility rule)."""
    compatible_ids = (
        select(DynoRule.dyno_id)
        .where(
            DynoRule.test_type == test_type,
            DynoRule.drive_type.in_((drive_type, "any")),
            DynoRule.weight_class.in_((weight_class, "any")),
        )
        .distinct()
    )
    dynos = list(
        await session.scalars(select(Dyno).where(Dyno.id.in_(compatible_ids)).order_by(Dyno.id))
    )
    ids = [d.id for d in dynos]
    pressure: dict[int, float] = {}
    if ids:
        rows = await session.execute(_PRESSURE_SQL, {"dyno_ids": ids, "test_type": test_type})
        pressure = {dyno_id: float(p) for dyno_id, p in rows}
    bookings = await _allocations(session, ids, window)
    maintenance = await _maintenance(session, ids, window)
    free: list[Dyno] = []
    blocked: list[tuple[str, str, str]] = []
    for dyno in dynos:
        reason = _reason(dyno, window, bookings.get(dyno.id, []), maintenance.get(dyno.id, []))
        if reason:
            blocked.append((dyno.name, *reason))
        else:
            free.append(dyno)
    free.sort(key=lambda d: (round(pressure.get(d.id, 0.0), 9), d.id))
    earliest = None
    if not free and blocked and with_earliest:
        earliest = await _earliest(session, [d for d in dynos if d.enabled], window)
    return Answer(
        [(d.name, pressure.get(d.id, 0.0)) for d in free],
        blocked,
        earliest,
        len(dynos),
        len(free),
    )


def _reason(
    dyno: Dyno,
    window: Window,
    bookings: list[Allocation],
    maintenance: list[MaintenanceWindow],
) -> tuple[str, str] | None:
    if not dyno.enabled:
        return "disabled", "disabled"
    if (dyno.available_from and window.start < dyno.available_from) or (
        dyno.available_to and window.end > dyno.available_to
    ):
        span = f"{dyno.available_from or 'open'} to {dyno.available_to or 'open'}"
        return "outside_window", f"commissioned {span}"
    if maintenance:
        return "maintenance", "maintenance " + ", ".join(
            f"{m.start_date} to {m.end_date}" for m in maintenance
        )
    if bookings:
        return "busy", "booked " + ", ".join(
            f"#{a.id} {a.start_date} to {a.end_date}" for a in bookings
        )
    return None


async def _allocations(
    session: AsyncSession, ids: list[int], window: Window
) -> dict[int, list[Allocation]]:
    query = (
        select(Allocation)
        .where(
            Allocation.dyno_id.in_(ids),
            Allocation.status != AllocationStatus.cancelled,
            Allocation.start_date <= window.end,
            Allocation.end_date >= window.start,
        )
        .order_by(Allocation.start_date)
    )
    grouped: dict[int, list[Allocation]] = defaultdict(list)
    for a in await session.scalars(query):
        grouped[a.dyno_id or 0].append(a)
    return grouped


async def _maintenance(
    session: AsyncSession, ids: list[int], window: Window
) -> dict[int, list[MaintenanceWindow]]:
    query = (
        select(MaintenanceWindow)
        .where(
            MaintenanceWindow.dyno_id.in_(ids),
            MaintenanceWindow.start_date <= window.end,
            MaintenanceWindow.end_date >= window.start,
        )
        .order_by(MaintenanceWindow.start_date)
    )
    grouped: dict[int, list[MaintenanceWindow]] = defaultdict(list)
    for m in await session.scalars(query):
        grouped[m.dyno_id].append(m)
    return grouped


async def _earliest(
    session: AsyncSession, dynos: list[Dyno], window: Window
) -> tuple[dt.date, str] | None:
    if not dynos:
        return None
    horizon = Window(window.start, window.start + dt.timedelta(days=HORIZON_DAYS))
    ids = [d.id for d in dynos]
    busy: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for dyno_id, rows in (await _allocations(session, ids, horizon)).items():
        busy[dyno_id].extend((a.start_date, a.end_date) for a in rows)
    for dyno_id, windows in (await _maintenance(session, ids, horizon)).items():
        busy[dyno_id].extend((m.start_date, m.end_date) for m in windows)
    best: tuple[dt.date, str] | None = None
    length = dt.timedelta(days=window.days - 1)
    for dyno in dynos:
        candidate = max(window.start, dyno.available_from or window.start)
        for block_start, block_end in sorted(busy[dyno.id]):
            if candidate + length < block_start:
                break
            if block_end >= candidate:
                candidate = block_end + dt.timedelta(days=1)
        if dyno.available_to and candidate + length > dyno.available_to:
            continue
        if candidate <= horizon.end and (best is None or candidate < best[0]):
            best = (candidate, dyno.name)
    return best


def answer_of(result: object) -> Answer:
    """The new engine's `Availability` as an `Answer`."""
    from dyno_agent.scheduling.availability import Availability

    assert isinstance(result, Availability)
    return Answer(
        [(d.name, result.pressure[d.id]) for d in result.free],
        [(b.dyno.name, b.reason, b.detail) for b in result.blocked],
        (result.earliest_start, result.earliest_dyno.name)
        if result.earliest_start and result.earliest_dyno
        else None,
        result.compatible_count,
        result.free_count,
    )


def same(new: Answer, old: Answer, *, limit: int, explained: bool) -> bool:
    """Whether the new answer (best `limit`, reasons when `explained` or none free) says what
    the old one says."""
    expected = old.head(limit)
    if not explained and old.free:
        expected.blocked = []
    if (len(new.free), new.compatible, new.free_count) != (
        len(expected.free),
        expected.compatible,
        expected.free_count,
    ):
        return False
    for (name, p), (old_name, old_p) in zip(new.free, expected.free, strict=True):
        if name != old_name or abs(p - old_p) > 1e-9:
            return False
    return new.blocked == expected.blocked and new.earliest == expected.earliest
