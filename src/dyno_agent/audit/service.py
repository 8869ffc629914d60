"""Reading the audit log (the triggers write it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    table: str | None = None
    row_id: int | None = None
    actor_id: int | None = None
    channel: str | None = None


async def list_entries(
    session: AsyncSession, filters: AuditFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[AuditEntry], int]:
    """One page of entries, newest first, and how many match in all."""
    conditions = []
    if filters.table is not None:
        conditions.append(AuditEntry.table_name == filters.table)
    if filters.row_id is not None:
        conditions.append(AuditEntry.row_id == filters.row_id)
    if filters.actor_id is not None:
        conditions.append(AuditEntry.actor_id == filters.actor_id)
    if filters.channel is not None:
        conditions.append(AuditEntry.channel == filters.channel)
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    rows = await session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total or 0
