"""Notes and an external reference on bookings, both searchable.

- `allocations.reference` (new, up to 64 characters): a test request or work order id such as
  `WO-4471`, kept as typed. Letters, digits, spaces and `- _ . / # :`, starting with a letter or
  digit. Not unique: one work order often covers several tests.
- `allocations.notes` (since 0001): now at most 2000 characters. The check is added NOT VALID so
  an older, longer note does not block the upgrade; every new or changed row is checked.
- Trigram GIN indexes on both (pg_trgm, created by 0003) serve the case-insensitive substring
  search `notes ILIKE '%...%' OR reference ILIKE '%...%'` of `GET /allocations?q=`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCE_CHECK = "reference ~ '^[A-Za-z0-9][A-Za-z0-9 ._/#:-]*$'"


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.add_column("allocations", sa.Column("reference", sa.String(64)))
    op.create_check_constraint(
        op.f("ck_allocations_reference_format"), "allocations", REFERENCE_CHECK
    )
    op.execute(
        "ALTER TABLE allocations ADD CONSTRAINT ck_allocations_notes_length"
        " CHECK (char_length(notes) <= 2000) NOT VALID"
    )
    for column in ("notes", "reference"):
        op.create_index(
            f"ix_allocations_{column}_trgm",
            "allocations",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    for column in ("notes", "reference"):
        op.drop_index(f"ix_allocations_{column}_trgm", table_name="allocations")
    op.drop_constraint(op.f("ck_allocations_notes_length"), "allocations", type_="check")
    op.drop_constraint(op.f("ck_allocations_reference_format"), "allocations", type_="check")
    op.drop_column("allocations", "reference")
