"""Allocations: list, read, book (auto or on a named dyno), cancel, reschedule, change status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dyno_agent.deps import ActorDep, CurrentUser, SessionDep
from dyno_agent.inputs import Day
from dyno_agent.pagination import Page, PageParams
from dyno_agent.scheduling import allocations, booking, notes
from dyno_agent.scheduling.allocations import AllocationFilter
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.note_text import QUERY_MAX, clean_query
from dyno_agent.scheduling.schemas.allocations import (
    AllocationCreate,
    AllocationEventRead,
    AllocationNotesUpdate,
    AllocationRead,
    AllocationUpdate,
    AutoAllocateCreate,
    BookingRead,
    RescheduleRequest,
)
from dyno_agent.scheduling.vocab import normalize_tag, normalize_test_type, normalize_vin

router = APIRouter(prefix="/allocations", tags=["allocations"])


@router.get("", response_model=Page[AllocationRead])
async def list_allocations(
    session: SessionDep,
    _: CurrentUser,
    page: PageParams,
    status_: Annotated[AllocationStatus | None, Query(alias="status")] = None,
    dyno_id: Annotated[int | None, Query(ge=1)] = None,
    vehicle_id: Annotated[int | None, Query(ge=1)] = None,
    vin: Annotated[str | None, Query(max_length=20)] = None,
    tag: Annotated[str | None, Query(max_length=40, description="The vehicle's tag.")] = None,
    test_type: Annotated[str | None, Query(max_length=80)] = None,
    created_by: Annotated[int | None, Query(ge=1)] = None,
    start_date: Annotated[Day | None, Query(description="Ending on or after this day.")] = None,
    end_date: Annotated[Day | None, Query(description="Starting on or before this day.")] = None,
    q: Annotated[
        str | None,
        Query(max_length=QUERY_MAX, description="Text in the note or the reference (any case)."),
    ] = None,
) -> Page[AllocationRead]:
    """Allocations, filtered and paginated, ordered by start date."""
    filters = AllocationFilter(
        status=status_,
        dyno_id=dyno_id,
        vehicle_id=vehicle_id,
        vin=normalize_vin(vin) if vin else None,
        tag=normalize_tag(tag) if tag else None,
        test_type=normalize_test_type(test_type) if test_type else None,
        created_by=created_by,
        start_date=start_date,
        end_date=end_date,
        q=clean_query(q),
    )
    items, total = await allocations.list_allocations(
        session, filters, limit=page.limit, offset=page.offset
    )
    return Page(
        items=[AllocationRead.model_validate(a) for a in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{allocation_id}", response_model=AllocationRead)
async def get_allocation(session: SessionDep, _: CurrentUser, allocation_id: int) -> AllocationRead:
    """One allocation with its vehicle and dyno."""
    return AllocationRead.model_validate(await allocations.get_allocation(session, allocation_id))


@router.get("/{allocation_id}/history", response_model=list[AllocationEventRead])
async def get_history(
    session: SessionDep, _: CurrentUser, allocation_id: int
) -> list[AllocationEventRead]:
    """The audit trail of one allocation: who changed what, when, through which channel."""
    events = await allocations.allocation_history(session, allocation_id)
    return [AllocationEventRead.model_validate(e) for e in events]


@router.post("/auto", response_model=BookingRead, status_code=status.HTTP_201_CREATED)
async def auto_allocate(
    session: SessionDep, actor: ActorDep, body: AutoAllocateCreate
) -> BookingRead:
    """Book the best free compatible dyno; with `backup`, try later starts too."""
    result = await booking.auto_allocate(session, actor, **body.model_dump())
    return BookingRead(
        allocation=AllocationRead.model_validate(result.allocation),
        message=result.message,
        shift_days=result.shift_days,
    )


@router.post("", response_model=AllocationRead, status_code=status.HTTP_201_CREATED)
async def book_on_dyno(
    session: SessionDep, actor: ActorDep, body: AllocationCreate
) -> AllocationRead:
    """Book on a named dyno; 409 with the reason when it is incompatible, busy or unavailable."""
    allocation = await booking.book_on_dyno(session, actor, **body.model_dump())
    return AllocationRead.model_validate(allocation)


@router.post("/{allocation_id}/cancel", response_model=AllocationRead)
async def cancel(session: SessionDep, actor: ActorDep, allocation_id: int) -> AllocationRead:
    """Cancel a booking (owners, or power users for any booking)."""
    allocation = await booking.cancel_allocation(session, actor, allocation_id)
    return AllocationRead.model_validate(allocation)


@router.post("/{allocation_id}/reschedule", response_model=AllocationRead)
async def reschedule(
    session: SessionDep, actor: ActorDep, allocation_id: int, body: RescheduleRequest
) -> AllocationRead:
    """Move a scheduled or delayed booking atomically (same dyno if free, else the best)."""
    allocation = await booking.reschedule_allocation(
        session,
        actor,
        allocation_id,
        body.new_start_date,
        days_to_complete=body.days_to_complete,
        dyno=body.dyno,
    )
    return AllocationRead.model_validate(allocation)


@router.patch("/{allocation_id}", response_model=AllocationRead)
async def update_status(
    session: SessionDep, actor: ActorDep, allocation_id: int, body: AllocationUpdate
) -> AllocationRead:
    """Change status: scheduled -> running -> completed, delayed, or cancelled."""
    allocation = await booking.change_status(session, actor, allocation_id, body.status)
    return AllocationRead.model_validate(allocation)


@router.patch("/{allocation_id}/notes", response_model=AllocationRead)
async def update_notes(
    session: SessionDep, actor: ActorDep, allocation_id: int, body: AllocationNotesUpdate
) -> AllocationRead:
    """Set or clear the note and the reference (the booker, or power users for any booking)."""
    allocation = await notes.set_notes(
        session, actor, allocation_id, body.changes(), append=body.append
    )
    return AllocationRead.model_validate(allocation)
