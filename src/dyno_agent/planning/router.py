"""Routes for plans: anyone signed in previews and reads plans; power users commit them."""

from __future__ import annotations

from fastapi import APIRouter, status

from dyno_agent.deps import ActorDep, CurrentUser, SessionDep, SettingsDep
from dyno_agent.pagination import Page, PageParams
from dyno_agent.planning import service
from dyno_agent.planning.models import PlanStatus
from dyno_agent.planning.schemas import PlanBrief, PlanCommitRead, PlanCreate, PlanRead
from dyno_agent.scheduling import clock

router = APIRouter(prefix="/plans", tags=["plans"])


@router.post("", response_model=PlanRead, status_code=status.HTTP_201_CREATED)
async def create_plan(
    body: PlanCreate, session: SessionDep, actor: ActorDep, settings: SettingsDep
) -> PlanRead:
    """Plan the open test requests (all, or a filter) and keep the result as a preview; nothing
    is booked."""
    details = await service.create_plan(
        session, actor, body.scope(), body.options(), settings, clock.today()
    )
    return PlanRead.of_details(details)


@router.get("", response_model=Page[PlanBrief])
async def list_plans(session: SessionDep, _: CurrentUser, page: PageParams) -> Page[PlanBrief]:
    """Plans, newest first, with their summaries."""
    items, total = await service.list_plans(session, limit=page.limit, offset=page.offset)
    return Page[PlanBrief](
        items=[PlanBrief.of(p) for p in items], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/{plan_id}", response_model=PlanRead)
async def get_plan(plan_id: int, session: SessionDep, _: CurrentUser) -> PlanRead:
    """One plan with every assignment and every unplaced request and its reason."""
    return PlanRead.of_details(await service.plan_details(session, plan_id))


@router.post("/{plan_id}/commit", response_model=PlanCommitRead)
async def commit_plan(plan_id: int, session: SessionDep, actor: ActorDep) -> PlanCommitRead:
    """Book every assignment of the plan in one transaction (power_user); 409 `plan_conflicts`
    listing every assignment that no longer fits, and nothing booked."""
    result = await service.commit_plan(session, actor, plan_id)
    return PlanCommitRead(
        id=result.plan.id,
        status=PlanStatus(result.plan.status),
        booked=len(result.allocations),
        allocation_ids=[a.id for a in result.allocations],
    )
