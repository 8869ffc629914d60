"""Recurring bookings: book a series (all or nothing, or with per-occurrence backup), show it,
and cancel or move it as a whole or one occurrence at a time.

Each occurrence is booked by the ordinary booking path (`booking.book_on_dyno` on the preferred
dyno, else `booking.auto_allocate`), so PostgreSQL's exclusion constraints stay the guarantee
against double bookings, also between two series booked at once. The series prefers one dyno: the
compatible dyno free for the most occurrences (ties: the usual best-first ranking); an occurrence
it cannot take goes to the best free one. Everything runs in one savepoint of the caller's
transaction: a preview rolls it back and returns what would happen; a refused series (any
occurrence in `all_or_nothing` mode, or all of them) rolls it back and raises `SeriesConflicts`
naming every occurrence that did not fit and why.

Cancelling or moving a series touches its open occurrences (scheduled or delayed) that start today
or later; running, completed and earlier ones stay. An occurrence cancelled or moved on its own
stays in the series.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.config import get_settings
from dyno_agent.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SeriesConflicts,
    SeriesNotFound,
)
from dyno_agent.scheduling import booking, clock, dynos, vehicles
from dyno_agent.scheduling.availability import Need, Search
from dyno_agent.scheduling.models import (
    MOVABLE_STATUSES,
    Allocation,
    Dyno,
    Vehicle,
)
from dyno_agent.scheduling.windows import Window, booking_window
from dyno_agent.series.models import BookingSeries, SeriesMode, SeriesStatus
from dyno_agent.series.pattern import occurrence_dates, occurrence_length, parse_pattern
from dyno_agent.series.schemas import SeriesCreate


@dataclass
class Occurrence:
    """One date of a series: where it was (or would be) booked, or why it could not be."""

    index: int
    requested_start: dt.date
    requested_end: dt.date
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    shift_days: int = 0
    dyno_id: int | None = None
    dyno_name: str | None = None
    allocation_id: int | None = None
    problem: dict[str, str] | None = None

    def as_detail(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start_date": self.requested_start.isoformat(),
            "end_date": self.requested_end.isoformat(),
            **(self.problem or {}),
        }


@dataclass
class SeriesBooking:
    series: BookingSeries | None  # None for a preview
    pattern: str
    dyno_name: str | None
    occurrences: list[Occurrence]

    @property
    def booked(self) -> int:
        return sum(o.problem is None for o in self.occurrences)

    @property
    def skipped(self) -> int:
        return len(self.occurrences) - self.booked

    @property
    def message(self) -> str:
        verb = "Booked" if self.series is not None else "Would book"
        text = f"{verb} {self.booked} of {len(self.occurrences)} occurrence(s) ({self.pattern})"
        text += f", on {self.dyno_name} where free." if self.dyno_name else "."
        if self.skipped:
            dates = ", ".join(o.requested_start.isoformat() for o in self.occurrences if o.problem)
            text += f" No free compatible dyno on: {dates}."
        return text


@dataclass(frozen=True)
class OccurrenceChange:
    """An occurrence as it was, and where a move puts it (the same for a cancel)."""

    allocation_id: int
    status: str
    dyno_name: str | None
    start_date: dt.date
    end_date: dt.date
    new_dyno_name: str | None = None
    new_start_date: dt.date | None = None
    new_end_date: dt.date | None = None


@dataclass
class SeriesChange:
    series_id: int
    changed: list[OccurrenceChange] = field(default_factory=list)
    kept: list[OccurrenceChange] = field(default_factory=list)
    preview: bool = False
    message: str = ""


async def book_series(
    session: AsyncSession, actor: Actor, data: SeriesCreate, *, preview: bool = False
) -> SeriesBooking:
    """Book every occurrence of the pattern (or say what would be booked, with `preview`)."""
    vehicle = await vehicles.resolve_vehicle(
        session, vehicle_id=data.vehicle_id, vin=data.vin, tag=data.tag
    )
    pattern = parse_pattern(data.pattern)
    start = data.start_date or clock.today()
    days = occurrence_length(pattern, data.days_to_complete)
    windows = [booking_window(d, days=days) for d in occurrence_dates(pattern, start)]
    _ensure_apart(windows)
    mode = SeriesMode(data.mode)
    shift = data.max_shift_days if mode is SeriesMode.backup else 0
    limit = get_settings().max_backup_days
    if shift > limit:
        raise InvalidInput(f"max_shift_days must be at most {limit}.", field="max_shift_days")
    need = Need.of(data.test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    pinned = await dynos.resolve_dyno(session, data.dyno) if data.dyno is not None else None
    span = Window(windows[0].start, windows[-1].shifted(shift).end)
    search = await Search.start(session, need, span)
    preferred = pinned or await _preferred_dyno(session, search, windows)

    nested = await session.begin_nested()
    try:
        series = BookingSeries(
            vehicle_id=vehicle.id,
            test_type=need.test_type,
            pattern=pattern.describe(),
            rule=str(pattern.rule(start)),
            start_date=start,
            days=days,
            count=pattern.count,
            until=pattern.end(start),
            mode=mode.value,
            max_shift_days=shift,
            dyno_id=preferred.id if preferred else None,
            created_by=actor.user_id,
        )
        if series.count is None and series.until is None:
            series.count = len(windows)
        session.add(series)
        await session.flush()
        placer = _Placer(session, actor, vehicle, need, search, preferred, pinned, shift)
        occurrences = [await placer.place(i, w, series.id) for i, w in enumerate(windows, 1)]
        preferred_name = preferred.name if preferred else None
        result = SeriesBooking(series, series.pattern, preferred_name, occurrences)
        if preview:
            await nested.rollback()
            result.series = None
            return result
        refused = [o for o in occurrences if o.problem]
        if refused and (mode is SeriesMode.all_or_nothing or len(refused) == len(occurrences)):
            raise _conflicts(result, refused, mode)
        await nested.commit()
        return result
    finally:
        if nested.is_active:
            await nested.rollback()


def _ensure_apart(windows: list[Window]) -> None:
    for before, after in itertools.pairwise(windows):
        if after.start <= before.end:
            raise InvalidInput(
                f"Occurrences of {before.days} day(s) would overlap (one starts {before.start}, "
                f"the next {after.start}); shorten them or repeat less often.",
                field="days_to_complete",
            )


async def _preferred_dyno(
    session: AsyncSession, search: Search, windows: list[Window]
) -> Dyno | None:
    """The compatible dyno free for the most occurrences; the best-ranked one on a tie."""
    counts = dict.fromkeys(search.ranking.order, 0)
    for window in windows:
        free = search.free_mask(window)
        for dyno_id in counts:
            counts[dyno_id] += free >> dyno_id & 1
    if not counts or max(counts.values()) == 0:
        return None
    best = max(counts, key=lambda i: counts[i])  # first of the highest: the better ranked
    return await session.get(Dyno, best)


@dataclass
class _Placer:
    session: AsyncSession
    actor: Actor
    vehicle: Vehicle
    need: Need
    search: Search
    preferred: Dyno | None
    pinned: Dyno | None
    shift: int

    async def place(self, index: int, window: Window, series_id: int) -> Occurrence:
        occurrence = Occurrence(index, window.start, window.end)
        try:
            async with self.session.begin_nested():
                allocation, shifted = await self._book(window)
                allocation.series_id = series_id
                await self.session.flush()
        except DomainError as exc:
            occurrence.problem = {"reason": exc.code, "message": exc.message}
            return occurrence
        occurrence.start_date, occurrence.end_date = allocation.start_date, allocation.end_date
        occurrence.shift_days = shifted
        occurrence.allocation_id = allocation.id
        occurrence.dyno_id = allocation.dyno_id
        occurrence.dyno_name = allocation.dyno.name if allocation.dyno else None
        return occurrence

    async def _book(self, window: Window) -> tuple[Allocation, int]:
        if self.pinned is not None:
            return await self._on_pinned(window, self.pinned)
        preferred = self.preferred
        if preferred is not None and self.search.free_mask(window) >> preferred.id & 1:
            try:
                async with self.session.begin_nested():
                    return await self._on(preferred, window), 0
            except DomainError:
                pass  # taken meanwhile (or the vehicle is busy): the ordinary path says why
        result = await booking.auto_allocate(
            self.session,
            self.actor,
            test_type=self.need.test_type,
            start_date=window.start,
            days_to_complete=window.days,
            vehicle_id=self.vehicle.id,
            backup=self.shift > 0,
            max_backup_days=self.shift,
        )
        return result.allocation, result.shift_days

    async def _on_pinned(self, window: Window, dyno: Dyno) -> tuple[Allocation, int]:
        for shift in range(self.shift + 1):
            try:
                async with self.session.begin_nested():
                    return await self._on(dyno, window.shifted(shift)), shift
            except DomainError:
                if shift == self.shift:
                    raise
        raise AssertionError("unreachable")

    async def _on(self, dyno: Dyno, window: Window) -> Allocation:
        return await booking.book_on_dyno(
            self.session,
            self.actor,
            dyno=dyno.id,
            test_type=self.need.test_type,
            start_date=window.start,
            end_date=window.end,
            vehicle_id=self.vehicle.id,
        )


def _conflicts(
    result: SeriesBooking, refused: list[Occurrence], mode: SeriesMode
) -> SeriesConflicts:
    total = len(result.occurrences)
    lines = "; ".join(
        f"{o.requested_start}: {o.problem['message'] if o.problem else ''}" for o in refused
    )
    how = "" if mode is SeriesMode.backup else " (all or nothing)"
    return SeriesConflicts(
        f"{len(refused)} of the series' {total} occurrence(s) have no free compatible dyno; "
        f"nothing was booked{how}. {lines}",
        pattern=result.pattern,
        occurrences=[o.as_detail() for o in refused],
    )


# Reading ------------------------------------------------------------------------------------------
async def get_series(
    session: AsyncSession, series_id: int, *, for_update: bool = False
) -> BookingSeries:
    query = select(BookingSeries).where(BookingSeries.id == series_id)
    if for_update:
        query = query.with_for_update()
    series = await session.scalar(query)
    if series is None:
        raise SeriesNotFound(f"Series {series_id} does not exist.", series_id=series_id)
    return series


async def series_allocations(session: AsyncSession, series_id: int) -> list[Allocation]:
    """The occurrences of a series, any status, earliest first."""
    query = (
        select(Allocation)
        .where(Allocation.series_id == series_id)
        .options(joinedload(Allocation.vehicle), joinedload(Allocation.dyno))
        .order_by(Allocation.start_date, Allocation.id)
    )
    return list(await session.scalars(query))


async def series_vehicle(session: AsyncSession, series: BookingSeries) -> Vehicle:
    vehicle = await session.get(Vehicle, series.vehicle_id)
    assert vehicle is not None  # the foreign key cascades
    return vehicle


async def list_series(
    session: AsyncSession, *, vehicle_id: int | None = None, limit: int = 50
) -> list[BookingSeries]:
    query = select(BookingSeries).order_by(BookingSeries.id.desc()).limit(limit)
    if vehicle_id is not None:
        query = query.where(BookingSeries.vehicle_id == vehicle_id)
    return list(await session.scalars(query))


# Cancelling and moving ----------------------------------------------------------------------------
def ensure_can_change(actor: Actor, series: BookingSeries) -> None:
    """A `user` changes only the series it booked; `power_user` and `admin` change any."""
    if actor.has_role(Role.power_user) or series.created_by == actor.user_id:
        return
    raise PermissionDenied(
        f"Series {series.id} belongs to someone else; only its owner or a power user can change "
        "it.",
        series_id=series.id,
    )


async def cancel_series(
    session: AsyncSession,
    actor: Actor,
    series_id: int,
    *,
    allocation_id: int | None = None,
    from_date: dt.date | None = None,
) -> SeriesChange:
    """Cancel the series' open occurrences from today (or `from_date`) on, or just one."""
    series = await get_series(session, series_id, for_update=True)
    ensure_can_change(actor, series)
    occurrences = await series_allocations(session, series.id)
    targets = open_targets(series, occurrences, allocation_id, from_date)
    change = SeriesChange(series.id, kept=[_snapshot(a) for a in occurrences if a not in targets])
    for allocation in targets:
        cancelled = await booking.cancel_allocation(session, actor, allocation.id)
        change.changed.append(_snapshot(cancelled))
    if allocation_id is None and (from_date is None or from_date <= clock.today()):
        series.status = SeriesStatus.cancelled.value
        await session.flush()
    change.message = f"Cancelled {len(change.changed)} occurrence(s) of series {series.id}" + (
        f"; {len(change.kept)} left as they were." if change.kept else "."
    )
    return change


