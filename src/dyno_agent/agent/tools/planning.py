"""The planner's tools: `plan_requests` (a preview, books nothing) and `commit_plan` (books a whole
plan; the user is asked to confirm first). Results carry counts and a few rows, not every one."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.errors import PlanCommitted, PlanConflicts
from dyno_agent.inputs import Day, InputModel
from dyno_agent.planning import service
from dyno_agent.planning.loader import PlanScope
from dyno_agent.planning.models import PlanStatus
from dyno_agent.planning.schemas import PlanRead
from dyno_agent.planning.service import PlanOptions
from dyno_agent.scheduling.vocab import normalize_test_type

SHOWN = 10  # rows of a kind a result shows (assignments, unplaced, conflicts); counts give the rest
_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanRequestsArgs(InputModel):
    model_config = _ARGS
    horizon_days: int = Field(
        365, ge=1, le=3650, description="Latest start in days from today (next quarter: ~91)."
    )
    time_limit_s: float | None = Field(None, gt=0, description="Solver seconds; default setting.")
    test_type: str | None = Field(None, description="Only requests for this test type.")
    vehicle_id: int | None = Field(None, ge=1, description="Only this vehicle's requests.")
    desired_from: Day | None = Field(None, description="Desired start on or after this day.")
    desired_to: Day | None = Field(None, description="Desired start on or before this day.")


class CommitPlanArgs(InputModel):
    model_config = _ARGS
    plan_id: int = Field(ge=1, le=2_147_483_647, description="The id plan_requests returned.")


def _plan_data(plan: PlanRead) -> dict[str, Any]:
    return {
        "plan_id": plan.id,
        "status": plan.status.value,
        "horizon_days": plan.horizon_days,
        "summary": plan.summary.model_dump(mode="json"),
        "assignments_total": len(plan.assignments),
        "first_assignments": [
            a.model_dump(mode="json", exclude={"allocation_id", "vehicle_id"})
            for a in plan.assignments[:SHOWN]
        ],
        "unplaced_total": len(plan.unplaced),
        "unplaced": [u.model_dump(mode="json") for u in plan.unplaced[:SHOWN]],
    }


async def plan_requests(env: ToolEnv, x: PlanRequestsArgs) -> ToolOutcome:
    scope = PlanScope(
        test_type=normalize_test_type(x.test_type) if x.test_type else None,
        vehicle_id=x.vehicle_id,
        desired_from=x.desired_from,
        desired_to=x.desired_to,
    )
    details = await service.create_plan(
        env.session,
        env.actor,
        scope,
        PlanOptions(x.horizon_days, x.time_limit_s),
        env.settings,
        env.today,
    )
    plan = PlanRead.of_details(details)
    s = plan.summary
    line = (
        f"Plan {plan.id} (preview, nothing booked): {s.placed} of {s.requests} request(s) "
        f"placed, {s.unplaced} unplaced, {s.total_lateness_days} lateness-day(s)"
    )
    return ToolOutcome.success(line, _plan_data(plan))


async def ask_commit(env: ToolEnv, x: CommitPlanArgs) -> str:
    service.ensure_may_commit(env.actor)
    plan = await service.get_plan(env.session, x.plan_id)
    if plan.status == PlanStatus.committed:
        raise PlanCommitted(f"Plan {plan.id} was already committed.", plan_id=plan.id)
    if not plan.assignments:
        return f"Plan {plan.id} places nothing; commit it anyway?"
    first = min(a.start_date for a in plan.assignments)
    last = max(a.end_date for a in plan.assignments)
    dynos = len({a.dyno_id for a in plan.assignments})
    stale = " It is stale: another plan was committed since." if plan.status == "stale" else ""
    return (
        f"Commit plan {plan.id}: book {len(plan.assignments)} test(s) on {dynos} dyno(s) from "
        f"{first} to {last}?{stale}"
    )


async def commit_plan(env: ToolEnv, x: CommitPlanArgs) -> ToolOutcome:
    try:
        result = await service.commit_plan(env.session, env.actor, x.plan_id)
    except PlanConflicts as exc:
        conflicts = exc.details.get("conflicts", [])
        raise PlanConflicts(
            exc.message, plan_id=x.plan_id, total=len(conflicts), conflicts=conflicts[:SHOWN]
        ) from None
    ids = [a.id for a in result.allocations]
    data = {"plan_id": result.plan.id, "booked": len(ids), "allocation_ids": ids[: SHOWN * 5]}
    return ToolOutcome.success(f"Committed plan {result.plan.id}: {len(ids)} booking(s)", data)


PLANNING_TOOLS = [
    ToolSpec(
        "plan_requests",
        "Plan the open test requests (all, or filtered) with the optimising planner and keep the "
        "plan as a preview: returns its id, the summary and counts. Books nothing.",
        PlanRequestsArgs,
        plan_requests,
    ),
    ToolSpec(
        "commit_plan",
        "Book every assignment of a previewed plan at once (power users). The user is asked to "
        "confirm first; if anything no longer fits, nothing is booked.",
        CommitPlanArgs,
        commit_plan,
        destructive=True,
        question=ask_commit,
    ),
]
