"""The `plans` and `plan_assignments` tables (migration 0009): a planner run kept for review.

A plan is a preview until it is committed (its assignments booked as allocations, all at once);
a preview becomes `stale` when another plan is committed after it was made.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dyno_agent.db.base import Base


class PlanStatus(enum.StrEnum):
    preview = "preview"
    committed = "committed"
    stale = "stale"


class StoredPlan(Base):
    """One planner run: what was asked (`params`), how it went (`summary`), what it would book
    (`assignments`) and what it could not place (`unplaced`: request id, reason, message)."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("status IN ('preview', 'committed', 'stale')", name="status_vocab"),
        CheckConstraint(
            "(status = 'committed') = (committed_at IS NOT NULL)", name="committed_has_time"
        ),
        Index("ix_plans_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    today: Mapped[dt.date] = mapped_column(Date, nullable=False)
    horizon_days: Mapped[int] = mapped_column(Integer, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    unplaced: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, server_default=PlanStatus.preview.value
    )
    committed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    committed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assignments: Mapped[list[PlanAssignment]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(PlanAssignment.start_date, PlanAssignment.request_id)",
    )


class PlanAssignment(Base):
    """One request on one dyno, `start_date` to `end_date` inclusive; `allocation_id` once
    the plan is committed."""

    __tablename__ = "plan_assignments"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="date_order"),
        CheckConstraint("lateness_days >= 0", name="lateness_positive"),
        Index("ix_plan_assignments_request_id", "request_id"),
    )

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("test_requests.id", ondelete="CASCADE"), primary_key=True
    )
    dyno_id: Mapped[int] = mapped_column(ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    lateness_days: Mapped[int] = mapped_column(Integer, nullable=False)
    allocation_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocations.id", ondelete="SET NULL")
    )
