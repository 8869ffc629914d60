"""The `test_requests` table (migration 0007) and its status lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dyno_agent.db.base import Base, TimestampMixin
from dyno_agent.requests.status import RequestStatus

# Which status may follow which; mirrored by the trigger `test_requests_check_transition`.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.open: frozenset(
        {RequestStatus.planned, RequestStatus.booked, RequestStatus.cancelled}
    ),
    RequestStatus.planned: frozenset(
        {RequestStatus.open, RequestStatus.booked, RequestStatus.cancelled}
    ),
    RequestStatus.booked: frozenset(),
    RequestStatus.cancelled: frozenset(),
}
# Until it is booked or cancelled, a request may be edited.
EDITABLE_STATUSES = (RequestStatus.open, RequestStatus.planned)
DEFAULT_PRIORITY = 3
MIN_PRIORITY, MAX_PRIORITY = 1, 5


class TestRequest(TimestampMixin, Base):
    """A vehicle's test that should run for `days` days, starting no earlier than
    `earliest_start` and ideally on `desired_start`; higher `priority` matters more (1 to 5)."""

    __test__ = False  # not a pytest test class despite the name
    __tablename__ = "test_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'planned', 'booked', 'cancelled')", name="status_vocab"
        ),
        CheckConstraint(
            "(status = 'booked') = (allocation_id IS NOT NULL)", name="booked_has_allocation"
        ),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        CheckConstraint("desired_start >= earliest_start", name="desired_after_earliest"),
        CheckConstraint(
            "test_type = lower(btrim(test_type)) AND test_type <> ''", name="test_type"
        ),
        CheckConstraint("btrim(mileage_step) <> ''", name="mileage_step"),
        CheckConstraint(
            "(step_from_miles IS NULL) = (step_to_miles IS NULL)"
            " AND (step_from_miles IS NULL OR 0 <= step_from_miles AND"
            " step_from_miles < step_to_miles)",
            name="step_range",
        ),
        CheckConstraint("source_row IS NULL OR source_row >= 1", name="source_row_positive"),
        CheckConstraint("facility IS NULL OR btrim(facility) <> ''", name="facility"),
        Index("ix_test_requests_vehicle_id", "vehicle_id"),
        Index("ix_test_requests_status", "status"),
        Index(
            "uq_test_requests_key",
            "vehicle_id",
            "test_type",
            "mileage_step",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="RESTRICT"), nullable=False
    )
    test_type: Mapped[str] = mapped_column(String(80), nullable=False)
    mileage_step: Mapped[str] = mapped_column(String(40), nullable=False)
    step_from_miles: Mapped[int | None] = mapped_column(Integer)
    step_to_miles: Mapped[int | None] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    earliest_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    desired_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    priority: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=str(DEFAULT_PRIORITY)
    )
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, server_default=RequestStatus.open.value
    )
    allocation_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocations.id", ondelete="RESTRICT"), unique=True
    )
    source_file: Mapped[str | None] = mapped_column(String(255))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # The forecast's TEST FACILITY: the test may only run on a dyno of this facility (migration 8).
    facility: Mapped[str | None] = mapped_column(String(60))
    # The imported row's original cells by column name (ISO dates), for the export.
    source_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
