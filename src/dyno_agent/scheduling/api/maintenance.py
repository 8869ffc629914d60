"""Routes for maintenance windows: anyone signed in reads, power_user writes."""

from __future__ import annotations

from fastapi import APIRouter, status

from dyno_agent.deps import CurrentUser, PowerUser, SessionDep
from dyno_agent.inputs import Day
from dyno_agent.scheduling import maintenance
from dyno_agent.scheduling.schemas.maintenance import (
    MaintenanceCreate,
    MaintenanceRead,
    MaintenanceUpdate,
)

router = APIRouter(tags=["maintenance"])


@router.get("/maintenance", response_model=list[MaintenanceRead])
async def list_maintenance(
    session: SessionDep,
    _: CurrentUser,
    dyno_id: int | None = None,
    start_date: Day | None = None,
    end_date: Day | None = None,
) -> list[MaintenanceRead]:
    """Maintenance windows touching the given days, optionally of one dyno."""
    rows = await maintenance.list_maintenance(
        session, dyno_id=dyno_id, start_date=start_date, end_date=end_date
    )
    return [MaintenanceRead.model_validate(w) for w in rows]


@router.get("/maintenance/{window_id}", response_model=MaintenanceRead)
async def get_maintenance(window_id: int, session: SessionDep, _: CurrentUser) -> MaintenanceRead:
    """One maintenance window."""
    return MaintenanceRead.model_validate(await maintenance.get_maintenance(session, window_id))


@router.post(
    "/dynos/{dyno_id}/maintenance",
    response_model=MaintenanceRead,
    status_code=status.HTTP_201_CREATED,
)
async def add_maintenance(
    dyno_id: int, data: MaintenanceCreate, session: SessionDep, _: PowerUser
) -> MaintenanceRead:
    """Block days of a dyno for maintenance; refused if it is booked then (power_user)."""
    window = await maintenance.add_maintenance(session, dyno_id, data)
    return MaintenanceRead.model_validate(window)


@router.patch("/maintenance/{window_id}", response_model=MaintenanceRead)
async def update_maintenance(
    window_id: int, data: MaintenanceUpdate, session: SessionDep, _: PowerUser
) -> MaintenanceRead:
    """Change a maintenance window's days or reason (power_user)."""
    window = await maintenance.update_maintenance(session, window_id, data)
    return MaintenanceRead.model_validate(window)


@router.delete("/maintenance/{window_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_maintenance(window_id: int, session: SessionDep, _: PowerUser) -> None:
    """Delete a maintenance window (power_user)."""
    await maintenance.delete_maintenance(session, window_id)
