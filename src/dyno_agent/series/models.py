"""The booking series table (migration 0015); its occurrences are allocations with `series_id`."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dyno_agent.db.base import Base, TimestampMixin


class SeriesMode(enum.StrEnum):
    all_or_nothing = "all_or_nothing"  # every occurrence is booked, or none
    backup = "backup"  # each occurrence may start up to `max_shift_days` later, or be skipped


class SeriesStatus(enum.StrEnum):
    active = "active"
    cancelled = "cancelled"


class BookingSeries(TimestampMixin, Base):
    __tablename__ = "booking_series"
    __table_args__ = (
        CheckConstraint("mode IN ('all_or_nothing', 'backup')", name="mode_vocab"),
        CheckConstraint("status IN ('active', 'cancelled')", name="status_vocab"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("max_shift_days >= 0", name="shift_positive"),
        CheckConstraint("count IS NOT NULL OR until IS NOT NULL", name="bounded"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    test_type: Mapped[str] = mapped_column(String(80), nullable=False)
    pattern: Mapped[str] = mapped_column(Text, nullable=False)  # as people read it
    rule: Mapped[str] = mapped_column(Text, nullable=False)  # RRULE, read by dateutil
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[dt.date | None] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    max_shift_days: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    dyno_id: Mapped[int | None] = mapped_column(ForeignKey("dynos.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, server_default=SeriesStatus.active.value
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
