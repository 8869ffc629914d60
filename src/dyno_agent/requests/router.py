"""Routes for test requests: anyone signed in reads them; power users create, edit and cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dyno_agent.deps import ActorDep, CurrentUser, SessionDep
from dyno_agent.inputs import Day
from dyno_agent.pagination import Page, PageParams
from dyno_agent.requests import service
from dyno_agent.requests.models import MAX_PRIORITY, MIN_PRIORITY, RequestStatus
from dyno_agent.requests.schemas import TestRequestCreate, TestRequestRead, TestRequestUpdate
from dyno_agent.requests.service import RequestFilter
from dyno_agent.requests.steps import normalize_mileage_step
from dyno_agent.scheduling.vocab import normalize_test_type

router = APIRouter(prefix="/requests", tags=["test requests"])


@router.get("", response_model=Page[TestRequestRead])
async def list_requests(
    session: SessionDep,
    _: CurrentUser,
    page: PageParams,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
    vehicle_id: Annotated[int | None, Query(ge=1)] = None,
    test_type: Annotated[str | None, Query(max_length=80)] = None,
    mileage_step: Annotated[str | None, Query(max_length=60, examples=["5K-75K"])] = None,
    min_priority: Annotated[int | None, Query(ge=MIN_PRIORITY, le=MAX_PRIORITY)] = None,
    start_date: Annotated[Day | None, Query(description="Desired start on or after.")] = None,
    end_date: Annotated[Day | None, Query(description="Desired start on or before.")] = None,
) -> Page[TestRequestRead]:
    """Test requests, filtered and paginated, ordered by desired start."""
    filters = RequestFilter(
        status=status_,
        vehicle_id=vehicle_id,
        test_type=normalize_test_type(test_type) if test_type else None,
        mileage_step=normalize_mileage_step(mileage_step) if mileage_step else None,
        min_priority=min_priority,
        start_date=start_date,
        end_date=end_date,
    )
    items, total = await service.list_requests(
        session, filters, limit=page.limit, offset=page.offset
    )
    return Page[TestRequestRead](
        items=[TestRequestRead.model_validate(r) for r in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{request_id}", response_model=TestRequestRead)
async def get_request(request_id: int, session: SessionDep, _: CurrentUser) -> TestRequestRead:
    """One test request by id."""
    return TestRequestRead.model_validate(await service.get_request(session, request_id))


@router.post("", response_model=TestRequestRead, status_code=status.HTTP_201_CREATED)
async def create_request(
    body: TestRequestCreate, session: SessionDep, actor: ActorDep
) -> TestRequestRead:
    """Record a test to place later (power_user); 409 if the vehicle already has one for the same
    test and mileage step."""
    return TestRequestRead.model_validate(await service.create_request(session, actor, body))


@router.patch("/{request_id}", response_model=TestRequestRead)
async def update_request(
    request_id: int, body: TestRequestUpdate, session: SessionDep, actor: ActorDep
) -> TestRequestRead:
    """Change some fields of an open or planned request (power_user)."""
    request = await service.update_request(session, actor, request_id, body)
    return TestRequestRead.model_validate(request)


@router.post("/{request_id}/cancel", response_model=TestRequestRead)
async def cancel_request(request_id: int, session: SessionDep, actor: ActorDep) -> TestRequestRead:
    """Cancel an open or planned request (power_user)."""
    return TestRequestRead.model_validate(await service.cancel_request(session, actor, request_id))
