"""Routes for maintenance windows: anyone signed in reads, power_user writes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status

from dyno_agent.deps import CurrentUser, PowerUser, SessionDep, actor_for
from dyno_agent.inputs import Day
from dyno_agent.scheduling import maintenance, maintenance_moves
from dyno_agent.scheduling.schemas.maintenance import (
    BookingMoveRead,
    MaintenanceCreate,
    MaintenanceMovesRead,
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


@router.post("/dynos/{dyno_id}/maintenance/move-conflicting", response_model=MaintenanceMovesRead)
async def add_maintenance_moving_bookings(
    dyno_id: int,
    data: MaintenanceCreate,
    session: SessionDep,
    user: PowerUser,
    mode: Literal["preview", "apply"] = "preview",
) -> MaintenanceMovesRead:
    """Block days for maintenance, moving the bookings on them to their best free slots:
    `mode=preview` (default) says where each would go and writes nothing; `mode=apply` does it
    all in one step, or nothing if one cannot be moved (power_user)."""
    result = await maintenance_moves.add_maintenance_moving_bookings(
        session, actor_for(user), dyno_id, data, apply=mode == "apply"
    )
    return MaintenanceMovesRead(
        dyno_id=result.dyno.id,
        dyno=result.dyno.name,
        start_date=result.start_date,
        end_date=result.end_date,
        reason=result.reason,
        applied=result.applied,
        maintenance=MaintenanceRead.model_validate(result.window) if result.window else None,
        moves=[BookingMoveRead.model_validate(m) for m in result.moves],
    )


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
