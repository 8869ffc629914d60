"""Which dynos are free for a test, and when nothing is, why and from when."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling import vehicles
from dyno_agent.scheduling.lab_rules import (
    VERSION_COLUMNS,
    VERSION_FROM,
    LabRules,
    Ranking,
    lab_rules,
)
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationStatus,
    Dyno,
    MaintenanceWindow,
)
from dyno_agent.scheduling.suggestions import test_type_hint
from dyno_agent.scheduling.vocab import (
    normalize_drive_type,
    normalize_test_type,
    resolve_weight_class,
)
from dyno_agent.scheduling.windows import Window, booking_window

BlockReason = Literal["disabled", "outside_window", "maintenance", "busy"]
SEARCH_HORIZON_DAYS = 730
DEFAULT_LIMIT = 20  # free dynos in an answer, best first


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


@dataclass(frozen=True)
class VehicleClash:
    """The asked-for vehicle's own booking overlapping the window: it can take no other test."""

    allocation_id: int
    vehicle: str
    test_type: str
    start: dt.date
    end: dt.date
    dyno: str | None

    def describe(self) -> str:
        on = f" on {self.dyno}" if self.dyno else ""
        return (
            f"Vehicle {self.vehicle} is already booked from {self.start} to {self.end}{on} "
            f"(allocation {self.allocation_id}, {self.test_type})"
        )

    def details(self) -> dict[str, object]:
        return {
            "allocation_id": self.allocation_id,
            "vehicle": self.vehicle,
            "test_type": self.test_type,
            "dyno": self.dyno,
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
        }


@dataclass
class Availability:
    need: Need
    window: Window
    free: list[Dyno]  # best first (lowest pressure, then id), at most `limit` of them
    blocked: list[Blocked]  # filled when nothing is free or when asked (`explain`)
    pressure: dict[int, float]
    earliest_start: dt.date | None = None
    earliest_dyno: Dyno | None = None
    known_test_types: list[str] = field(default_factory=list)
    free_count: int = 0  # all free compatible dynos, `free` holds the best of them
    compatible_count: int = 0
    # For a vehicle already booked in the window: that booking; nothing is free for it then.
    vehicle_clash: VehicleClash | None = None
    suggestions: list[str] = field(default_factory=list)  # known test types like an unknown one
    hint: str | None = None  # "Did you mean ...?" for a test type no dyno knows

    @property
    def compatible(self) -> bool:
        return self.compatible_count > 0

    @property
    def blocked_count(self) -> int:
        return self.compatible_count - self.free_count

    def explain(self) -> str:
        if self.compatible and self.vehicle_clash is not None:
            text = f"{self.vehicle_clash.describe()}: no dyno can take it in this window."
            if self.earliest_start and self.earliest_dyno:
                text += (
                    f" The earliest it and a compatible dyno are free for {self.window.days} "
                    f"day(s) is {self.earliest_start} on {self.earliest_dyno.name}."
                )
            return text
        if self.free:
            names = ", ".join(d.name for d in self.free)
            more = f" (best {len(self.free)} shown)" if self.free_count > len(self.free) else ""
            return f"{self.free_count} dyno(s) free{more}: {names}."
        if not self.compatible:
            text = f"No dyno is compatible with {self.need.describe()}."
            return f"{text} {self.hint}" if self.hint else text
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
            **({"suggestions": self.suggestions} if self.hint else {}),
            **(
                {"vehicle_clash": self.vehicle_clash.details()}
                if self.vehicle_clash and self.compatible
                else {}
            ),
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
    limit: int = DEFAULT_LIMIT,
    explain: bool = False,
) -> Availability:
    """Compatible, enabled, commissioned, maintenance-free and unbooked dynos for the window: the
    best `limit` and how many; why the others are not free when none is or when `explain`."""
    need = Need.of(test_type, drive_type, weight_lbs, weight_class)
    window = booking_window(start_date, end_date=end_date)
    return await availability_for(session, need, window, limit=limit, explain_blocked=explain)


