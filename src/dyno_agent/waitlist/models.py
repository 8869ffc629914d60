"""Tables of the waitlist (migration 0016): entries in line, and the queue of freed days."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dyno_agent.db.base import Base, TimestampMixin
from dyno_agent.scheduling.models import Allocation, Vehicle


class EntryStatus(enum.StrEnum):
    waiting = "waiting"  # in line
    offered = "offered"  # a slot is held for it (allocation `held`)
    booked = "booked"  # the offer was accepted
    expired = "expired"  # the hold ran out, or the window passed while waiting
    withdrawn = "withdrawn"  # withdrawn, or the offer declined


class WaitlistEntry(TimestampMixin, Base):
    """A request for `days` consecutive days between `earliest_start` and `latest_end`, waiting
    for a compatible dyno to come free; its place in line is its creation time."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')",
            name="status_vocab",
        ),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("latest_end - earliest_start + 1 >= days", name="days_fit"),
        Index(
            "ix_waitlist_entries_waiting",
            "created_at",
            "id",
            postgresql_where=text("status = 'waiting'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False
    )
    test_type: Mapped[str] = mapped_column(String(80), nullable=False)
    earliest_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    latest_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, server_default=EntryStatus.waiting.value
    )
    # The offer (a `held` allocation, later the booking); kept after it ends, for the record.
    allocation_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocations.id", ondelete="SET NULL"), unique=True
    )
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    vehicle: Mapped[Vehicle] = relationship(lazy="raise")
    allocation: Mapped[Allocation | None] = relationship(lazy="raise")


class WaitlistWakeup(Base):
    """Days freed by a change (written by triggers in its transaction), not yet offered."""

    __tablename__ = "waitlist_wakeups"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[str] = mapped_column(String(12), nullable=False)
    dyno_id: Mapped[int | None] = mapped_column(Integer)
    vehicle_id: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
