"""Plan schemas: what to plan (`PlanCreate`), a plan as shown (`PlanRead`), a commit's answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dyno_agent.inputs import Day, InputModel
from dyno_agent.planning.loader import PlanScope
from dyno_agent.planning.models import PlanStatus, StoredPlan
from dyno_agent.planning.service import PlanDetails, PlanOptions
from dyno_agent.scheduling.schemas.allocations import TestType

_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanCreate(InputModel):
    """Which requests to plan (all open ones, or those matching every filter given) and how."""

    model_config = _INPUT

    horizon_days: int = Field(
        365,
        ge=1,
        description="Latest start, in days from today (at most DYNO_PLANNER_MAX_HORIZON_DAYS).",
    )
    time_limit_s: float | None = Field(
        None,
        gt=0,
        description="Solver time limit in seconds (default and maximum: "
        "DYNO_PLANNER_TIME_LIMIT_S).",
    )
    request_ids: list[int] | None = Field(None, max_length=10_000)
    test_type: TestType | None = None
    vehicle_id: int | None = Field(None, ge=1)
    desired_from: Day | None = Field(None, description="Desired start on or after this day.")
    desired_to: Day | None = Field(None, description="Desired start on or before this day.")

    def scope(self) -> PlanScope:
        ids = tuple(sorted(set(self.request_ids))) if self.request_ids is not None else None
        return PlanScope(ids, self.test_type, self.vehicle_id, self.desired_from, self.desired_to)

    def options(self) -> PlanOptions:
        return PlanOptions(self.horizon_days, self.time_limit_s)


class PlanSummary(BaseModel):
    requests: int
    placed: int
    unplaced: int
    unplaced_by_reason: dict[str, int] = {}
    total_lateness_days: int
    mean_lateness_days: float
    solver_status: str
    gap: float
    solve_seconds: float
    utilisation_before: float
    utilisation_after: float
    bottleneck: str | None


class AssignmentRead(BaseModel):
    request_id: int
    vehicle_id: int | None
    vehicle_label: str
    test_type: str
    mileage_step: str
    dyno_id: int
    dyno_name: str
    facility: str | None
    start_date: dt.date
    end_date: dt.date
    desired_start: dt.date | None
    lateness_days: int
    allocation_id: int | None = None


class UnplacedRead(BaseModel):
    request_id: int
    vehicle_label: str
    test_type: str
    mileage_step: str
    reason: str
    message: str


class PlanBrief(BaseModel):
    id: int
    status: PlanStatus
    created_at: dt.datetime
    created_by: int | None
    horizon_days: int
    today: dt.date
    committed_at: dt.datetime | None
    committed_by: int | None
    summary: PlanSummary

    @classmethod
    def of(cls, plan: StoredPlan) -> PlanBrief:
        return cls(
            id=plan.id,
            status=PlanStatus(plan.status),
            created_at=plan.created_at,
            created_by=plan.created_by,
            horizon_days=plan.horizon_days,
            today=plan.today,
            committed_at=plan.committed_at,
            committed_by=plan.committed_by,
            summary=PlanSummary.model_validate(plan.summary),
        )


class PlanRead(PlanBrief):
    params: dict[str, Any]
    assignments: list[AssignmentRead]
    unplaced: list[UnplacedRead]

    @classmethod
    def of_details(cls, details: PlanDetails) -> PlanRead:
        plan = details.plan
        brief = PlanBrief.of(plan).model_dump()
        return cls(
            **brief,
            params=plan.params,
            assignments=[
                _assignment(details, a)
                for a in sorted(plan.assignments, key=lambda a: (a.start_date, a.request_id))
            ],
            unplaced=[_unplaced(details, u) for u in plan.unplaced],
        )


def _request_facts(details: PlanDetails, request_id: int) -> dict[str, Any]:
    request = details.requests.get(request_id)
    if request is None:  # deleted since: the plan still shows its row
        return {"vehicle_id": None, "vehicle_label": "?", "test_type": "?", "mileage_step": "?"}
    vehicle = details.vehicles.get(request.vehicle_id)
    return {
        "vehicle_id": request.vehicle_id,
        "vehicle_label": vehicle.label if vehicle else f"#{request.vehicle_id}",
        "test_type": request.test_type,
        "mileage_step": request.mileage_step,
        "desired_start": request.desired_start,
    }


def _assignment(details: PlanDetails, a: Any) -> AssignmentRead:
    dyno = details.dynos.get(a.dyno_id)
    return AssignmentRead(
        **{"desired_start": None, **_request_facts(details, a.request_id)},
        request_id=a.request_id,
        dyno_id=a.dyno_id,
        dyno_name=dyno.name if dyno else str(a.dyno_id),
        facility=dyno.facility if dyno else None,
        start_date=a.start_date,
        end_date=a.end_date,
        lateness_days=a.lateness_days,
        allocation_id=a.allocation_id,
    )


def _unplaced(details: PlanDetails, row: dict[str, Any]) -> UnplacedRead:
    facts = _request_facts(details, int(row["request_id"]))
    facts.pop("vehicle_id", None)
    facts.pop("desired_start", None)
    return UnplacedRead(
        **facts, request_id=row["request_id"], reason=row["reason"], message=row["message"]
    )


class PlanCommitRead(BaseModel):
    id: int
    status: PlanStatus
    booked: int
    allocation_ids: list[int]
