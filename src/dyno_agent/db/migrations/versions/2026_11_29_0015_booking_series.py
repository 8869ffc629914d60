"""Recurring bookings: a series of allocations booked together from one repeat pattern.

- `booking_series`: the vehicle and test, the pattern as people wrote it (`pattern`) and as an
  iCalendar RRULE (`rule`, read by dateutil), its first possible day, the days of each
  occurrence, the count or end date, the booking mode (`all_or_nothing` or `backup` with at most
  `max_shift_days` per occurrence), the dyno it prefers, who made it and a status (`active`, or
  `cancelled` once the series as a whole was cancelled).
- `allocations.series_id`: the series an allocation is an occurrence of (NULL for single
  bookings); deleting a series keeps its allocations as single bookings.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "vehicle_id",
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("test_type", sa.String(80), nullable=False),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer),
        sa.Column("until", sa.Date),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("max_shift_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(10), nullable=False, server_default="active"),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("mode IN ('all_or_nothing', 'backup')", name="mode_vocab"),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name="status_vocab"),
        sa.CheckConstraint("days >= 1", name="days_positive"),
        sa.CheckConstraint("max_shift_days >= 0", name="shift_positive"),
        sa.CheckConstraint("count IS NOT NULL OR until IS NOT NULL", name="bounded"),
    )
    op.create_index("ix_booking_series_vehicle_id", "booking_series", ["vehicle_id"])
    op.add_column(
        "allocations",
        sa.Column(
            "series_id",
            sa.Integer,
            sa.ForeignKey(
                "booking_series.id",
                ondelete="SET NULL",
                name=op.f("fk_allocations_series_id_booking_series"),
            ),
        ),
    )
    op.create_index("ix_allocations_series_id", "allocations", ["series_id"])


def downgrade() -> None:
    op.drop_index("ix_allocations_series_id", table_name="allocations")
    op.drop_column("allocations", "series_id")
    op.drop_index("ix_booking_series_vehicle_id", table_name="booking_series")
    op.drop_table("booking_series")
