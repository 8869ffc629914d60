"""Approval queue schemas."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dyno_agent.approvals.service import ApprovalRequest
from dyno_agent.auth.models import User
from dyno_agent.inputs import InputModel
from dyno_agent.scheduling.schemas.allocations import DynoBrief, VehicleBrief


class RejectRequest(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=1, max_length=500, examples=["Dyno needs calibration that week."]
    )


class PersonBrief(BaseModel):
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, user: User | None) -> PersonBrief | None:
        if user is None:
            return None
        return cls(id=user.id, name=user.full_name or user.email, email=user.email)


class ApprovalRead(BaseModel):
    """A booking that needed approval: its state (`pending`, `approved`, `rejected`, or
    `withdrawn` when its requester cancelled it) and who asked and decided."""

    allocation_id: int
    state: str = Field(examples=["pending"])
    status: str = Field(examples=["requested"])
    test_type: str
    start_date: dt.date
    end_date: dt.date
    days: int
    vehicle: VehicleBrief
    dyno: DynoBrief | None
    requested_by: PersonBrief | None
    requested_at: dt.datetime
    decided_by: PersonBrief | None
    decided_at: dt.datetime | None
    reason: str | None = Field(None, description="Why it was rejected.")

    @classmethod
    def of(cls, request: ApprovalRequest) -> ApprovalRead:
        a = request.allocation
        return cls(
            allocation_id=a.id,
            state=request.state,
            status=a.status,
            test_type=a.test_type,
            start_date=a.start_date,
            end_date=a.end_date,
            days=a.days,
            vehicle=VehicleBrief.model_validate(a.vehicle),
            dyno=DynoBrief.model_validate(a.dyno) if a.dyno else None,
            requested_by=PersonBrief.of(request.requested_by),
            requested_at=a.created_at,
            decided_by=PersonBrief.of(request.decided_by),
            decided_at=a.approval_at,
            reason=a.approval_reason,
        )


class ApprovalPage(BaseModel):
    items: list[ApprovalRead]
    total: int
