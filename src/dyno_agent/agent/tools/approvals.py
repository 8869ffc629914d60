"""Tools on the approval queue: list requested bookings, approve or reject one (confirmed)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from dyno_agent.agent.tools.args import ALLOCATION_ID, MAX_ID
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.approvals import policy, service
from dyno_agent.approvals.schemas import ApprovalRead
from dyno_agent.inputs import InputModel

_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)
QUEUE_LIMIT = 50


class ApprovalQueueArgs(InputModel):
    model_config = _ARGS
    state: Literal["pending", "approved", "rejected", "all"] = Field(
        "pending", description="pending (default: the queue), approved, rejected or all."
    )


class ApproveArgs(InputModel):
    model_config = _ARGS
    allocation_id: int = Field(ge=1, le=MAX_ID, description=ALLOCATION_ID)


class RejectArgs(ApproveArgs):
    reason: str = Field(
        min_length=1, max_length=service.MAX_REASON, description="Why it is rejected (required)."
    )


def _line(r: ApprovalRead) -> str:
    vehicle = r.vehicle.tag or r.vehicle.vin or r.vehicle.placeholder_key or f"#{r.vehicle.id}"
    dyno = r.dyno.name if r.dyno else "no dyno"
    who = r.requested_by.name if r.requested_by else "unknown"
    return (
        f"#{r.allocation_id} {r.test_type} for {vehicle} on {dyno}, {r.start_date} to "
        f"{r.end_date}, requested by {who}"
    )


async def list_approval_requests(env: ToolEnv, x: ApprovalQueueArgs) -> ToolOutcome:
    rows, total = await service.list_requests(
        env.session, env.actor, state=x.state, limit=QUEUE_LIMIT
    )
    items = [ApprovalRead.of(r) for r in rows]
    data = {
        "state": x.state,
        "total": total,
        "requests": [i.model_dump(mode="json") for i in items],
    }
    return ToolOutcome.success(f"{total} {x.state} request(s)", data)


async def _question(env: ToolEnv, allocation_id: int) -> str:
    """The request as one line, or the refusal it is certain to get (then nothing is asked)."""
    policy.ensure_can_decide(env.actor, allocation_id)
    request = await service.get_request(env.session, allocation_id)
    service.ensure_pending(request.allocation)
    return _line(ApprovalRead.of(request))


async def ask_approve(env: ToolEnv, x: ApproveArgs) -> str:
    return f"Approve request {await _question(env, x.allocation_id)}?"


async def ask_reject(env: ToolEnv, x: RejectArgs) -> str:
    return f"Reject request {await _question(env, x.allocation_id)} (reason: {x.reason})?"


async def approve_request(env: ToolEnv, x: ApproveArgs) -> ToolOutcome:
    read = ApprovalRead.of(await service.approve(env.session, env.actor, x.allocation_id))
    return ToolOutcome.success(f"Approved {_line(read)}", {"request": read.model_dump(mode="json")})


async def reject_request(env: ToolEnv, x: RejectArgs) -> ToolOutcome:
    read = ApprovalRead.of(await service.reject(env.session, env.actor, x.allocation_id, x.reason))
    return ToolOutcome.success(f"Rejected {_line(read)}", {"request": read.model_dump(mode="json")})


APPROVAL_TOOLS = [
    ToolSpec(
        "list_approval_requests",
        "Bookings waiting for approval on dynos that need it (status requested), oldest first, "
        "with vehicle, dyno, dates and who asked; power users see all, a user their own. "
        "state=approved/rejected/all shows decided ones too.",
        ApprovalQueueArgs,
        list_approval_requests,
    ),
    ToolSpec(
        "approve_request",
        "Approve a requested booking (power users only): it becomes scheduled. The user is "
        "asked to confirm first.",
        ApproveArgs,
        approve_request,
        destructive=True,
        question=ask_approve,
    ),
    ToolSpec(
        "reject_request",
        "Reject a requested booking with a reason (power users only; ask for the reason if the "
        "user gave none): it is cancelled and its days are free again. The user is asked to "
        "confirm first.",
        RejectArgs,
        reject_request,
        destructive=True,
        question=ask_reject,
    ),
]
