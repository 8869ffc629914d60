"""Booking: auto-allocation, booking on a named dyno, cancel, reschedule and status changes.

Every write runs in the caller's transaction and stamps the actor for the audit trigger. The
application checks give precise messages; PostgreSQL's exclusion constraints are the guarantee. A
booking that loses a race to a concurrent one (the insert hits `ex_allocations_dyno_overlap`) is
undone to its savepoint, the bookings are re-read fresh and the next candidate dyno is tried; a dyno
that lost is not tried again for the same window, so a request makes at most one insert per
candidate dyno and window.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient
from sqlalchemy.orm.attributes import set_committed_value

from dyno_agent.approvals import policy as approvals
from dyno_agent.audit import stamp as audit_stamp
from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.config import get_settings
from dyno_agent.db.errors import constraint_name, sqlstate, translate
from dyno_agent.errors import (
    DomainError,
    DynoBusy,
    DynoUnavailable,
    InvalidInput,
    InvalidTransition,
    MaintenanceConflict,
    NoCapacity,
    NotCompatible,
    PermissionDenied,
    VehicleBusy,
)
from dyno_agent.observability import metrics
from dyno_agent.scheduling import audit, clock, dynos, rules, suggestions, vehicles
from dyno_agent.scheduling.allocations import get_allocation
from dyno_agent.scheduling.availability import (
    Need,
    Search,
    block_reason,
    overlapping_allocations,
    overlapping_maintenance,
)
from dyno_agent.scheduling.models import (
    MOVABLE_STATUSES,
    TRANSITIONS,
    Allocation,
    AllocationStatus,
    Dyno,
    Vehicle,
)
from dyno_agent.scheduling.note_text import clean_note, clean_reference
from dyno_agent.scheduling.windows import Window, booking_window
from dyno_agent.waitlist import offers as waitlist_offers

# Constraints a concurrent booking can make us hit between our check and our insert.
_DYNO_RACES = {"ex_allocations_dyno_overlap", "ex_dyno_occupancy_maintenance"}
_VEHICLE_RACE = "ex_allocations_vehicle_overlap"
_DEADLOCK = "40P01"
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:space, :id)")
_VEHICLE_LOCKS, _DYNO_LOCKS = 1, 2
_DEADLOCK_RETRIES = 3
_CLAIM_BATCH = 32  # free dynos offered to one claim: the first not being booked by others wins


@dataclass
class BookingResult:
    allocation: Allocation
    message: str
    shift_days: int = 0


P = ParamSpec("P")
R = TypeVar("R", BookingResult, Allocation)
# What a refused booking counts as (dyno_bookings_total{result}); other refusals are "refused".
_REFUSALS: dict[type[DomainError], str] = {
    NoCapacity: "no_capacity",
    DynoBusy: "no_capacity",  # the named dyno has no room then
    MaintenanceConflict: "no_capacity",
    DynoUnavailable: "no_capacity",
    NotCompatible: "not_compatible",
    VehicleBusy: "vehicle_busy",
}


def _counted(book: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Record the booking's outcome by the actor's channel (placed, shifted or why not)."""

    @functools.wraps(book)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = args[1] if len(args) > 1 else kwargs["actor"]
        assert isinstance(actor, Actor)
        try:
            result = await book(*args, **kwargs)
        except DomainError as exc:
            outcome = next((v for k, v in _REFUSALS.items() if isinstance(exc, k)), "refused")
            metrics.record_booking(actor.channel, outcome)
            raise
        if isinstance(result, BookingResult):
            outcome = "shifted" if result.shift_days else "placed"
            metrics.record_booking(actor.channel, outcome, shift_days=result.shift_days)
        else:
            metrics.record_booking(actor.channel, "placed")
        return result

    return wrapper


def ensure_can_modify(actor: Actor, allocation: Allocation) -> None:
    """A `user` changes only the bookings it made; `power_user` and `admin` change any."""
    if actor.has_role(Role.power_user) or allocation.created_by == actor.user_id:
        return
    raise PermissionDenied(
        f"Allocation {allocation.id} belongs to someone else; only its owner or a power user "
        "can change it.",
        allocation_id=allocation.id,
    )


