"""Who books straight away and who asks first, and who may decide; used by the booking engine."""

from __future__ import annotations

import datetime as dt

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.errors import PermissionDenied
from dyno_agent.scheduling.models import Allocation, AllocationStatus, Dyno

APPROVED, REJECTED = "approved", "rejected"


def initial_status(actor: Actor, dyno: Dyno) -> AllocationStatus:
    """A `user`'s booking on a dyno that needs approval is a request; power users' (and the
    importer's, the planner's) bookings are approved by being made."""
    if dyno.needs_approval and not actor.has_role(Role.power_user):
        return AllocationStatus.requested
    return AllocationStatus.scheduled


def ensure_can_decide(actor: Actor, allocation_id: int | None = None) -> None:
    """Only power users and admins approve or reject requests."""
    if actor.has_role(Role.power_user):
        return
    what = f"request {allocation_id}" if allocation_id is not None else "requests"
    raise PermissionDenied(
        f"Only a power user or an admin can approve or reject {what}.",
        allocation_id=allocation_id,
        required_role=Role.power_user.value,
    )


def record_decision(
    allocation: Allocation, actor: Actor, decision: str, reason: str | None = None
) -> None:
    allocation.approval = decision
    allocation.approval_by = actor.user_id
    allocation.approval_at = dt.datetime.now(dt.UTC)
    allocation.approval_reason = reason


def awaiting_note(dyno: Dyno) -> str:
    return f"Awaiting approval: {dyno.name} needs a power user's approval (status requested)."
