"""Which dynos are free for a test, and when nothing is, why and from when."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling import rules
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationStatus,
    Dyno,
    DynoRule,
    MaintenanceWindow,
)
from dyno_agent.scheduling.vocab import (
    normalize_drive_type,
    normalize_test_type,
    resolve_weight_class,
)
from dyno_agent.scheduling.windows import Window, booking_window

BlockReason = Literal["disabled", "outside_window", "maintenance", "busy"]
SEARCH_HORIZON_DAYS = 730


@dataclass(frozen=True)
class Need:
    """What a test needs of a dyno, normalised."""

    test_type: str
    drive_type: str
    weight_class: str
    facility: str | None = None  # the test may only run in this facility (a forecast's rule)

    @classmethod
    def of(
        cls,
        test_type: str,
        drive_type: str,
        weight_lbs: int | None = None,
        weight_class: str | None = None,
        facility: str | None = None,
    ) -> Need:
        return cls(
            normalize_test_type(test_type),
            normalize_drive_type(drive_type),
            resolve_weight_class(weight_lbs, weight_class),
            facility.strip() if facility and facility.strip() else None,
        )

    def describe(self) -> str:
        where = f" in {self.facility}" if self.facility else ""
        return (
            f"{self.test_type} for a {self.drive_type} vehicle of class {self.weight_class}{where}"
        )

    def admits(self, dyno: Dyno) -> bool:
        """Whether the facility rule lets the test run on this (compatible) dyno."""
        return self.facility is None or dyno.facility.casefold() == self.facility.casefold()


@dataclass
class Blocked:
    dyno: Dyno
    reason: BlockReason
    detail: str
    allocation_ids: list[int] = field(default_factory=list)
    maintenance_ids: list[int] = field(default_factory=list)


@dataclass
class Availability:
    need: Need
    window: Window
    free: list[Dyno]  # best first (lowest pressure, then id)
    blocked: list[Blocked]
    pressure: dict[int, float]
    earliest_start: dt.date | None = None
    earliest_dyno: Dyno | None = None
    known_test_types: list[str] = field(default_factory=list)

    @property
    def compatible(self) -> bool:
        return bool(self.free or self.blocked)

    def explain(self) -> str:
        if self.free:
            names = ", ".join(d.name for d in self.free)
            return f"{len(self.free)} dyno(s) free: {names}."
        if not self.compatible:
            return f"No dyno is compatible with {self.need.describe()}."
        parts = [f"{b.dyno.name} ({b.detail})" for b in self.blocked]
        text = "No compatible dyno is free: " + "; ".join(parts) + "."
        if self.earliest_start and self.earliest_dyno:
            text += (
                f" The earliest a compatible dyno is free for {self.window.days} day(s) is "
                f"{self.earliest_start} on {self.earliest_dyno.name}."
            )
        return text

    def details(self) -> dict[str, object]:
        return {
            "test_type": self.need.test_type,
            "drive_type": self.need.drive_type,
            "weight_class": self.need.weight_class,
            "start_date": self.window.start.isoformat(),
            "end_date": self.window.end.isoformat(),
            "compatible": self.compatible,
            "blocked": [
                {"dyno": b.dyno.name, "reason": b.reason, "detail": b.detail} for b in self.blocked
            ],
            "earliest_start": self.earliest_start.isoformat() if self.earliest_start else None,
            "earliest_dyno": self.earliest_dyno.name if self.earliest_dyno else None,
            **({"known_test_types": self.known_test_types} if not self.compatible else {}),
        }


async def find_available_dynos(
    session: AsyncSession,
    *,
    start_date: dt.date,
    end_date: dt.date,
    test_type: str,
    drive_type: str,
    weight_lbs: int | None = None,
    weight_class: str | None = None,
) -> Availability:
    """Compatible, enabled, commissioned, maintenance-free and unbooked dynos for the window."""
    need = Need.of(test_type, drive_type, weight_lbs, weight_class)
    window = booking_window(start_date, end_date=end_date)
    return await availability_for(session, need, window)


async def availability_for(
    session: AsyncSession,
    need: Need,
    window: Window,
    *,
    ignore_allocation: int | None = None,
    explain: bool = True,
) -> Availability:
    """Availability for a validated need and window (`ignore_allocation`: the one being moved).
    With `explain=False` the earliest-free search is skipped (callers that only need free dynos)."""
    search = await Search.start(session, need, window, ignore_allocation)
    result = search.evaluate(window)
    if explain:
        await search.explain(result)
    return result


@dataclass
class Search:
    """Compatible dynos, their pressure and their occupancy over a span, loaded once, so many
    windows inside the span (backup shifts) are evaluated without going back to the database."""

    session: AsyncSession
    need: Need
    span: Window
    ignore_allocation: int | None
    dynos: list[Dyno]
    pressure: dict[int, float]
    bookings: dict[int, list[Allocation]] = field(default_factory=dict)
    maintenance: dict[int, list[MaintenanceWindow]] = field(default_factory=dict)

    @classmethod
    async def start(
        cls, session: AsyncSession, need: Need, span: Window, ignore_allocation: int | None = None
    ) -> Search:
        dynos = [
            dyno
            for dyno in await rules.compatible_dynos(
                session, need.test_type, need.drive_type, need.weight_class
            )
            if need.admits(dyno)
        ]
        pressure = await rules.pressures(session, [d.id for d in dynos], need.test_type)
        search = cls(session, need, span, ignore_allocation, dynos, pressure)
        await search.reload()
        return search

    async def reload(self, *, refresh: bool = False) -> None:
        """Read bookings and maintenance; `refresh` after a lost race, so that rows already in
        the session are overwritten with what other transactions committed since (a booking moved
        onto a candidate would otherwise keep its old dyno and dates here)."""
        ids = [d.id for d in self.dynos]
        self.bookings = await overlapping_allocations(
            self.session, ids, self.span, self.ignore_allocation, refresh=refresh
        )
        self.maintenance = await overlapping_maintenance(
            self.session, ids, self.span, refresh=refresh
        )

    def evaluate(self, window: Window) -> Availability:
        free: list[Dyno] = []
        blocked: list[Blocked] = []
        for dyno in self.dynos:
            bookings = [
                a
                for a in self.bookings.get(dyno.id, [])
                if window.overlaps(a.start_date, a.end_date)
            ]
            maintenance = [
                m
                for m in self.maintenance.get(dyno.id, [])
                if window.overlaps(m.start_date, m.end_date)
            ]
            reason = block_reason(dyno, window, bookings, maintenance)
            (blocked.append(reason) if reason else free.append(dyno))
        free.sort(key=lambda d: (round(self.pressure.get(d.id, 0.0), 9), d.id))
        pressure = {d.id: self.pressure.get(d.id, 0.0) for d in free}
        return Availability(self.need, window, free, blocked, pressure)

    async def explain(self, result: Availability) -> None:
        """Fill in the earliest free start (when nothing is free) or the known test types (when
        nothing is compatible)."""
        if not result.free and result.blocked:
            candidates = [d for d in self.dynos if d.enabled]
            found = await earliest_free(
                self.session, candidates, result.window, self.ignore_allocation
            )
            if found:
                result.earliest_start, result.earliest_dyno = found
        if not self.dynos:
            result.known_test_types = await _known_test_types(self.session)


def block_reason(
    dyno: Dyno,
    window: Window,
    bookings: list[Allocation],
    maintenance: list[MaintenanceWindow],
) -> Blocked | None:
    if not dyno.enabled:
        return Blocked(dyno, "disabled", "disabled")
    if (dyno.available_from and window.start < dyno.available_from) or (
        dyno.available_to and window.end > dyno.available_to
    ):
        span = f"{dyno.available_from or 'open'} to {dyno.available_to or 'open'}"
        return Blocked(dyno, "outside_window", f"commissioned {span}")
    if maintenance:
        spans = ", ".join(f"{m.start_date} to {m.end_date}" for m in maintenance)
        return Blocked(
            dyno, "maintenance", f"maintenance {spans}", maintenance_ids=[m.id for m in maintenance]
        )
    if bookings:
        spans = ", ".join(f"#{a.id} {a.start_date} to {a.end_date}" for a in bookings)
        return Blocked(dyno, "busy", f"booked {spans}", allocation_ids=[a.id for a in bookings])
    return None


async def overlapping_allocations(
    session: AsyncSession,
    dyno_ids: list[int],
    window: Window,
    ignore: int | None = None,
    *,
    refresh: bool = False,
) -> dict[int, list[Allocation]]:
    """Non-cancelled bookings of these dynos overlapping the window, by dyno; `refresh` replaces
    the state of rows already in the session (populate_existing)."""
    query = select(Allocation).where(
        Allocation.dyno_id.in_(dyno_ids),
        Allocation.status != AllocationStatus.cancelled,
        Allocation.start_date <= window.end,
        Allocation.end_date >= window.start,
    )
    if ignore is not None:
        query = query.where(Allocation.id != ignore)
    query = query.order_by(Allocation.start_date).execution_options(populate_existing=refresh)
    grouped: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in await session.scalars(query):
        grouped[allocation.dyno_id or 0].append(allocation)
    return grouped


async def overlapping_maintenance(
    session: AsyncSession, dyno_ids: list[int], window: Window, *, refresh: bool = False
) -> dict[int, list[MaintenanceWindow]]:
    query = (
        select(MaintenanceWindow)
        .where(
            MaintenanceWindow.dyno_id.in_(dyno_ids),
            MaintenanceWindow.start_date <= window.end,
            MaintenanceWindow.end_date >= window.start,
        )
        .order_by(MaintenanceWindow.start_date)
        .execution_options(populate_existing=refresh)
    )
    grouped: dict[int, list[MaintenanceWindow]] = defaultdict(list)
    for window_row in await session.scalars(query):
        grouped[window_row.dyno_id].append(window_row)
    return grouped


async def earliest_free(
    session: AsyncSession,
    dynos: list[Dyno],
    window: Window,
    ignore_allocation: int | None = None,
) -> tuple[dt.date, Dyno] | None:
    """The earliest start on or after the window's start at which one of `dynos` is free for the
    window's length (within its commissioning window), searching up to two years ahead."""
    if not dynos:
        return None
    horizon = Window(window.start, window.start + dt.timedelta(days=SEARCH_HORIZON_DAYS))
    ids = [d.id for d in dynos]
    busy: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    bookings = await overlapping_allocations(session, ids, horizon, ignore_allocation)
    for dyno_id, allocations in bookings.items():
        busy[dyno_id].extend((a.start_date, a.end_date) for a in allocations)
    for dyno_id, windows in (await overlapping_maintenance(session, ids, horizon)).items():
        busy[dyno_id].extend((m.start_date, m.end_date) for m in windows)
    best: tuple[dt.date, Dyno] | None = None
    for dyno in dynos:
        start = _first_gap(sorted(busy[dyno.id]), window.start, window.days, dyno)
        if start and start <= horizon.end and (best is None or start < best[0]):
            best = (start, dyno)
    return best


def _first_gap(
    blocks: list[tuple[dt.date, dt.date]], start: dt.date, days: int, dyno: Dyno
) -> dt.date | None:
    candidate = max(start, dyno.available_from or start)
    length = dt.timedelta(days=days - 1)
    for block_start, block_end in blocks:
        if candidate + length < block_start:
            break
        if block_end >= candidate:
            candidate = block_end + dt.timedelta(days=1)
    if dyno.available_to and candidate + length > dyno.available_to:
        return None
    return candidate


async def _known_test_types(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(DynoRule.test_type).distinct().order_by(DynoRule.test_type))
    return list(rows)