async def move_series(
    session: AsyncSession,
    actor: Actor,
    series_id: int,
    shift_days: int,
    *,
    allocation_id: int | None = None,
    from_date: dt.date | None = None,
    preview: bool = False,
) -> SeriesChange:
    """Move the series' open occurrences from today (or `from_date`) on by `shift_days`, each
    on its dyno when free then, else the best free one; all of them or none."""
    if shift_days == 0:
        raise InvalidInput("shift_days must not be 0.", field="shift_days")
    series = await get_series(session, series_id, for_update=True)
    ensure_can_change(actor, series)
    occurrences = await series_allocations(session, series.id)
    targets = open_targets(series, occurrences, allocation_id, from_date)
    change = SeriesChange(
        series.id, kept=[_snapshot(a) for a in occurrences if a not in targets], preview=preview
    )
    # Latest first when moving later (earliest first when earlier), so no occurrence runs into
    # the vehicle's next one before that one has moved out of the way.
    ordered = sorted(targets, key=lambda a: a.start_date, reverse=shift_days > 0)
    problems: list[dict[str, Any]] = []
    nested = await session.begin_nested()
    try:
        for allocation in ordered:
            before = _snapshot(allocation)
            try:
                async with session.begin_nested():
                    moved = await booking.reschedule_allocation(
                        session, actor, allocation.id, shift_days=shift_days
                    )
            except DomainError as exc:
                problems.append(
                    {
                        "allocation_id": allocation.id,
                        "start_date": before.start_date.isoformat(),
                        "reason": exc.code,
                        "message": exc.message,
                    }
                )
                continue
            after = _snapshot(moved)
            change.changed.append(
                OccurrenceChange(
                    **{
                        **before.__dict__,
                        "new_dyno_name": after.dyno_name,
                        "new_start_date": after.start_date,
                        "new_end_date": after.end_date,
                    }
                )
            )
        if problems:
            raise SeriesConflicts(
                f"{len(problems)} of {len(targets)} occurrence(s) cannot move by {shift_days} "
                "day(s); nothing was moved. "
                + "; ".join(f"{p['start_date']}: {p['message']}" for p in problems),
                series_id=series.id,
                occurrences=problems,
            )
        if preview:
            await nested.rollback()
        else:
            await nested.commit()
    finally:
        if nested.is_active:
            await nested.rollback()
    change.changed.sort(key=lambda c: c.start_date)
    verb = "Would move" if preview else "Moved"
    change.message = (
        f"{verb} {len(change.changed)} occurrence(s) of series {series.id} by {shift_days} day(s)."
    )
    return change


def open_targets(
    series: BookingSeries,
    occurrences: list[Allocation],
    allocation_id: int | None = None,
    from_date: dt.date | None = None,
) -> list[Allocation]:
    """What a cancel or a move of the series touches: one occurrence, or the open ones (scheduled
    or delayed) starting today or later (or from `from_date`)."""
    if allocation_id is not None:
        found = [a for a in occurrences if a.id == allocation_id]
        if not found:
            raise NotFound(
                f"Allocation {allocation_id} is not an occurrence of series {series.id}.",
                series_id=series.id,
                allocation_id=allocation_id,
            )
        return found
    cutoff = max(clock.today(), from_date or clock.today())
    return [a for a in occurrences if a.status in MOVABLE_STATUSES and a.start_date >= cutoff]


def _snapshot(allocation: Allocation) -> OccurrenceChange:
    return OccurrenceChange(
        allocation_id=allocation.id,
        status=allocation.status,
        dyno_name=allocation.dyno.name if allocation.dyno else None,
        start_date=allocation.start_date,
        end_date=allocation.end_date,
    )
