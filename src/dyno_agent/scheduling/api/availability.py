"""Availability search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dyno_agent.deps import CurrentUser, SessionDep
from dyno_agent.inputs import Day
from dyno_agent.scheduling.availability import DEFAULT_LIMIT, find_available_dynos_for
from dyno_agent.scheduling.schemas.availability import AvailabilityRead
from dyno_agent.scheduling.vocab import MAX_WEIGHT_LBS, normalize_tag, normalize_vin

router = APIRouter(tags=["availability"])
MAX_LIMIT = 500
_VEHICLE = "For this vehicle: its drive type and weight class, and its own bookings."


@router.get("/availability", response_model=AvailabilityRead)
async def get_availability(
    session: SessionDep,
    _: CurrentUser,
    start_date: Day,
    end_date: Day,
    test_type: Annotated[str, Query(min_length=1, max_length=80)],
    drive_type: Annotated[str | None, Query(min_length=1, max_length=20)] = None,
    weight_lbs: Annotated[int | None, Query(ge=1, le=MAX_WEIGHT_LBS)] = None,
    weight_class: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="At most this many free dynos, best first.")
    ] = DEFAULT_LIMIT,
    explain: Annotated[
        bool, Query(description="Also say why each blocked dyno is not free.")
    ] = False,
    vehicle_id: Annotated[int | None, Query(ge=1, description=_VEHICLE)] = None,
    tag: Annotated[str | None, Query(max_length=40, description=_VEHICLE)] = None,
    vin: Annotated[str | None, Query(max_length=20, description=_VEHICLE)] = None,
) -> AvailabilityRead:
    """Free compatible dynos for the window, best first; when none, why and the earliest date.
    For a vehicle (instead of drive_type and weight) its own booking in the window comes first."""
    result = await find_available_dynos_for(
        session,
        start_date=start_date,
        end_date=end_date,
        test_type=test_type,
        vehicle_id=vehicle_id,
        tag=normalize_tag(tag) if tag else None,
        vin=normalize_vin(vin) if vin else None,
        drive_type=drive_type,
        weight_lbs=weight_lbs,
        weight_class=weight_class,
        limit=limit,
        explain=explain,
    )
    return AvailabilityRead.of(result)
