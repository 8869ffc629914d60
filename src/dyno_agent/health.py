"""Liveness and readiness probes (no auth)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

router = APIRouter(tags=["health"])


async def database_answers(engine: AsyncEngine) -> Exception | None:
    """None when the database answers a query, else what went wrong (bounded by the timeouts)."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means "not ready"
        return exc
    return None


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/health/ready", responses={503: {"description": "Database unreachable"}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: the database answers a query (within the DYNO_DB_*_TIMEOUT_* bounds)."""
    failure = await database_answers(request.app.state.engine)
    if failure is not None:
        body = {"error": "not_ready", "message": "Database unreachable.", "details": {}}
        body["details"] = {"reason": type(failure).__name__}
        retry_after = str(request.app.state.settings.db_retry_after_s)
        return JSONResponse(body, status_code=503, headers={"Retry-After": retry_after})
    return JSONResponse({"status": "ready", "database": "ok"})
