"""Vehicles are identified by their tag; the VIN becomes optional; placeholder vehicles.

- `vehicles.tag` (the lab's "Tag #", unique): required unless the vehicle is a placeholder.
- `vehicles.placeholder_key` (unique): set for a vehicle not built yet (the workbook's `TBD-2027
  P702` rows, keyed `TBD-2027 P702#<n>`, the n-th such row) and kept once its tag is assigned. A
  check requires a tag or a placeholder key.
- `vehicles.vin` may be NULL (still unique and well-formed when present).
- `vehicles.model_year` (the workbook's `MY`); program, build id, build type, powerpack and cert
  team exist since 0001.

Existing vehicles get tag = their VIN, so every vehicle has a tag after the upgrade. The reporting
views `vehicles` and `allocation_overview` gain the new columns at the end (CREATE OR REPLACE), and
downgrade re-creates them as 0004 made them. Downgrade refuses while a vehicle has no VIN, since the
old schema cannot hold it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VEHICLES = (
    "SELECT id, vin, program, build_id, cert_team, powerpack, build_type, weight_lbs,"
    " weight_class, drive_type, created_at, updated_at{extra} FROM public.vehicles"
)
_OVERVIEW = (
    "SELECT a.id, a.status, a.test_type, a.start_date, a.end_date,"
    " a.end_date - a.start_date + 1 AS days, a.vehicle_id, v.vin, v.program, v.drive_type,"
    " v.weight_class, v.weight_lbs, a.dyno_id, d.name AS dyno_name, d.facility, a.notes,"
    " a.created_by, a.created_at, a.updated_at{extra}"
    " FROM public.allocations AS a JOIN public.vehicles AS v ON v.id = a.vehicle_id"
    " LEFT JOIN public.dynos AS d ON d.id = a.dyno_id"
)
_ROLE = "dyno_adhoc_reader"


def upgrade() -> None:
    op.add_column("vehicles", sa.Column("tag", sa.String(40), nullable=True))
    op.add_column("vehicles", sa.Column("placeholder_key", sa.String(80), nullable=True))
    op.add_column("vehicles", sa.Column("model_year", sa.SmallInteger, nullable=True))
    op.execute("UPDATE vehicles SET tag = vin")
    op.alter_column("vehicles", "vin", existing_type=sa.String(17), nullable=True)
    op.create_unique_constraint(op.f("uq_vehicles_tag"), "vehicles", ["tag"])
    op.create_unique_constraint(
        op.f("uq_vehicles_placeholder_key"), "vehicles", ["placeholder_key"]
    )
    op.create_check_constraint(
        op.f("ck_vehicles_tag_or_placeholder"),
        "vehicles",
        "tag IS NOT NULL OR placeholder_key IS NOT NULL",
    )
    op.create_check_constraint(
        op.f("ck_vehicles_model_year_range"), "vehicles", "model_year BETWEEN 1980 AND 2100"
    )
    op.execute(
        "CREATE OR REPLACE VIEW reporting.vehicles AS "
        + _VEHICLES.format(extra=", tag, placeholder_key, model_year")
    )
    op.execute(
        "CREATE OR REPLACE VIEW reporting.allocation_overview AS "
        + _OVERVIEW.format(extra=", v.tag")
    )


def downgrade() -> None:
    op.execute("""
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM vehicles WHERE vin IS NULL) THEN
                RAISE EXCEPTION 'vehicles without a VIN exist; give them one or delete them first';
            END IF;
        END $$
    """)
    for name, select in (("vehicles", _VEHICLES), ("allocation_overview", _OVERVIEW)):
        op.execute(f"DROP VIEW reporting.{name}")
        op.execute(f"CREATE VIEW reporting.{name} AS {select.format(extra='')}")
        op.execute(f"REVOKE ALL ON reporting.{name} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON reporting.{name} TO {_ROLE}")
    op.drop_constraint(op.f("ck_vehicles_model_year_range"), "vehicles", type_="check")
    op.drop_constraint(op.f("ck_vehicles_tag_or_placeholder"), "vehicles", type_="check")
    op.drop_constraint(op.f("uq_vehicles_placeholder_key"), "vehicles", type_="unique")
    op.drop_constraint(op.f("uq_vehicles_tag"), "vehicles", type_="unique")
    op.alter_column("vehicles", "vin", existing_type=sa.String(17), nullable=False)
    op.drop_column("vehicles", "model_year")
    op.drop_column("vehicles", "placeholder_key")
    op.drop_column("vehicles", "tag")