def ensure_transition(allocation: Allocation, new: AllocationStatus) -> None:
    """Refuse a status change the lifecycle (models.TRANSITIONS) does not allow."""
    current = AllocationStatus(allocation.status)
    if new not in TRANSITIONS[current]:
        allowed = sorted(s.value for s in TRANSITIONS[current])
        waiting = current is AllocationStatus.requested
        raise InvalidTransition(
            f"Allocation {allocation.id} is {current.value}; it cannot become {new.value}"
            + (f" (allowed: {', '.join(allowed)})." if allowed else " (it is final).")
            + (" It is awaiting a power user's approval." if waiting else ""),
            allocation_id=allocation.id,
            status=current.value,
            allowed=allowed,
        )


def ensure_can_happen_on(allocation: Allocation, new: AllocationStatus, day: dt.date) -> None:
    """A test runs from its start date, never before; it completes no earlier than it started."""
    if new is AllocationStatus.running and day < allocation.start_date:
        raise InvalidTransition(
            f"Allocation {allocation.id} starts on {allocation.start_date}; it can be marked "
            f"running from that day on, not today ({day}). Move it (reschedule) to start earlier.",
            allocation_id=allocation.id,
            start_date=allocation.start_date.isoformat(),
            can_start_on=allocation.start_date.isoformat(),
        )
    started = allocation.actual_start_date
    if new is AllocationStatus.completed and started is not None and day < started:
        raise InvalidTransition(
            f"Allocation {allocation.id} started on {started}; it cannot be completed before "
            f"that day (today is {day}).",
            allocation_id=allocation.id,
            actual_start_date=started.isoformat(),
        )


def ensure_movable(allocation: Allocation) -> None:
    """Only scheduled or delayed bookings can be rescheduled."""
    if allocation.status not in MOVABLE_STATUSES:
        raise InvalidTransition(
            f"Allocation {allocation.id} is {allocation.status}; only scheduled or delayed "
            "bookings can be moved.",
            allocation_id=allocation.id,
            status=allocation.status,
        )


@_counted
async def auto_allocate(
    session: AsyncSession,
    actor: Actor,
    *,
    test_type: str,
    start_date: dt.date,
    days_to_complete: int,
    vehicle_id: int | None = None,
    vin: str | None = None,
    tag: str | None = None,
    backup: bool = False,
    max_backup_days: int = 7,
    facility: str | None = None,
    notes: str | None = None,
    reference: str | None = None,
) -> BookingResult:
    """Place the vehicle's test on the best free compatible dyno (in `facility`, when given),
    shifting later if allowed."""
    annotations = _annotations(notes, reference)
    vehicle = await vehicles.resolve_vehicle(session, vehicle_id=vehicle_id, vin=vin, tag=tag)
    need = Need.of(
        test_type, vehicle.drive_type, weight_class=vehicle.weight_class, facility=facility
    )
    requested = booking_window(start_date, days=days_to_complete)
    limit = get_settings().max_backup_days
    if backup and not 0 <= max_backup_days <= limit:
        raise InvalidInput(
            f"max_backup_days must be between 0 and {limit}.", field="max_backup_days"
        )
    shifts = max_backup_days if backup else 0
    search = await Search.start(
        session,
        need,
        Window(requested.start, requested.shifted(shifts).end),
        vehicle_id=vehicle.id,
        vehicle_lock=_VEHICLE_LOCKS,
    )
    if not search.compatible:
        await search.explain(result := await search.evaluate(requested))
        raise NotCompatible(result.explain(), **result.details())  # with any "Did you mean"
    vehicle_clash: int | None = None  # the vehicle's own booking in the requested window
    vehicle_free_somewhere = False
    stamped = False
    for shift in range(shifts + 1):
        window = requested.shifted(shift)
        clash = next((b[0] for b in search.vehicle_bookings if window.overlaps(b[1], b[2])), None)
        if clash is not None:
            vehicle_clash = vehicle_clash or clash
            continue
        vehicle_free_somewhere = True
        lost_here: set[int] = set()  # dynos that lost a race for this window: never retried
        locked: set[int] = set()  # dynos another booking is being placed on: tried last
        waiting = False
        while True:
            skip = lost_here if waiting else lost_here | locked
            candidates = search.best(search.free_mask(window), 1 if waiting else _CLAIM_BATCH, skip)
            if not candidates:
                if locked and not waiting:
                    waiting = True  # only dynos others were placing on are left: wait for them
                    continue
                break
            dyno = await _claim(session, actor, candidates, wait=waiting, stamp=not stamped)
            stamped = stamped or dyno is not None  # the stamp runs only with a row
            if dyno is None:  # all were being booked by others (or deleted): try them last
                (lost_here if waiting else locked).update(candidates)
                continue
            allocation = await _place(session, actor, vehicle, dyno, need, window, annotations)
            if allocation is not None:
                message = (
                    "Allocated in requested window."
                    if shift == 0
                    else f"Allocated with backup shift of {shift} day(s)."
                )
                if allocation.status == AllocationStatus.requested:
                    message += " " + approvals.awaiting_note(dyno)
                return BookingResult(allocation, message, shift)
            metrics.record_booking(actor.channel, "lost_race")
            if await _vehicle_clash(session, vehicle.id, window) is not None:
                raise _race_error(_VEHICLE_RACE, dyno, vehicle)
            lost_here.add(dyno.id)
            await search.reload()  # a concurrent write took it: look again
    result = await search.evaluate(requested)
    if vehicle_clash is not None and (result.free or not vehicle_free_somewhere):
        clashing = await session.get(Allocation, vehicle_clash)
        assert clashing is not None
        raise _vehicle_busy(vehicle, clashing)
    await search.explain(result)
    message = result.explain()
    if backup and max_backup_days:
        message += f" No start within {max_backup_days} day(s) after {start_date} worked either."
    raise NoCapacity(message, **result.details(), backup_days_tried=shifts)


