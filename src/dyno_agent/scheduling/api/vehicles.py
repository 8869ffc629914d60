"""Routes for vehicles: any signed-in user registers and edits them (one with open bookings: its
bookings' owner or a power user); deleting needs power_user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dyno_agent.deps import ActorDep, CurrentUser, ForceParam, PowerUser, SessionDep, actor_for
from dyno_agent.pagination import Page, PageParams
from dyno_agent.scheduling import vehicles
from dyno_agent.scheduling.schemas.vehicles import VehicleCreate, VehicleRead, VehicleUpdate
from dyno_agent.scheduling.vocab import normalize_tag

router = APIRouter(prefix="/vehicles", tags=["vehicles"])


@router.get("", response_model=Page[VehicleRead])
async def list_vehicles(
    session: SessionDep,
    _: CurrentUser,
    page: PageParams,
    q: Annotated[
        str | None,
        Query(
            max_length=100, description="Search tag, placeholder key, VIN, program, build, team."
        ),
    ] = None,
    tag: Annotated[
        str | None, Query(max_length=40, description="Exact tag (any case).", examples=["312W028"])
    ] = None,
    placeholder: Annotated[
        bool | None, Query(description="Only placeholders (true) or only tagged vehicles (false).")
    ] = None,
    drive_type: Annotated[str | None, Query(max_length=20, examples=["AWD"])] = None,
    weight_class: Annotated[str | None, Query(max_length=10, examples=["<10K"])] = None,
) -> Page[VehicleRead]:
    """List vehicles by id, a page at a time, optionally filtered."""
    items, total = await vehicles.list_vehicles(
        session,
        q=q,
        tag=normalize_tag(tag) if tag else None,
        placeholder=placeholder,
        drive_type=drive_type,
        weight_class=weight_class,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[VehicleRead](
        items=[VehicleRead.model_validate(v) for v in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{vehicle_id}", response_model=VehicleRead)
async def get_vehicle(vehicle_id: int, session: SessionDep, _: CurrentUser) -> VehicleRead:
    """One vehicle by id."""
    return VehicleRead.model_validate(await vehicles.get_vehicle(session, vehicle_id))


@router.post("", response_model=VehicleRead, status_code=status.HTTP_201_CREATED)
async def create_vehicle(data: VehicleCreate, session: SessionDep, _: CurrentUser) -> VehicleRead:
    """Register a test vehicle; the weight class is derived from the weight when given."""
    return VehicleRead.model_validate(await vehicles.create_vehicle(session, data))


@router.patch("/{vehicle_id}", response_model=VehicleRead)
async def update_vehicle(
    vehicle_id: int,
    data: VehicleUpdate,
    session: SessionDep,
    actor: ActorDep,
    force: ForceParam = False,
) -> VehicleRead:
    """Change some fields of a vehicle; with open bookings only their owner or a power user may,
    and a drive or weight change that strands them is a 409 unless `force` (power_user)."""
    vehicle = await vehicles.update_vehicle(session, actor, vehicle_id, data, force=force)
    return VehicleRead.model_validate(vehicle)


@router.delete("/{vehicle_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_vehicle(vehicle_id: int, session: SessionDep, user: PowerUser) -> None:
    """Delete a vehicle that has never been booked (power_user)."""
    await vehicles.delete_vehicle(session, actor_for(user), vehicle_id)
