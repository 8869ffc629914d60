"""Forecast import: a test request may be restricted to a facility and keeps its source row.

- `test_requests.facility` (nullable): when the forecast's TEST FACILITY is filled, the test may
  only run on a dyno of that facility (the planner's rule; NULL means any facility).
- `test_requests.source_values` (JSONB, nullable): the imported row's original cells by column
  name (dates as ISO strings), so an export can write the row back as it was.
- `reporting.test_requests` (the agent's ad-hoc view) shows `facility` too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# Migration 0007's view columns; 0008 appends `facility` (CREATE OR REPLACE adds only at the end).
_COLUMNS_0007 = (
    "id, vehicle_id, test_type, mileage_step, step_from_miles, step_to_miles, days,"
    " earliest_start, desired_start, priority, status, allocation_id, source_file, source_sheet,"
    " source_row, notes, created_by, created_at, updated_at"
)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("test_requests", sa.Column("facility", sa.String(60)))
    op.add_column("test_requests", sa.Column("source_values", JSONB))
    op.create_check_constraint(
        op.f("ck_test_requests_facility"),
        "test_requests",
        "facility IS NULL OR btrim(facility) <> ''",
    )
    op.execute(
        f"CREATE OR REPLACE VIEW reporting.test_requests AS SELECT {_COLUMNS_0007}, facility"
        " FROM public.test_requests"
    )


def downgrade() -> None:
    op.execute("DROP VIEW reporting.test_requests")
    op.execute(
        f"CREATE VIEW reporting.test_requests AS SELECT {_COLUMNS_0007} FROM public.test_requests"
    )
    op.execute("REVOKE ALL ON reporting.test_requests FROM PUBLIC")
    op.execute("GRANT SELECT ON reporting.test_requests TO dyno_adhoc_reader")
    op.drop_constraint(op.f("ck_test_requests_facility"), "test_requests", type_="check")
    op.drop_column("test_requests", "source_values")
    op.drop_column("test_requests", "facility")
