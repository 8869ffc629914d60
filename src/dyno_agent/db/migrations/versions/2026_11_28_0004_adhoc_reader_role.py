"""Reporting views and the low-privilege role the agent's ad-hoc queries run as.

`query_database` runs `SET LOCAL ROLE dyno_adhoc_reader` inside its read-only transaction, so
PostgreSQL itself allows it to read the views of the `reporting` schema and nothing else: the SQL
guard is no longer the only line. The views run with their owner's rights (not security_invoker),
which is what lets the role read them without any right on the tables.

The role is cluster-wide while this migration runs per database, so several databases on one
server (the test suite's, say) share it: it is created only when missing (tolerating another
database creating it at the same moment) and downgrade never drops it, because other databases may
still grant it rights; downgrade drops the schema, and with it this database's grants. The migrating
user needs CREATEROLE (or a superuser) the first time, or an administrator creates the role first.
The application must connect as a member of the role; the migrating user is made one here.

A later migration that changes a column these views read must drop and re-create the view.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "reporting"
ROLE = "dyno_adhoc_reader"

# Written out (not `*`), so a column added to a table later is not exposed without a migration.
VIEWS = {
    "vehicles": "SELECT id, vin, program, build_id, cert_team, powerpack, build_type, weight_lbs,"
    " weight_class, drive_type, created_at, updated_at FROM public.vehicles",
    "dynos": "SELECT id, name, facility, enabled, available_from, available_to, notes,"
    " supported_weight_classes, supported_drives, supported_test_types, created_at, updated_at"
    " FROM public.dynos",
    "dyno_rules": "SELECT id, dyno_id, test_type, drive_type, weight_class FROM public.dyno_rules",
    "maintenance_windows": "SELECT id, dyno_id, start_date, end_date, reason, created_at"
    " FROM public.maintenance_windows",
    "allocations": "SELECT id, vehicle_id, dyno_id, test_type, start_date, end_date, status, notes,"
    " created_by, created_at, updated_at FROM public.allocations",
    "allocation_overview": "SELECT a.id, a.status, a.test_type, a.start_date, a.end_date,"
    " a.end_date - a.start_date + 1 AS days, a.vehicle_id, v.vin, v.program, v.drive_type,"
    " v.weight_class, v.weight_lbs, a.dyno_id, d.name AS dyno_name, d.facility, a.notes,"
    " a.created_by, a.created_at, a.updated_at"
    " FROM public.allocations AS a JOIN public.vehicles AS v ON v.id = a.vehicle_id"
    " LEFT JOIN public.dynos AS d ON d.id = a.dyno_id",
    "dyno_capabilities": "SELECT d.id AS dyno_id, d.name AS dyno_name, d.facility, d.enabled,"
    " d.available_from, d.available_to, r.test_type, r.drive_type, r.weight_class"
    " FROM public.dyno_rules AS r JOIN public.dynos AS d ON d.id = r.dyno_id",
    "maintenance_overview": "SELECT m.id, m.dyno_id, d.name AS dyno_name, d.facility,"
    " m.start_date, m.end_date, m.end_date - m.start_date + 1 AS days, m.reason"
    " FROM public.maintenance_windows AS m JOIN public.dynos AS d ON d.id = m.dyno_id",
}


def upgrade() -> None:
    op.execute(f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
                CREATE ROLE {ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                    NOREPLICATION NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database's migration created it at the same moment
        END $$
    """)
    op.execute(f"CREATE SCHEMA {SCHEMA}")
    op.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {SCHEMA}.{name} AS {select}")
        op.execute(f"REVOKE ALL ON {SCHEMA}.{name} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON {SCHEMA}.{name} TO {ROLE}")
    op.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {ROLE}")
    # SET ROLE needs membership with the SET option (PostgreSQL 16+ separates it from MEMBER).
    op.execute(f"""
        DO $$
        DECLARE
            privilege text := CASE WHEN current_setting('server_version_num')::int >= 160000
                                   THEN 'SET' ELSE 'MEMBER' END;
        BEGIN
            IF NOT pg_has_role(current_user, '{ROLE}', privilege) THEN
                EXECUTE format('GRANT {ROLE} TO %I', current_user);
            END IF;
        END $$
    """)


def downgrade() -> None:
    # The role stays: it is shared by every database on the server (see the docstring).
    op.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
