"""Recurring bookings: preview and book a series, list and show series, cancel or move them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dyno_agent.deps import ActorDep, CurrentUser, SessionDep
from dyno_agent.series import service, views
from dyno_agent.series.schemas import (
    SeriesBookingRead,
    SeriesCancel,
    SeriesChangeRead,
    SeriesCreate,
    SeriesDetails,
    SeriesMove,
    SeriesRead,
)

router = APIRouter(prefix="/series", tags=["series"])


@router.post("/preview", response_model=SeriesBookingRead)
async def preview_series(
    session: SessionDep, actor: ActorDep, body: SeriesCreate
) -> SeriesBookingRead:
    """The dates a series would book and where, and which have no free dyno; nothing is saved."""
    return views.booking_read(await service.book_series(session, actor, body, preview=True))


@router.post("", response_model=SeriesBookingRead, status_code=status.HTTP_201_CREATED)
async def book_series(
    session: SessionDep, actor: ActorDep, body: SeriesCreate
) -> SeriesBookingRead:
    """Book every occurrence (409 `series_conflicts` listing those without a free dyno, and
    nothing booked); in `backup` mode occurrences may shift and those that still do not fit are
    skipped."""
    return views.booking_read(await service.book_series(session, actor, body))


@router.get("", response_model=list[SeriesRead])
async def list_series(
    session: SessionDep,
    _: CurrentUser,
    vehicle_id: Annotated[int | None, Query(ge=1)] = None,
) -> list[SeriesRead]:
    """The 50 most recent series, optionally of one vehicle."""
    found = await service.list_series(session, vehicle_id=vehicle_id)
    return [SeriesRead.model_validate(s) for s in found]


@router.get("/{series_id}", response_model=SeriesDetails)
async def get_series(session: SessionDep, _: CurrentUser, series_id: int) -> SeriesDetails:
    """One series with its occurrences (every status), earliest first."""
    series = await service.get_series(session, series_id)
    return await views.details_read(session, series)


@router.post("/{series_id}/cancel", response_model=SeriesChangeRead)
async def cancel_series(
    session: SessionDep, actor: ActorDep, series_id: int, body: SeriesCancel
) -> SeriesChangeRead:
    """Cancel the open occurrences from today on (running, completed and past ones stay), or
    one occurrence (`allocation_id`), which stays in the series."""
    change = await service.cancel_series(
        session, actor, series_id, allocation_id=body.allocation_id, from_date=body.from_date
    )
    return views.change_read(change)


@router.post("/{series_id}/move", response_model=SeriesChangeRead)
async def move_series(
    session: SessionDep, actor: ActorDep, series_id: int, body: SeriesMove
) -> SeriesChangeRead:
    """Move the open occurrences from today on (or one) by `shift_days`: all of them or none."""
    change = await service.move_series(
        session,
        actor,
        series_id,
        body.shift_days,
        allocation_id=body.allocation_id,
        from_date=body.from_date,
        preview=body.preview,
    )
    return views.change_read(change)
