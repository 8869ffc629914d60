"""GET /audit: who changed users, vehicles, dynos, rules and maintenance (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dyno_agent.audit import service
from dyno_agent.audit.schemas import AuditChannel, AuditEntryRead, AuditTable
from dyno_agent.deps import AdminUser, SessionDep
from dyno_agent.pagination import Page, PageParams

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryRead])
async def list_audit(
    _: AdminUser,
    session: SessionDep,
    page: PageParams,
    table: AuditTable | None = None,
    row_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    channel: AuditChannel | None = None,
) -> Page[AuditEntryRead]:
    """Audit entries, newest first: who changed which row, through which channel (admins)."""
    filters = service.AuditFilter(table=table, row_id=row_id, actor_id=actor_id, channel=channel)
    items, total = await service.list_entries(
        session, filters, limit=page.limit, offset=page.offset
    )
    return Page(
        items=[AuditEntryRead.model_validate(e) for e in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
