"""Plans: planner runs kept for review (`plans`) and what each would book (`plan_assignments`).

- `plans`: who made it and when, `today` and `horizon_days` it was planned for, the request
  filter and solver settings (`params`, JSONB), the summary (placed, lateness, solver status and
  gap, utilisation, bottleneck; JSONB), the unplaced requests with their reason (JSONB list) and
  a status: `preview`, `committed` (with `committed_at`/`committed_by`) or `stale` (another plan
  was committed after it was made).
- `plan_assignments`: one row per placed request (plan, request, dyno, inclusive dates, lateness)
  and, once committed, the allocation it became.
- Deleting a request or a dyno deletes the plan rows naming it (plans are previews, not history;
  a committed plan's bookings are allocations of their own).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("today", sa.Date, nullable=False),
        sa.Column("horizon_days", sa.Integer, nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("summary", JSONB, nullable=False),
        sa.Column("unplaced", JSONB, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="preview"),
        sa.Column("committed_at", sa.DateTime(timezone=True)),
        sa.Column("committed_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.CheckConstraint("status IN ('preview', 'committed', 'stale')", name="status_vocab"),
        sa.CheckConstraint(
            "(status = 'committed') = (committed_at IS NOT NULL)", name="committed_has_time"
        ),
    )
    op.create_index("ix_plans_created_at", "plans", ["created_at"])
    op.create_table(
        "plan_assignments",
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("test_requests.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("lateness_days", sa.Integer, nullable=False),
        sa.Column(
            "allocation_id", sa.Integer, sa.ForeignKey("allocations.id", ondelete="SET NULL")
        ),
        sa.CheckConstraint("end_date >= start_date", name="date_order"),
        sa.CheckConstraint("lateness_days >= 0", name="lateness_positive"),
    )
    op.create_index("ix_plan_assignments_request_id", "plan_assignments", ["request_id"])


def downgrade() -> None:
    op.drop_table("plan_assignments")
    op.drop_table("plans")
