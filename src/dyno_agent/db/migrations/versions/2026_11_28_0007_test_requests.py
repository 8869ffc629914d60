"""Test requests: demand not yet on a dyno (vehicle, test, mileage step, days, dates, priority).

- One row per request; `status` is `open`, `planned`, `booked` or `cancelled`, and a trigger
  (`test_requests_check_transition`) allows only open -> planned/booked/cancelled,
  planned -> open/booked/cancelled. A booked request names its allocation (and only a booked one).
- A request is keyed by (vehicle, test type, mileage step) among the requests not cancelled
  (partial unique index `uq_test_requests_key`), so an import can find and update its rows.
- `step_from_miles`/`step_to_miles` hold a mileage range step ("0K-5K" -> 0, 5000); a vehicle's
  steps run in that order. Steps that are labels (a program name) have none.
- Every change is written to `audit_log` by the generic `audit_row()` trigger of migration 0005.
- `reporting.test_requests` shows the table to the agent's ad-hoc queries (as in migration 0004).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written out (not `*`), like migration 0004's views; `adhoc/views.py` describes the same columns.
REPORTING_VIEW = (
    "CREATE VIEW reporting.test_requests AS SELECT id, vehicle_id, test_type, mileage_step,"
    " step_from_miles, step_to_miles, days, earliest_start, desired_start, priority, status,"
    " allocation_id, source_file, source_sheet, source_row, notes, created_by, created_at,"
    " updated_at FROM public.test_requests"
)


def upgrade() -> None:
    op.create_table(
        "test_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "vehicle_id",
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("test_type", sa.String(80), nullable=False),
        sa.Column("mileage_step", sa.String(40), nullable=False),
        sa.Column("step_from_miles", sa.Integer),
        sa.Column("step_to_miles", sa.Integer),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("earliest_start", sa.Date, nullable=False),
        sa.Column("desired_start", sa.Date, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False, server_default=sa.text("3")),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column(
            "allocation_id",
            sa.Integer,
            sa.ForeignKey("allocations.id", ondelete="RESTRICT"),
            unique=True,
        ),
        sa.Column("source_file", sa.String(255)),
        sa.Column("source_sheet", sa.String(100)),
        sa.Column("source_row", sa.Integer),
        sa.Column("notes", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('open', 'planned', 'booked', 'cancelled')", name="status_vocab"
        ),
        sa.CheckConstraint(
            "(status = 'booked') = (allocation_id IS NOT NULL)", name="booked_has_allocation"
        ),
        sa.CheckConstraint("days >= 1", name="days_positive"),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        sa.CheckConstraint("desired_start >= earliest_start", name="desired_after_earliest"),
        sa.CheckConstraint(
            "test_type = lower(btrim(test_type)) AND test_type <> ''", name="test_type"
        ),
        sa.CheckConstraint("btrim(mileage_step) <> ''", name="mileage_step"),
        sa.CheckConstraint(
            "(step_from_miles IS NULL) = (step_to_miles IS NULL)"
            " AND (step_from_miles IS NULL OR 0 <= step_from_miles AND"
            " step_from_miles < step_to_miles)",
            name="step_range",
        ),
        sa.CheckConstraint("source_row IS NULL OR source_row >= 1", name="source_row_positive"),
    )
    op.create_index("ix_test_requests_vehicle_id", "test_requests", ["vehicle_id"])
    op.create_index("ix_test_requests_status", "test_requests", ["status"])
    op.create_index(
        "uq_test_requests_key",
        "test_requests",
        ["vehicle_id", "test_type", "mileage_step"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.execute(
        """
        CREATE FUNCTION test_requests_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
                (OLD.status = 'open' AND NEW.status IN ('planned', 'booked', 'cancelled'))
                OR (OLD.status = 'planned' AND NEW.status IN ('open', 'booked', 'cancelled'))
            ) THEN
                RAISE EXCEPTION 'test request % cannot go from % to %',
                        OLD.id, OLD.status, NEW.status
                    USING ERRCODE = 'check_violation',
                          CONSTRAINT = 'ck_test_requests_status_transition';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER test_requests_check_transition
            BEFORE UPDATE OF status ON test_requests
            FOR EACH ROW EXECUTE FUNCTION test_requests_check_transition();
        CREATE TRIGGER test_requests_audit
            AFTER INSERT OR UPDATE OR DELETE ON test_requests
            FOR EACH ROW EXECUTE FUNCTION audit_row();
        """
    )
    op.execute(REPORTING_VIEW)
    op.execute("REVOKE ALL ON reporting.test_requests FROM PUBLIC")
    op.execute("GRANT SELECT ON reporting.test_requests TO dyno_adhoc_reader")


def downgrade() -> None:
    op.execute(
        """
        DROP VIEW reporting.test_requests;
        DROP TRIGGER test_requests_audit ON test_requests;
        DROP TRIGGER test_requests_check_transition ON test_requests;
        DROP FUNCTION test_requests_check_transition();
        """
    )
    op.drop_table("test_requests")