async def _claim(
    session: AsyncSession, actor: Actor, candidates: list[int], *, wait: bool, stamp: bool
) -> Dyno | None:
    """In one statement: lock and load the first of `candidates` (best first) no other booking
    is being placed on, and stamp the actor for the audit (once). The vehicle is already locked
    (`Search.start(vehicle_lock=...)`), so the order is that of `_lock_slot`. With `wait` (one
    candidate) wait for its lock instead, in a savepoint: this request may already hold the lock
    of a dyno it lost on an earlier day, which the holder of this one may be waiting for; when
    PostgreSQL breaks that deadlock here, the candidate is given up (None) and the transaction
    goes on. Locks are held to the end of the transaction."""
    if wait:
        lock = func.pg_advisory_xact_lock(_DYNO_LOCKS, candidates[0])
        query = select(Dyno, lock).where(Dyno.id == candidates[0])
    else:
        offered = text("unnest(CAST(:candidates AS integer[])) AS c(id)").bindparams(
            candidates=candidates
        )
        lockable = text("pg_try_advisory_xact_lock(:dyno_space, c.id)").bindparams(
            dyno_space=_DYNO_LOCKS
        )
        first_free = (
            select(literal_column("c.id")).select_from(offered).where(lockable).limit(1)
        ).scalar_subquery()
        query = select(Dyno).where(Dyno.id == first_free)
    if stamp:
        query = query.add_columns(*audit_stamp.columns(actor))
    if not wait:
        row = (await session.execute(query)).first()
        return None if row is None else row[0]
    try:
        async with session.begin_nested():
            row = (await session.execute(query)).first()
    except DBAPIError as exc:
        if sqlstate(exc) != _DEADLOCK:
            raise
        return None
    return None if row is None else row[0]


async def _place(
    session: AsyncSession,
    actor: Actor,
    vehicle: Vehicle,
    dyno: Dyno,
    need: Need,
    window: Window,
    annotations: dict[str, str | None] | None = None,
) -> Allocation | None:
    """Insert the booking unless a constraint says the dyno or the vehicle is taken on these
    days (then None, and nothing to undo: no savepoint needed)."""
    query = (
        insert(Allocation)
        .values(
            vehicle_id=vehicle.id,
            dyno_id=dyno.id,
            test_type=need.test_type,
            start_date=window.start,
            end_date=window.end,
            status=approvals.initial_status(actor, dyno).value,
            created_by=actor.user_id,
            **(annotations or {}),
        )
        .on_conflict_do_nothing()
        .returning(Allocation)
    )
    try:
        allocation = (await session.scalars(query)).one_or_none()
    except DBAPIError as exc:
        raise (translate(exc) or exc) from None
    if allocation is not None:
        set_committed_value(allocation, "vehicle", vehicle)
        set_committed_value(allocation, "dyno", dyno)
    return allocation


