"""Changes that would strand open bookings: refused unless forced.

A change to a vehicle (drive type, weight class) or to a dyno (rules, `enabled`, commissioning
window) strands an open booking when, after it, the booking is incompatible with its dyno's rules
(`rules.allows`), on a disabled dyno or outside the dyno's window, and was not so before. `guarded`
applies the change in a savepoint and checks every open booking in scope with one query before and
one after; stranded bookings roll the change back with `StrandsBookings`, unless a power user
forces it, in which case they stay open and show on the conflicts report (`reports`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import PermissionDenied, StrandsBookings
from dyno_agent.scheduling import rules
from dyno_agent.scheduling.models import Allocation, AllocationStatus, Dyno, Vehicle

log = logging.getLogger(__name__)

OPEN_STATUSES = (
    AllocationStatus.scheduled,
    AllocationStatus.delayed,
    AllocationStatus.running,
    AllocationStatus.requested,  # holds its slot while it waits for approval
)
MAX_LISTED = 50
_REASON_TEXT = {
    "incompatible": "not allowed by the dyno's rules",
    "dyno_disabled": "dyno disabled",
    "outside_commissioning": "outside the dyno's commissioning window",
}


@dataclass(frozen=True)
class Problem:
    """An open booking and what is wrong with it (keys of `_REASON_TEXT`)."""

    allocation_id: int
    vehicle_id: int
    vin: str | None
    dyno_id: int | None
    dyno: str
    start_date: dt.date
    end_date: dt.date
    status: str
    created_by: int | None
    reasons: frozenset[str]
    label: str = ""  # the vehicle's tag, else VIN, else placeholder key

    def detail(self) -> dict[str, Any]:
        return {
            "allocation_id": self.allocation_id,
            "vehicle_id": self.vehicle_id,
            "vin": self.vin,
            "vehicle": self.label,
            "dyno_id": self.dyno_id,
            "dyno": self.dyno,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "status": self.status,
            "created_by": self.created_by,
            "reasons": sorted(self.reasons),
        }


async def problems(
    session: AsyncSession, *, vehicle_id: int | None = None, dyno_id: int | None = None
) -> dict[int, Problem]:
    """Open bookings of the vehicle or on the dyno that break their dyno's rules, state or window,
    by allocation id (one query for all of them)."""
    a, v, d = Allocation, Vehicle, Dyno
    incompatible = ~rules.allows(a.dyno_id, a.test_type, v.drive_type, v.weight_class)
    disabled = ~d.enabled
    outside = or_(
        and_(d.available_from.is_not(None), a.start_date < d.available_from),
        and_(d.available_to.is_not(None), a.end_date > d.available_to),
    )
    scope = a.vehicle_id == vehicle_id if vehicle_id is not None else a.dyno_id == dyno_id
    query = (
        select(
            a,
            v.vin,
            func.coalesce(v.tag, v.vin, v.placeholder_key),
            d.name,
            incompatible,
            disabled,
            outside,
        )
        .join(v, v.id == a.vehicle_id)
        .join(d, d.id == a.dyno_id)
        .where(scope, a.status.in_(OPEN_STATUSES), or_(incompatible, disabled, outside))
        .order_by(a.start_date, a.id)
    )
    found = {}
    for booking, vin, label, dyno, *flags in await session.execute(query):
        reasons = frozenset(k for k, on in zip(_REASON_TEXT, flags, strict=True) if on)
        found[booking.id] = Problem(
            booking.id,
            booking.vehicle_id,
            vin,
            booking.dyno_id,
            dyno,
            booking.start_date,
            booking.end_date,
            booking.status,
            booking.created_by,
            reasons,
            label,
        )
    return found


def _refusal(what: str, stranded: list[Problem]) -> StrandsBookings:
    listed = "; ".join(
        f"#{p.allocation_id} ({p.label} on {p.dyno}, {p.start_date} to {p.end_date}: "
        f"{', '.join(_REASON_TEXT[r] for r in sorted(p.reasons))})"
        for p in stranded[:5]
    )
    more = f" and {len(stranded) - 5} more" if len(stranded) > 5 else ""
    return StrandsBookings(
        f"{what} would strand {len(stranded)} open booking(s): {listed}{more}. Move or cancel "
        "them first, or repeat with force=true (power_user) to keep them on the conflicts report.",
        bookings=[p.detail() for p in stranded[:MAX_LISTED]],
        booking_count=len(stranded),
    )


def ensure_may_force(actor: Actor, force: bool) -> None:
    if force and not actor.has_role(Role.power_user):
        raise PermissionDenied(
            "Only a power user may force a change.", required_role=Role.power_user.value
        )


@asynccontextmanager
async def guarded(
    session: AsyncSession,
    actor: Actor,
    what: str,
    *,
    force: bool = False,
    check: bool = True,
    vehicle_id: int | None = None,
    dyno_id: int | None = None,
) -> AsyncIterator[None]:
    """Make the block's writes in a savepoint; with `check`, undo them and raise StrandsBookings
    if they strand open bookings of the vehicle or on the dyno, unless `force`."""
    ensure_may_force(actor, force)
    before = await problems(session, vehicle_id=vehicle_id, dyno_id=dyno_id) if check else {}
    async with savepoint(session):
        yield
        if not check:
            return
        await session.flush()
        after = await problems(session, vehicle_id=vehicle_id, dyno_id=dyno_id)
        stranded = [
            p
            for p in after.values()
            if p.allocation_id not in before or not p.reasons <= before[p.allocation_id].reasons
        ]
        if stranded and not force:
            raise _refusal(what, stranded)
        if stranded:
            log.warning(
                "%s stranded allocations %s (forced by user %s via %s)",
                what,
                [p.allocation_id for p in stranded],
                actor.user_id,
                actor.channel.value,
            )
