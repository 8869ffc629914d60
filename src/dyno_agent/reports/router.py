"""GET /api/v1/reports/business: the lab's business figures."""

from __future__ import annotations

from fastapi import APIRouter, Request

from dyno_agent.deps import CurrentUser, SessionDep, SettingsDep
from dyno_agent.reports.schemas import BusinessReportRead

router = APIRouter(tags=["reports"])


@router.get("/reports/business", response_model=BusinessReportRead)
async def get_business_report(
    request: Request, session: SessionDep, settings: SettingsDep, _: CurrentUser
) -> BusinessReportRead:
    """Utilisation (week, month), backlog, lead time, on-time starts, completed tests and the
    estimated planning time saved; cached for DYNO_BUSINESS_CACHE_S seconds."""
    cache = request.app.state.business_cache
    report = await cache.get(session, settings.manual_minutes_per_booking)
    return BusinessReportRead.of(report)
