"""Reports: conflicts, dyno state on a day, counts, utilisation."""

from __future__ import annotations

from fastapi import APIRouter

from dyno_agent.deps import CurrentUser, SessionDep
from dyno_agent.inputs import Day
from dyno_agent.scheduling import reports, slip
from dyno_agent.scheduling.schemas.allocations import DynoBrief
from dyno_agent.scheduling.schemas.reports import (
    ConflictRead,
    CountsRead,
    DynoDayStatusRead,
    SlipRead,
    UtilizationRead,
)

router = APIRouter(tags=["reports"])


@router.get("/conflicts", response_model=list[ConflictRead])
async def get_conflicts(
    session: SessionDep,
    _: CurrentUser,
    start_date: Day | None = None,
    end_date: Day | None = None,
) -> list[ConflictRead]:
    """Open allocations in conflict: overlaps, maintenance, dyno state or rules, unplaced."""
    items = await reports.detect_conflicts(session, start_date, end_date)
    return [ConflictRead.model_validate(item) for item in items]


@router.get("/reports/maintenance", response_model=list[DynoDayStatusRead])
async def get_maintenance_check(
    session: SessionDep, _: CurrentUser, on_date: Day | None = None
) -> list[DynoDayStatusRead]:
    """Each dyno's state on a day (default today): available, disabled, outside, maintenance."""
    rows = await reports.maintenance_check(session, on_date)
    return [
        DynoDayStatusRead(dyno=DynoBrief.model_validate(r.dyno), status=r.status, reason=r.reason)
        for r in rows
    ]


@router.get("/reports/counts", response_model=CountsRead)
async def get_counts(
    session: SessionDep,
    _: CurrentUser,
    start_date: Day | None = None,
    end_date: Day | None = None,
) -> CountsRead:
    """Allocation counts by status and by test type, optionally for a date range."""
    result = await reports.counts(session, start_date, end_date)
    return CountsRead(
        by_status=result.by_status,
        by_test_type=result.by_test_type,
        completed=result.by_status.get("completed", 0),
        total=result.total,
    )


@router.get("/reports/utilization", response_model=UtilizationRead)
async def get_utilization(
    session: SessionDep,
    _: CurrentUser,
    start_date: Day | None = None,
    end_date: Day | None = None,
) -> UtilizationRead:
    """Booked days / available days per dyno (default: the 28 days from today)."""
    return UtilizationRead.of(await reports.utilization_report(session, start_date, end_date))


@router.get("/reports/slip", response_model=SlipRead)
async def get_slip(
    session: SessionDep,
    _: CurrentUser,
    start_date: Day | None = None,
    end_date: Day | None = None,
    dyno_id: int | None = None,
) -> SlipRead:
    """Planned versus actual start and end of tests that ran (default: the 28 days to today)."""
    report = await slip.slip_report(session, start_date, end_date, dyno_id=dyno_id)
    return SlipRead.of(report)
