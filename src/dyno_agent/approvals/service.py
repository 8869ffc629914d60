"""The approval queue: requested bookings, oldest first, and the power user's decision on each.

A booking a `user` makes on a dyno that needs approval starts as `requested` and holds its slot
(the exclusion constraints ignore only cancelled rows), so approving it can never clash. Approving
makes it `scheduled`; rejecting makes it `cancelled` with the reason stored on the row, which frees
the slot. The requester sees the state on the booking and in their own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dyno_agent.approvals import policy
from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role, User
from dyno_agent.errors import InvalidInput, InvalidTransition
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.allocations import get_allocation
from dyno_agent.scheduling.models import Allocation, AllocationStatus

State = Literal["pending", "approved", "rejected", "all"]
MAX_REASON = 500


@dataclass
class ApprovalRequest:
    """A requested (or decided) booking with the names of who asked and who decided."""

    allocation: Allocation
    requested_by: User | None
    decided_by: User | None

    @property
    def state(self) -> str:
        if self.allocation.status == AllocationStatus.requested:
            return "pending"
        return self.allocation.approval or "withdrawn"


def _filter(query: Select, state: State) -> Select:
    if state == "pending":
        return query.where(Allocation.status == AllocationStatus.requested)
    if state == "all":
        return query.where(
            (Allocation.status == AllocationStatus.requested) | Allocation.approval.is_not(None)
        )
    return query.where(Allocation.approval == state)


async def list_requests(
    session: AsyncSession, actor: Actor, *, state: State = "pending", limit: int = 50
) -> tuple[list[ApprovalRequest], int]:
    """Power users see everyone's requests; a `user` sees only their own. Oldest first."""
    query = _filter(select(Allocation), state)
    if not actor.has_role(Role.power_user):
        query = query.where(Allocation.created_by == actor.user_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        await session.scalars(
            query.options(joinedload(Allocation.vehicle), joinedload(Allocation.dyno))
            .order_by(Allocation.created_at, Allocation.id)
            .limit(limit)
        )
    )
    return await _with_people(session, rows), total


async def get_request(session: AsyncSession, allocation_id: int) -> ApprovalRequest:
    """One request's state (anyone signed in reads bookings, so anyone reads this)."""
    allocation = await get_allocation(session, allocation_id)
    return (await _with_people(session, [allocation]))[0]


async def approve(session: AsyncSession, actor: Actor, allocation_id: int) -> ApprovalRequest:
    """Approve a requested booking: it becomes scheduled, on the slot it already holds."""
    policy.ensure_can_decide(actor, allocation_id)
    await _pending(session, allocation_id)
    allocation = await booking.change_status(
        session, actor, allocation_id, AllocationStatus.scheduled
    )
    return (await _with_people(session, [allocation]))[0]


async def reject(
    session: AsyncSession, actor: Actor, allocation_id: int, reason: str
) -> ApprovalRequest:
    """Reject a requested booking with a reason: it is cancelled and its slot is free again."""
    policy.ensure_can_decide(actor, allocation_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Say why you reject the request (a reason is required).", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is longer than {MAX_REASON} characters.", field="reason")
    allocation = await _pending(session, allocation_id)
    policy.record_decision(allocation, actor, policy.REJECTED, reason)
    allocation = await booking.change_status(
        session, actor, allocation_id, AllocationStatus.cancelled
    )
    return (await _with_people(session, [allocation]))[0]


async def _pending(session: AsyncSession, allocation_id: int) -> Allocation:
    allocation = await get_allocation(session, allocation_id, for_update=True)
    ensure_pending(allocation)
    return allocation


def ensure_pending(allocation: Allocation) -> None:
    """Only a booking still `requested` can be approved or rejected."""
    if allocation.status != AllocationStatus.requested:
        decided = f" ({allocation.approval})" if allocation.approval else ""
        raise InvalidTransition(
            f"Allocation {allocation.id} is {allocation.status}{decided}; only requested "
            "bookings can be approved or rejected.",
            allocation_id=allocation.id,
            status=allocation.status,
        )


async def _with_people(session: AsyncSession, rows: list[Allocation]) -> list[ApprovalRequest]:
    ids = {a.created_by for a in rows} | {a.approval_by for a in rows}
    ids.discard(None)
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
    return [
        ApprovalRequest(
            a,
            users.get(a.created_by) if a.created_by else None,
            users.get(a.approval_by) if a.approval_by else None,
        )
        for a in rows
    ]


async def pending_count(session: AsyncSession) -> int:
    query = select(func.count()).where(Allocation.status == AllocationStatus.requested)
    return await session.scalar(query) or 0