@_counted
async def book_on_dyno(
    session: AsyncSession,
    actor: Actor,
    *,
    dyno: int | str,
    test_type: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    days_to_complete: int | None = None,
    vehicle_id: int | None = None,
    vin: str | None = None,
    tag: str | None = None,
    notes: str | None = None,
    reference: str | None = None,
) -> Allocation:
    """Book the vehicle's test on one named dyno, or say exactly why it cannot be."""
    annotations = _annotations(notes, reference)
    vehicle = await vehicles.resolve_vehicle(session, vehicle_id=vehicle_id, vin=vin, tag=tag)
    target = await dynos.resolve_dyno(session, dyno)
    need = Need.of(test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    window = booking_window(start_date, days=days_to_complete, end_date=end_date)
    await ensure_dyno_can_take(session, target, need, window)
    clash = await _vehicle_clash(session, vehicle.id, window)
    if clash is not None:
        raise _vehicle_busy(vehicle, clash)
    await audit.stamp(session, actor)
    allocation = _new_allocation(actor, vehicle, target, need, window, annotations)
    lost = await _insert(session, allocation, actor)
    if lost is not None:
        raise _race_error(lost, target, vehicle)
    return allocation


async def cancel_allocation(session: AsyncSession, actor: Actor, allocation_id: int) -> Allocation:
    return await change_status(session, actor, allocation_id, AllocationStatus.cancelled)


async def change_status(
    session: AsyncSession, actor: Actor, allocation_id: int, status: AllocationStatus | str
) -> Allocation:
    """Move an allocation along its lifecycle (see models.TRANSITIONS)."""
    new = AllocationStatus(status)
    allocation = await get_allocation(session, allocation_id, for_update=True)
    ensure_can_modify(actor, allocation)
    ensure_transition(allocation, new)
    if allocation.status == AllocationStatus.requested and new is AllocationStatus.scheduled:
        approvals.ensure_can_decide(actor, allocation_id)  # scheduling a request approves it
        approvals.record_decision(allocation, actor, approvals.APPROVED)
    if new is AllocationStatus.running and allocation.dyno_id is None:
        raise InvalidTransition(
            f"Allocation {allocation_id} has no dyno yet; place it before starting it.",
            allocation_id=allocation_id,
        )
    day = clock.today()
    ensure_can_happen_on(allocation, new, day)
    await audit.stamp(session, actor)
    allocation.status = new.value
    if new is AllocationStatus.running:
        allocation.actual_start_date = day
    elif new is AllocationStatus.completed:
        allocation.actual_end_date = day
    await session.flush()
    if new is AllocationStatus.cancelled:
        await waitlist_offers.offer_freed(session)  # the first waiting request that fits
    metrics.record_status_change(actor.channel, new)
    return allocation


async def reschedule_allocation(
    session: AsyncSession,
    actor: Actor,
    allocation_id: int,
    new_start_date: dt.date | None = None,
    days_to_complete: int | None = None,
    dyno: int | str | None = None,
    *,
    shift_days: int = 0,
    extend_days: int = 0,
) -> Allocation:
    """Move a scheduled or delayed booking in one step: same dyno when it is free then, else the
    best free compatible one (or the named `dyno`). Nothing changes if no dyno can take it.
    The new start is `new_start_date` or the current start moved by `shift_days`; the new length
    is `days_to_complete` or the current length changed by `extend_days`."""
    allocation = await get_allocation(session, allocation_id, for_update=True)
    ensure_can_modify(actor, allocation)
    ensure_movable(allocation)
    start, days = moved_window(
        allocation, new_start_date, days_to_complete, shift_days, extend_days
    )
    window = booking_window(start, days=days)
    vehicle = allocation.vehicle
    need = Need.of(allocation.test_type, vehicle.drive_type, weight_class=vehicle.weight_class)
    clash = await _vehicle_clash(session, vehicle.id, window, ignore=allocation.id)
    if clash is not None:
        raise _vehicle_busy(vehicle, clash)
    target = await _move_target(session, allocation, need, window, dyno)

    await audit.stamp(session, actor)
    try:
        async with session.begin_nested():
            await _lock_slot(session, vehicle.id, target.id)
            allocation.dyno_id = target.id
            allocation.start_date, allocation.end_date = window.start, window.end
            if allocation.status == AllocationStatus.delayed:
                allocation.status = AllocationStatus.scheduled.value
            await session.flush()
    except DBAPIError as exc:
        name = constraint_name(exc)
        if name is None:  # not a lost race: the connection may be gone, so touch nothing more
            raise (translate(exc) or exc) from None
        await session.refresh(allocation)  # undo the move on the object, as in the database
        metrics.record_booking(actor.channel, "lost_race")
        raise _race_error(name, target, vehicle) from None
    allocation.dyno = target
    await waitlist_offers.offer_freed(session)  # days a move or a shortening freed
    metrics.record_move(actor.channel)
    return allocation


def moved_window(
    allocation: Allocation,
    new_start_date: dt.date | None = None,
    days_to_complete: int | None = None,
    shift_days: int = 0,
    extend_days: int = 0,
) -> tuple[dt.date, int]:
    """The start day and length a move asks for, from absolute values or offsets."""
    if new_start_date is not None and shift_days:
        raise InvalidInput("Give new_start_date or shift_days, not both.", field="shift_days")
    if days_to_complete is not None and extend_days:
        raise InvalidInput("Give days_to_complete or extend_days, not both.", field="extend_days")
    try:
        start = new_start_date or allocation.start_date + dt.timedelta(days=shift_days)
    except OverflowError:
        raise InvalidInput(
            "shift_days moves the booking off the calendar.", field="shift_days"
        ) from None
    days = days_to_complete or allocation.days + extend_days
    if days < 1:
        raise InvalidInput(
            f"Allocation {allocation.id} lasts {allocation.days} day(s); it cannot be shortened "
            f"by {-extend_days}.",
            field="extend_days",
        )
    return start, days


async def ensure_dyno_can_take(
    session: AsyncSession, dyno: Dyno, need: Need, window: Window, ignore: int | None = None
) -> None:
    """Raise the precise reason this dyno cannot take the test in the window, if any."""
    if not await rules.is_compatible(
        session, dyno.id, need.test_type, need.drive_type, need.weight_class
    ):
        refusal = NotCompatible(
            f"{dyno.name} cannot run {need.describe()}.",
            dyno=dyno.name,
            test_type=need.test_type,
            drive_type=need.drive_type,
            weight_class=need.weight_class,
        )
        raise await _with_suggestions(session, refusal, need)
    bookings = (await overlapping_allocations(session, [dyno.id], window, ignore))[dyno.id]
    maintenance = (await overlapping_maintenance(session, [dyno.id], window))[dyno.id]
    blocked = block_reason(dyno, window, bookings, maintenance)
    if blocked is None:
        return
    message = f"{dyno.name} is not free from {window.start} to {window.end}: {blocked.detail}."
    details = {"dyno": dyno.name, "reason": blocked.reason}
    if blocked.reason == "busy":
        raise DynoBusy(message, **details, allocation_ids=blocked.allocation_ids)
    if blocked.reason == "maintenance":
        raise MaintenanceConflict(message, **details, maintenance_ids=blocked.maintenance_ids)
    raise DynoUnavailable(message, **details)


async def _with_suggestions(
    session: AsyncSession, error: NotCompatible, need: Need
) -> NotCompatible:
    """When no dyno knows the test type at all, say which known ones are closest."""
    hint = await suggestions.unknown_test_type_hint(session, need.test_type)
    if hint is None:
        return error
    error.message = f"{error.message} {hint['hint']}"
    error.args = (error.message,)
    error.details["suggestions"] = hint["suggestions"]
    return error


async def _move_target(
    session: AsyncSession,
    allocation: Allocation,
    need: Need,
    window: Window,
    dyno: int | str | None,
) -> Dyno:
    if dyno is not None:
        target = await dynos.resolve_dyno(session, dyno)
        await ensure_dyno_can_take(session, target, need, window, ignore=allocation.id)
        return target
    search = await Search.start(session, need, window, ignore_allocation=allocation.id)
    free = search.free_mask(window)
    if allocation.dyno_id is not None and free >> allocation.dyno_id & 1:
        current = await session.get(Dyno, allocation.dyno_id)
        assert current is not None
        return current
    availability = await search.evaluate(window, limit=1)
    if availability.free:
        return availability.free[0]
    await search.explain(availability)
    raise NoCapacity(availability.explain(), **availability.details())


def _annotations(notes: str | None, reference: str | None) -> dict[str, str | None]:
    """A new booking's note and reference, validated before anything is looked up."""
    return {"notes": clean_note(notes), "reference": clean_reference(reference)}


def _new_allocation(
    actor: Actor,
    vehicle: Vehicle,
    dyno: Dyno,
    need: Need,
    window: Window,
    annotations: dict[str, str | None] | None = None,
) -> Allocation:
    return Allocation(
        vehicle=vehicle,
        dyno=dyno,
        test_type=need.test_type,
        start_date=window.start,
        end_date=window.end,
        status=approvals.initial_status(actor, dyno).value,
        created_by=actor.user_id,
        **(annotations or {}),
    )


async def _lock_slot(session: AsyncSession, vehicle_id: int, dyno_id: int | None) -> None:
    """Serialise writers of one vehicle and one dyno, always in that order.

    Without it, two transactions inserting conflicting rows at once can each find the other's
    uncommitted row while checking an exclusion constraint and wait for each other until
    PostgreSQL's deadlock detector (1 s) aborts one. Taken inside the savepoint, the locks are
    released as soon as an attempt is rolled back, so a loser holds nothing while it moves on.
    """
    await session.execute(_ADVISORY_LOCK, {"space": _VEHICLE_LOCKS, "id": vehicle_id})
    if dyno_id is not None:
        await session.execute(_ADVISORY_LOCK, {"space": _DYNO_LOCKS, "id": dyno_id})


async def _insert(session: AsyncSession, allocation: Allocation, actor: Actor) -> str | None:
    """Insert in a savepoint. Returns the constraint of a lost race, or None when placed.
    A deadlock (only possible against writers that skip `_lock_slot`) is retried."""
    dyno_id = allocation.dyno.id if allocation.dyno else None
    for _ in range(_DEADLOCK_RETRIES):
        try:
            async with session.begin_nested():
                await _lock_slot(session, allocation.vehicle.id, dyno_id)
                session.add(allocation)
                await session.flush()
        except DBAPIError as exc:
            if sqlstate(exc) == _DEADLOCK:
                make_transient(allocation)
                metrics.record_booking(actor.channel, "retried")
                continue
            name = constraint_name(exc)
            if name in _DYNO_RACES or name == _VEHICLE_RACE:
                metrics.record_booking(actor.channel, "lost_race")
                return name
            raise (translate(exc) or exc) from None
        return None
    return "deadlock"


async def _vehicle_bookings(
    session: AsyncSession, vehicle_id: int, span: Window, ignore: int | None = None
) -> list[Allocation]:
    """The vehicle's non-cancelled bookings overlapping `span`, earliest first."""
    query = select(Allocation).where(
        Allocation.vehicle_id == vehicle_id,
        Allocation.status != AllocationStatus.cancelled,
        Allocation.start_date <= span.end,
        Allocation.end_date >= span.start,
    )
    if ignore is not None:
        query = query.where(Allocation.id != ignore)
    return list(await session.scalars(query.order_by(Allocation.start_date)))


async def _vehicle_clash(
    session: AsyncSession, vehicle_id: int, window: Window, ignore: int | None = None
) -> Allocation | None:
    bookings = await _vehicle_bookings(session, vehicle_id, window, ignore)
    return bookings[0] if bookings else None


def _vehicle_busy(vehicle: Vehicle, clash: Allocation) -> VehicleBusy:
    return VehicleBusy(
        f"Vehicle {vehicle.label} is already booked from {clash.start_date} to {clash.end_date} "
        f"(allocation {clash.id}, {clash.test_type}).",
        vehicle_id=vehicle.id,
        allocation_id=clash.id,
    )


def _race_error(constraint: str | None, dyno: Dyno, vehicle: Vehicle) -> Exception:
    if constraint == _VEHICLE_RACE:
        return VehicleBusy(
            f"Vehicle {vehicle.label} was booked on these days by someone else just now.",
            vehicle_id=vehicle.id,
        )
    if constraint == "ex_dyno_occupancy_maintenance":
        return MaintenanceConflict(
            f"{dyno.name} was put into maintenance on these days just now.", dyno=dyno.name
        )
    return DynoBusy(
        f"{dyno.name} was booked on these days by someone else just now.", dyno=dyno.name
    )