async def find_available_dynos_for(
    session: AsyncSession,
    *,
    start_date: dt.date,
    end_date: dt.date,
    test_type: str,
    vehicle_id: int | None = None,
    vin: str | None = None,
    tag: str | None = None,
    drive_type: str | None = None,
    weight_lbs: int | None = None,
    weight_class: str | None = None,
    limit: int = DEFAULT_LIMIT,
    explain: bool = False,
) -> Availability:
    """Availability for a named vehicle (its drive type and weight class; its own booking in the
    window comes first: then nothing is free for it) or for a drive type and weight."""
    if vehicle_id is None and vin is None and tag is None:
        if drive_type is None:
            raise InvalidInput(
                "Give the vehicle (vehicle_id, tag or vin) or its drive_type and weight.",
                field="drive_type",
            )
        return await find_available_dynos(
            session,
            start_date=start_date,
            end_date=end_date,
            test_type=test_type,
            drive_type=drive_type,
            weight_lbs=weight_lbs,
            weight_class=weight_class,
            limit=limit,
            explain=explain,
        )
    if drive_type is not None or weight_lbs is not None or weight_class is not None:
        field_name = "drive_type" if drive_type is not None else "weight_lbs"
        raise InvalidInput(
            "Give the vehicle (vehicle_id, tag or vin) or its drive_type and weight, not both.",
            field=field_name,
        )
    vehicle = await vehicles.resolve_vehicle(session, vehicle_id=vehicle_id, vin=vin, tag=tag)
    need = Need.of(test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    window = booking_window(start_date, end_date=end_date)
    search = await Search.start(session, need, window, vehicle_id=vehicle.id)
    if not search.compatible or not search.vehicle_bookings:
        result = await search.evaluate(window, limit=limit, explain=explain)
        await search.explain(result)
        return result
    first = search.vehicle_bookings[0][0]
    clashing = (
        await session.execute(
            select(Allocation.test_type, Allocation.start_date, Allocation.end_date, Dyno.name)
            .outerjoin(Dyno, Dyno.id == Allocation.dyno_id)
            .where(Allocation.id == first)
        )
    ).one()
    result = Availability(need, window, [], [], {}, compatible_count=len(search.ranking.order))
    result.vehicle_clash = VehicleClash(first, vehicle.label, *clashing)
    found = await _earliest_for_vehicle(session, search, vehicle.id, window)
    if found:
        result.earliest_start, result.earliest_dyno = found
    return result


_VEHICLE_TRIES = 20  # the vehicle's later bookings stepped over before giving up


async def _earliest_for_vehicle(
    session: AsyncSession, search: Search, vehicle_id: int, window: Window
) -> tuple[dt.date, Dyno] | None:
    """The earliest start from the window's on which both the vehicle and a compatible enabled
    dyno are free for the window's length."""
    horizon = Window(window.start, window.start + dt.timedelta(days=SEARCH_HORIZON_DAYS))
    query = (
        select(Allocation.start_date, Allocation.end_date)
        .where(
            Allocation.vehicle_id == vehicle_id,
            Allocation.status != AllocationStatus.cancelled,
            Allocation.end_date >= horizon.start,
        )
        .order_by(Allocation.start_date)
    )
    taken = [(row[0], row[1]) for row in await session.execute(query)]
    loaded = await _load_dynos(session, list(search.ranking.order))
    dynos = [d for d in loaded.values() if d.enabled and search.need.admits(d)]
    start, length = window.start, window.end - window.start
    for _ in range(_VEHICLE_TRIES):
        start = _first_gap(taken, start, window.days, None) or start  # the vehicle is free
        found = await earliest_free(session, dynos, Window(start, start + length))
        if found is None or _first_gap(taken, found[0], window.days, None) == found[0]:
            return found  # none, or a dyno free while the vehicle is too
        start = found[0]
    return None


async def availability_for(
    session: AsyncSession,
    need: Need,
    window: Window,
    *,
    ignore_allocation: int | None = None,
    explain: bool = True,
    limit: int = DEFAULT_LIMIT,
    explain_blocked: bool = False,
) -> Availability:
    """Availability for a validated need and window (`ignore_allocation`: the one being moved).
    With `explain=False` the earliest-free search is skipped (callers that only need free dynos);
    `explain_blocked` lists the reasons of blocked dynos even when some are free."""
    search = await Search.start(session, need, window, ignore_allocation)
    result = await search.evaluate(window, limit=limit, explain=explain_blocked)
    if explain:
        await search.explain(result)
    return result


@dataclass
class Search:
    """The compatible dynos ranked (from the cached rules snapshot) and the per-day busy bitmaps
    of a span, read in one round trip, so many windows inside the span (backup shifts) are
    evaluated without reading the bookings; only the dynos in the answer are loaded."""

    session: AsyncSession
    need: Need
    span: Window
    ignore_allocation: int | None
    rules: LabRules
    ranking: Ranking
    busy: dict[dt.date, int] = field(default_factory=dict)
    # With `vehicle_id`: the vehicle's non-cancelled bookings in the span, (id, start, end).
    vehicle_bookings: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)

    @classmethod
    async def start(
        cls,
        session: AsyncSession,
        need: Need,
        span: Window,
        ignore_allocation: int | None = None,
        *,
        vehicle_id: int | None = None,
        vehicle_lock: int | None = None,
    ) -> Search:
        """`vehicle_id`: also read that vehicle's bookings in the span; `vehicle_lock`: and take
        its transaction-level advisory lock in that lock space (the booking's), first."""
        params = {"start": span.start, "end": span.end, "vehicle": vehicle_id or 0}
        if vehicle_lock is not None:
            params["space"] = vehicle_lock
        query = _START if vehicle_lock is None else _START_LOCKED
        row = (await session.execute(query, params)).one()
        rules = await lab_rules(session, tuple(row[:4]))
        ranking = rules.ranking(need.test_type, need.drive_type, need.weight_class, need.facility)
        search = cls(session, need, span, ignore_allocation, rules, ranking)
        search.busy = _decode(row[4], row[5])
        mine = zip(row[6] or [], row[7] or [], row[8] or [], strict=True)
        search.vehicle_bookings = sorted(mine, key=lambda b: (b[1], b[0]))
        await search._unmark_ignored()
        return search

    @property
    def compatible(self) -> bool:
        return bool(self.ranking.order)

    async def reload(self, *, refresh: bool = False) -> None:
        """Read the busy bitmaps again (after a lost race: they are never stale, `refresh` is
        kept for callers)."""
        row = await self.session.execute(_BUSY, {"start": self.span.start, "end": self.span.end})
        days, bits = row.one()
        self.busy = _decode(days, bits)
        await self._unmark_ignored()

    async def _unmark_ignored(self) -> None:
        """The booking being moved does not block its own dyno (bookings of a dyno never
        overlap, so its days hold only its own bit)."""
        if self.ignore_allocation is None:
            return
        moved = await self.session.get(Allocation, self.ignore_allocation)
        if moved is None or moved.dyno_id is None or moved.status == AllocationStatus.cancelled:
            return
        bit = 1 << moved.dyno_id
        for day, mask in self.busy.items():
            if moved.start_date <= day <= moved.end_date:
                self.busy[day] = mask & ~bit

    def free_mask(self, window: Window) -> int:
        busy = 0
        for offset in range(window.days):
            busy |= self.busy.get(window.start + dt.timedelta(days=offset), 0)
        outside = self.ranking.outside_mask(window.start, window.end)
        return self.ranking.mask & self.rules.enabled_mask & ~busy & ~outside

    def best(self, free: int, limit: int, exclude: Collection[int] = ()) -> list[int]:
        found: list[int] = []
        for dyno_id in self.ranking.order:
            if len(found) >= limit:
                break
            if free >> dyno_id & 1 and dyno_id not in exclude:
                found.append(dyno_id)
        return found

    async def evaluate(
        self,
        window: Window,
        *,
        limit: int = DEFAULT_LIMIT,
        exclude: Collection[int] = (),
        explain: bool = False,
    ) -> Availability:
        """The best `limit` free dynos for the window (not in `exclude`); the blocked ones with
        their reasons when none is free or when `explain`."""
        free = self.free_mask(window)
        for dyno_id in exclude:
            free &= ~(1 << dyno_id)
        best = self.best(free, limit)
        blocked_ids = (
            [i for i in sorted(self.ranking.order) if not free >> i & 1]
            if explain or not best
            else []
        )
        loaded = await _load_dynos(self.session, best + blocked_ids)
        result = Availability(
            self.need,
            window,
            [loaded[i] for i in best],
            [],
            {i: self.ranking.pressure[i] for i in best},
            free_count=free.bit_count(),
            compatible_count=len(self.ranking.order),
        )
        if blocked_ids:
            result.blocked = await self._reasons([loaded[i] for i in blocked_ids], window)
        return result

    async def _reasons(self, dynos: list[Dyno], window: Window) -> list[Blocked]:
        ids = [d.id for d in dynos]
        bookings = await overlapping_allocations(
            self.session, ids, window, self.ignore_allocation, refresh=True
        )
        maintenance = await overlapping_maintenance(self.session, ids, window, refresh=True)
        blocked = []
        for dyno in dynos:
            reason = block_reason(
                dyno, window, bookings.get(dyno.id, []), maintenance.get(dyno.id, [])
            )
            if reason is not None:
                blocked.append(reason)
        return blocked

    async def explain(self, result: Availability) -> None:
        """Fill in the earliest free start (when nothing is free) or the known test types (when
        nothing is compatible)."""
        if not result.free and result.blocked:
            candidates = [b.dyno for b in result.blocked if b.dyno.enabled]
            found = await earliest_free(
                self.session, candidates, result.window, self.ignore_allocation
            )
            if found:
                result.earliest_start, result.earliest_dyno = found
        if not self.ranking.order:
            result.known_test_types = list(self.rules.test_types)
            hint = test_type_hint(self.need.test_type, result.known_test_types)
            if hint is not None:
                result.hint, result.suggestions = hint


