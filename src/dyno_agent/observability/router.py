"""GET /metrics: Prometheus text format (every worker's metrics and the business gauges)."""

from __future__ import annotations

import contextlib
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client.metrics_core import GaugeMetricFamily

from dyno_agent.deps import SessionDep, SettingsDep
from dyno_agent.errors import NotAuthenticated
from dyno_agent.health import database_answers
from dyno_agent.observability import metrics
from dyno_agent.observability.business import BusinessCollector

router = APIRouter(tags=["operations"])
_bearer = HTTPBearer(auto_error=False)


async def check_metrics_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """With DYNO_METRICS_TOKEN set, a scrape must send it as a bearer token."""
    expected = settings.metrics_token
    if not expected:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise NotAuthenticated("Send the metrics token as `Authorization: Bearer <token>`.")


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(check_metrics_token)],
    responses={200: {"content": {metrics.CONTENT_TYPE: {}}, "description": "Metrics"}},
)
async def get_metrics(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Prometheus metrics (text format); the business figures are cached, not read per scrape."""
    cache = request.app.state.business_cache
    up = await database_answers(request.app.state.engine) is None
    report = cache.last
    if up:
        try:
            report = await cache.get(session, settings.manual_minutes_per_booking)
        except Exception:  # lost the database meanwhile: serve the rest and the last figures
            with contextlib.suppress(Exception):
                await session.rollback()
    database = GaugeMetricFamily(
        "dyno_database_up", "1 when the database answers (as /health/ready), else 0."
    )
    database.add_metric([], 1.0 if up else 0.0)
    extra: list[metrics.Collector] = [metrics.Families(database)]
    if report is not None:
        extra.append(BusinessCollector(report))
    body = metrics.render(*extra)
    return Response(body, media_type=metrics.CONTENT_TYPE)
