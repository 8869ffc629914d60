"""What a feed holds: the bookings (and maintenance) of a dyno, a facility, a vehicle or a user,
within a window around today, as one viewer may see them.

Every signed-in user may see every booking on the schedule (as `GET /allocations`); the feed
follows that, and shows a booking's notes only to its owner and to power users and admins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.audit.models import AuditEntry
from dyno_agent.auth.models import Role, User
from dyno_agent.errors import FacilityNotFound, VehicleNotFound
from dyno_agent.feeds import ical
from dyno_agent.scheduling.dynos import resolve_dyno
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationEvent,
    AllocationStatus,
    Dyno,
    MaintenanceWindow,
    Vehicle,
)
from dyno_agent.scheduling.vehicles import resolve_vehicle


class FeedKind(StrEnum):
    dyno = "dyno"
    facility = "facility"
    vehicle = "vehicle"
    mine = "mine"


@dataclass(frozen=True)
class FeedWindow:
    start: dt.date
    end: dt.date

    @classmethod
    def around(cls, today: dt.date, days_back: int, days_ahead: int) -> FeedWindow:
        return cls(today - dt.timedelta(days=days_back), today + dt.timedelta(days=days_ahead))


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: dt.datetime | None
    events: int


@dataclass(frozen=True)
class _Scope:
    name: str
    key: str
    dyno_ids: list[int] | None  # None: not limited to dynos (vehicle, mine)
    condition: object  # a where-clause on Allocation


async def _scope(session: AsyncSession, viewer: User, kind: FeedKind, ref: str | None) -> _Scope:
    if kind is FeedKind.dyno:
        dyno = await resolve_dyno(session, ref or "")
        return _Scope(dyno.name, f"dyno-{dyno.id}", [dyno.id], Allocation.dyno_id == dyno.id)
    if kind is FeedKind.facility:
        facility, ids = await _facility(session, ref or "")
        key = "-".join(facility.lower().split())
        return _Scope(f"{facility} facility", f"facility-{key}", ids, Allocation.dyno_id.in_(ids))
    if kind is FeedKind.vehicle:
        vehicle = await _vehicle(session, ref or "")
        return _Scope(
            f"vehicle {vehicle.label}",
            f"vehicle-{vehicle.id}",
            None,
            Allocation.vehicle_id == vehicle.id,
        )
    return _Scope(
        f"bookings of {viewer.full_name or viewer.email}",
        f"user-{viewer.id}",
        None,
        Allocation.created_by == viewer.id,
    )


async def resolve_target(session: AsyncSession, kind: FeedKind, ref: str | None) -> str:
    """The reference a feed URL uses for a dyno (id), facility (name) or vehicle (id)."""
    if kind is FeedKind.dyno:
        return str((await resolve_dyno(session, ref or "")).id)
    if kind is FeedKind.facility:
        return (await _facility(session, ref or ""))[0]
    if kind is FeedKind.vehicle:
        return str((await _vehicle(session, ref or "")).id)
    return ""


async def _facility(session: AsyncSession, ref: str) -> tuple[str, list[int]]:
    """A facility's name as stored and its dynos' ids; the name matches ignoring case."""
    wanted = " ".join(ref.split()).lower()
    rows = (await session.execute(select(Dyno.id, Dyno.facility).order_by(Dyno.id))).all()
    matching = [row for row in rows if " ".join(row.facility.split()).lower() == wanted]
    if not matching:
        known = sorted({row.facility for row in rows})
        raise FacilityNotFound(
            f"No dynos in facility {ref!r}; facilities: {', '.join(known) or 'none yet'}.",
            facility=ref,
            facilities=known,
        )
    return matching[0].facility, [row.id for row in matching]


async def _vehicle(session: AsyncSession, ref: str) -> Vehicle:
    """By id when `ref` is digits and such a vehicle exists, else by tag, else by VIN."""
    text = ref.strip()
    if text.isdigit() and (vehicle := await session.get(Vehicle, int(text))) is not None:
        return vehicle
    try:
        return await resolve_vehicle(session, tag=text)
    except VehicleNotFound:
        if len(text) == 17:
            try:
                return await resolve_vehicle(session, vin=text)
            except VehicleNotFound:
                pass
    what = "id, tag or VIN" if text.isdigit() or len(text) == 17 else "tag"
    raise VehicleNotFound(f"No vehicle with {what} {text!r}.", ref=text)


def _bookings_query(scope: _Scope, window: FeedWindow) -> Select:
    return select(Allocation).where(
        scope.condition,  # type: ignore[arg-type]
        Allocation.start_date <= window.end,
        Allocation.end_date >= window.start,
    )


async def _allocation_sequences(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(AllocationEvent.allocation_id, func.count())
        .where(AllocationEvent.allocation_id.in_(ids), AllocationEvent.action == "update")
        .group_by(AllocationEvent.allocation_id)
    )
    return {allocation_id: count for allocation_id, count in rows.all()}


async def _maintenance(
    session: AsyncSession, dyno_ids: list[int], window: FeedWindow
) -> list[ical.MaintenanceItem]:
    rows = (
        await session.execute(
            select(MaintenanceWindow, Dyno.name)
            .join(Dyno, Dyno.id == MaintenanceWindow.dyno_id)
            .where(
                MaintenanceWindow.dyno_id.in_(dyno_ids),
                MaintenanceWindow.start_date <= window.end,
                MaintenanceWindow.end_date >= window.start,
            )
            .order_by(MaintenanceWindow.start_date, MaintenanceWindow.id)
        )
    ).all()
    ids = [window_row.id for window_row, _ in rows]
    changes: dict[int, tuple[int, dt.datetime]] = {}
    if ids:
        audit = await session.execute(
            select(AuditEntry.row_id, func.count(), func.max(AuditEntry.at))
            .where(
                AuditEntry.table_name == "maintenance_windows",
                AuditEntry.row_id.in_(ids),
                AuditEntry.action == "update",
            )
            .group_by(AuditEntry.row_id)
        )
        changes = {int(row_id): (count, at) for row_id, count, at in audit.all()}
    items = []
    for window_row, dyno_name in rows:
        count, changed = changes.get(window_row.id, (0, window_row.created_at))
        items.append(ical.MaintenanceItem(window_row, dyno_name, count, changed))
    return items


async def build_feed(
    session: AsyncSession,
    viewer: User,
    kind: FeedKind,
    ref: str | None,
    *,
    window: FeedWindow,
    domain: str,
) -> Feed:
    """The feed `kind`/`ref` as `viewer` may see it, rendered, with its ETag."""
    scope = await _scope(session, viewer, kind, ref)
    everything = list(
        await session.scalars(
            _bookings_query(scope, window)
            .options(joinedload(Allocation.vehicle), joinedload(Allocation.dyno))
            .order_by(Allocation.start_date, Allocation.id)
        )
    )
    shown = [a for a in everything if a.status != AllocationStatus.cancelled]
    sequences = await _allocation_sequences(session, [a.id for a in shown])
    owner_ids = {a.created_by for a in shown if a.created_by is not None}
    names: dict[int, str] = {}
    if owner_ids:
        users = await session.execute(select(User.id, User.full_name).where(User.id.in_(owner_ids)))
        names = {row.id: row.full_name or f"user #{row.id}" for row in users}
    sees_all_notes = viewer.has_role(Role.power_user)
    bookings = [
        ical.BookingItem(
            allocation=a,
            sequence=sequences.get(a.id, 0),
            booked_by=names.get(a.created_by) if a.created_by is not None else None,
            show_notes=sees_all_notes or a.created_by == viewer.id,
        )
        for a in shown
    ]
    maintenance = await _maintenance(session, scope.dyno_ids, window) if scope.dyno_ids else []
    body = ical.render(
        name=scope.name,
        feed_key=scope.key,
        domain=domain,
        bookings=bookings,
        maintenance=maintenance,
    )
    stamps = [a.updated_at for a in everything] + [m.last_modified for m in maintenance]
    return Feed(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=max(stamps) if stamps else None,
        events=len(bookings) + len(maintenance),
    )