_BUSY_DAYS = (
    "SELECT array_agg(day ORDER BY day), array_agg(dynos ORDER BY day) FROM dyno_busy_days"
    " WHERE day BETWEEN :start AND :end"
)
_BUSY = text(_BUSY_DAYS)
_VEHICLE_BOOKINGS = (
    "SELECT array_agg(id), array_agg(start_date), array_agg(end_date) FROM allocations"
    " WHERE vehicle_id = :vehicle AND status <> 'cancelled'"
    " AND start_date <= :end AND end_date >= :start"
)
_START_SQL = (
    f"SELECT {VERSION_COLUMNS}, busy.*, mine.* FROM {VERSION_FROM}"
    f" CROSS JOIN LATERAL ({_BUSY_DAYS}) busy CROSS JOIN LATERAL ({_VEHICLE_BOOKINGS}) mine"
)
_START = text(_START_SQL)
# The lock is taken (an InitPlan, run once) before the rows are read.
_START_LOCKED = text(
    _START_SQL + " WHERE (SELECT pg_advisory_xact_lock(:space, :vehicle)::text) IS NOT NULL"
)


def _decode(days: list[dt.date] | None, bits: list[bytes] | None) -> dict[dt.date, int]:
    return {day: int.from_bytes(b, "little") for day, b in zip(days or [], bits or [], strict=True)}


async def _load_dynos(session: AsyncSession, ids: list[int]) -> dict[int, Dyno]:
    if not ids:
        return {}
    return {d.id: d for d in await session.scalars(select(Dyno).where(Dyno.id.in_(ids)))}


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
    blocks: list[tuple[dt.date, dt.date]], start: dt.date, days: int, dyno: Dyno | None
) -> dt.date | None:
    """The first start on or after `start` with `days` days clear of `blocks` (sorted), within
    the dyno's commissioning window (any day without one)."""
    candidate = start if dyno is None else max(start, dyno.available_from or start)
    length = dt.timedelta(days=days - 1)
    for block_start, block_end in blocks:
        if candidate + length < block_start:
            break
        if block_end >= candidate:
            candidate = block_end + dt.timedelta(days=1)
    if dyno is not None and dyno.available_to and candidate + length > dyno.available_to:
        return None
    return candidate
