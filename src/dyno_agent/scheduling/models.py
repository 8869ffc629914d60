"""Tables of the scheduling domain. The migrations create them; these mappings mirror them.

The guarantees (no double booking of a dyno or a vehicle, no booking in maintenance, valid status
transitions, an audit row for every allocation change) live in PostgreSQL (initial migration).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dyno_agent.auth.models import User
from dyno_agent.db.base import Base, TimestampMixin
from dyno_agent.scheduling.status import AllocationStatus

# Which status may follow which; mirrored by the trigger `allocations_check_transition`.
TRANSITIONS: dict[AllocationStatus, frozenset[AllocationStatus]] = {
    AllocationStatus.scheduled: frozenset(
        {AllocationStatus.running, AllocationStatus.delayed, AllocationStatus.cancelled}
    ),
    AllocationStatus.delayed: frozenset(
        {AllocationStatus.scheduled, AllocationStatus.running, AllocationStatus.cancelled}
    ),
    AllocationStatus.running: frozenset({AllocationStatus.completed, AllocationStatus.cancelled}),
    AllocationStatus.completed: frozenset(),
    AllocationStatus.cancelled: frozenset(),
    AllocationStatus.held: frozenset({AllocationStatus.scheduled, AllocationStatus.cancelled}),
    # Approved (scheduled) or rejected/withdrawn (cancelled); never straight to running.
    AllocationStatus.requested: frozenset({AllocationStatus.scheduled, AllocationStatus.cancelled}),
}
ACTIVE_STATUSES = (
    AllocationStatus.scheduled,
    AllocationStatus.delayed,
    AllocationStatus.running,
    AllocationStatus.completed,
)
# Before these, an allocation can still be moved (rescheduled) or handed to another dyno.
MOVABLE_STATUSES = (AllocationStatus.scheduled, AllocationStatus.delayed)


class Vehicle(TimestampMixin, Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        CheckConstraint("vin ~ '^[A-HJ-NPR-Z0-9]{17}$'", name="vin_format"),
        CheckConstraint("weight_lbs BETWEEN 1 AND 80000", name="weight_range"),
        CheckConstraint("weight_class IN ('<10K', '>10K')", name="weight_class_vocab"),
        CheckConstraint(
            "weight_lbs IS NULL OR weight_class = "
            "CASE WHEN weight_lbs <= 10000 THEN '<10K' ELSE '>10K' END",
            name="weight_class_matches_weight",
        ),
        CheckConstraint("drive_type IN ('2WD', 'AWD', '4WD')", name="drive_type_vocab"),
        CheckConstraint(
            "tag IS NOT NULL OR placeholder_key IS NOT NULL", name="tag_or_placeholder"
        ),
        CheckConstraint("model_year BETWEEN 1980 AND 2100", name="model_year_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The lab's Tag #; NULL only while the vehicle is a placeholder (not built yet).
    tag: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Set once for a placeholder and kept after its tag is assigned, so re-imports find it.
    placeholder_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    vin: Mapped[str | None] = mapped_column(String(17), unique=True)
    model_year: Mapped[int | None] = mapped_column(SmallInteger)
    program: Mapped[str | None] = mapped_column(String(120))
    build_id: Mapped[str | None] = mapped_column(String(60))
    cert_team: Mapped[str | None] = mapped_column(String(120))
    powerpack: Mapped[str | None] = mapped_column(String(200))
    build_type: Mapped[str | None] = mapped_column(String(60))
    weight_lbs: Mapped[int | None] = mapped_column(Integer)
    weight_class: Mapped[str] = mapped_column(String(4), nullable=False)
    drive_type: Mapped[str] = mapped_column(String(3), nullable=False)

    @property
    def is_placeholder(self) -> bool:
        return self.tag is None

    @property
    def label(self) -> str:
        """How messages name the vehicle: its tag, else its VIN, else its placeholder key."""
        return self.tag or self.vin or self.placeholder_key or f"#{self.id}"


class Dyno(TimestampMixin, Base):
    __tablename__ = "dynos"
    __table_args__ = (
        CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
            name="window_order",
        ),
        Index("ix_dynos_supported_test_types", "supported_test_types", postgresql_using="gin"),
        Index("ix_dynos_supported_drives", "supported_drives", postgresql_using="gin"),
        Index(
            "ix_dynos_supported_weight_classes", "supported_weight_classes", postgresql_using="gin"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    facility: Mapped[str] = mapped_column(String(60), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="true")
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    available_to: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # Display-only summaries of the rules, kept in step by the domain (`dynos.set_rules`).
    supported_weight_classes: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default="{}"
    )
    supported_drives: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default="{}"
    )
    supported_test_types: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default="{}"
    )
    # Users' bookings here start as `requested` until a power user approves them (0017).
    needs_approval: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")

    rules: Mapped[list[DynoRule]] = relationship(
        back_populates="dyno", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class DynoRule(Base):
    """One conjunctive rule: this dyno may run `test_type` for this drive type and weight class."""

    __tablename__ = "dyno_rules"
    __table_args__ = (
        UniqueConstraint("dyno_id", "test_type", "drive_type", "weight_class", name="uq_dyno_rule"),
        CheckConstraint("drive_type IN ('2WD', 'AWD', '4WD', 'any')", name="drive_type_vocab"),
        CheckConstraint("weight_class IN ('<10K', '>10K', 'any')", name="weight_class_vocab"),
        CheckConstraint(
            "test_type = lower(btrim(test_type)) AND test_type <> ''", name="test_type"
        ),
        Index("ix_dyno_rules_lookup", "test_type", "drive_type", "weight_class", "dyno_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dyno_id: Mapped[int] = mapped_column(ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False)
    test_type: Mapped[str] = mapped_column(String(80), nullable=False)
    drive_type: Mapped[str] = mapped_column(String(3), nullable=False)
    weight_class: Mapped[str] = mapped_column(String(4), nullable=False)

    dyno: Mapped[Dyno] = relationship(back_populates="rules", lazy="raise")


class MaintenanceWindow(Base):
    __tablename__ = "maintenance_windows"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dyno_id: Mapped[int] = mapped_column(
        ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False, index=True
    )
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Allocation(TimestampMixin, Base):
    """A vehicle's test on a dyno over whole days, `start_date` to `end_date` inclusive."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="date_order"),
        CheckConstraint(
            "status IN ('scheduled', 'delayed', 'running', 'completed', 'cancelled', 'held',"
            " 'requested')",
            name="status_vocab",
        ),
        CheckConstraint(
            "status <> 'held' OR (hold_expires_at IS NOT NULL AND dyno_id IS NOT NULL)",
            name="held_has_expiry",
        ),
        CheckConstraint(
            "approval IS NULL OR approval IN ('approved', 'rejected')", name="approval_vocab"
        ),
        CheckConstraint(
            "approval IS DISTINCT FROM 'rejected'"
            " OR (status = 'cancelled' AND btrim(coalesce(approval_reason, '')) <> '')",
            name="rejected_with_reason",
        ),
        Index(
            "ix_allocations_requested", "created_at", postgresql_where=text("status = 'requested'")
        ),
        CheckConstraint(
            "dyno_id IS NOT NULL OR status IN ('scheduled', 'delayed', 'cancelled')",
            name="placed_when_started",
        ),
        CheckConstraint(
            "actual_end_date IS NULL OR actual_start_date IS NULL"
            " OR actual_end_date >= actual_start_date",
            name="actual_date_order",
        ),
        Index("ix_allocations_dyno_dates", "dyno_id", "start_date", "end_date"),
        Index("ix_allocations_vehicle_id", "vehicle_id"),
        Index("ix_allocations_status", "status"),
        # Notes and references (migration 0012): searched with ILIKE through trigram indexes.
        CheckConstraint("reference ~ '^[A-Za-z0-9][A-Za-z0-9 ._/#:-]*$'", name="reference_format"),
        CheckConstraint("char_length(notes) <= 2000", name="notes_length"),
        Index(
            "ix_allocations_notes_trgm",
            "notes",
            postgresql_using="gin",
            postgresql_ops={"notes": "gin_trgm_ops"},
        ),
        Index(
            "ix_allocations_reference_trgm",
            "reference",
            postgresql_using="gin",
            postgresql_ops={"reference": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="RESTRICT"), nullable=False
    )
    dyno_id: Mapped[int | None] = mapped_column(ForeignKey("dynos.id", ondelete="RESTRICT"))
    test_type: Mapped[str] = mapped_column(String(80), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(
        String(12), nullable=False, server_default=AllocationStatus.scheduled.value
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # A test request or work order id as the lab writes it (migration 0012); not unique.
    reference: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The days it was marked running and completed (migration 0011); planned days stay above.
    actual_start_date: Mapped[dt.date | None] = mapped_column(Date)
    actual_end_date: Mapped[dt.date | None] = mapped_column(Date)
    # The recurring series this is an occurrence of (migration 0015); NULL for single bookings.
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_series.id", ondelete="SET NULL"), index=True
    )
    # Until when a `held` slot (a waitlist offer) waits for its owner to accept (migration 0016).
    hold_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The decision on a request (migration 0017): approved or rejected, by whom, when, why.
    approval: Mapped[str | None] = mapped_column(String(10))
    approval_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approval_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approval_reason: Mapped[str | None] = mapped_column(Text)

    vehicle: Mapped[Vehicle] = relationship(lazy="raise")
    dyno: Mapped[Dyno | None] = relationship(lazy="raise")
    creator: Mapped[User | None] = relationship(
        lazy="raise", viewonly=True, foreign_keys=[created_by]
    )

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def created_by_name(self) -> str | None:
        """Who booked it, by name (else the e-mail's local part), when `creator` was loaded."""
        creator = self.__dict__.get("creator")
        return None if creator is None else creator.full_name or creator.email.split("@")[0]


class AllocationEvent(Base):
    """Audit log: one row per insert/update/delete of an allocation, written by a trigger."""

    __tablename__ = "allocation_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    allocation_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AppMeta(Base):
    """Small key/value facts about the database, e.g. which dataset it holds."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
