"""Actual start and end dates of allocations, so reports can show slip (planned versus actual).

- `allocations.actual_start_date`: the day the test was marked running.
- `allocations.actual_end_date`: the day it was marked completed; never before the actual start.

Both are NULL until then, and for bookings started or completed before this revision (their
actual days were not recorded).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("allocations", sa.Column("actual_start_date", sa.Date))
    op.add_column("allocations", sa.Column("actual_end_date", sa.Date))
    op.create_check_constraint(
        op.f("ck_allocations_actual_date_order"),
        "allocations",
        "actual_end_date IS NULL OR actual_start_date IS NULL"
        " OR actual_end_date >= actual_start_date",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_allocations_actual_date_order"), "allocations", type_="check")
    op.drop_column("allocations", "actual_end_date")
    op.drop_column("allocations", "actual_start_date")
