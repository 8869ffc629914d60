"""The approval queue: list requests, approve or reject them (power users decide)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dyno_agent.approvals import service
from dyno_agent.approvals.schemas import ApprovalPage, ApprovalRead, RejectRequest
from dyno_agent.deps import ActorDep, CurrentUser, SessionDep

router = APIRouter(prefix="/approvals", tags=["approvals"])


@router.get("", response_model=ApprovalPage)
async def list_requests(
    session: SessionDep,
    actor: ActorDep,
    state: service.State = "pending",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ApprovalPage:
    """Requested bookings, oldest first; power users see everyone's, users their own."""
    items, total = await service.list_requests(session, actor, state=state, limit=limit)
    return ApprovalPage(items=[ApprovalRead.of(r) for r in items], total=total)


@router.get("/{allocation_id}", response_model=ApprovalRead)
async def get_request(session: SessionDep, _: CurrentUser, allocation_id: int) -> ApprovalRead:
    """One request's state: pending, approved, rejected (with the reason) or withdrawn."""
    return ApprovalRead.of(await service.get_request(session, allocation_id))


@router.post("/{allocation_id}/approve", response_model=ApprovalRead)
async def approve(session: SessionDep, actor: ActorDep, allocation_id: int) -> ApprovalRead:
    """Approve a requested booking: it becomes scheduled (power_user)."""
    return ApprovalRead.of(await service.approve(session, actor, allocation_id))


@router.post("/{allocation_id}/reject", response_model=ApprovalRead)
async def reject(
    session: SessionDep, actor: ActorDep, allocation_id: int, body: RejectRequest
) -> ApprovalRead:
    """Reject a requested booking with a reason: it is cancelled, freeing its slot
    (power_user)."""
    return ApprovalRead.of(await service.reject(session, actor, allocation_id, body.reason))
