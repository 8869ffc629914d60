"""Initial schema: users, vehicles, dynos and rules, maintenance, allocations, audit.

The database keeps these guarantees itself, so a direct SQL write cannot break them:
- no two non-cancelled allocations overlap on one dyno (exclusion constraint);
- no vehicle has two overlapping non-cancelled allocations (exclusion constraint);
- no non-cancelled allocation overlaps a maintenance window of its dyno: triggers mirror both into
  `dyno_occupancy`, whose exclusion constraint forbids an allocation and a maintenance window of one
  dyno from sharing a day (`kind WITH <>`);
- status changes follow the lifecycle (trigger);
- every insert, update and delete of an allocation is written to `allocation_events` (trigger), with
  the actor and channel the application sets per transaction (`dyno.actor_id`, `dyno.channel`).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(120)),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("role", sa.String(12), nullable=False, server_default="user"),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default="true"),
        *_timestamps(),
        sa.CheckConstraint("role IN ('user', 'power_user', 'admin')", name="role_vocab"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.UniqueConstraint("email"),
    )

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("vin", sa.String(17), nullable=False),
        sa.Column("program", sa.String(120)),
        sa.Column("build_id", sa.String(60)),
        sa.Column("cert_team", sa.String(120)),
        sa.Column("powerpack", sa.String(200)),
        sa.Column("build_type", sa.String(60)),
        sa.Column("weight_lbs", sa.Integer),
        sa.Column("weight_class", sa.String(4), nullable=False),
        sa.Column("drive_type", sa.String(3), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("vin"),
        sa.CheckConstraint("vin ~ '^[A-HJ-NPR-Z0-9]{17}$'", name="vin_format"),
        sa.CheckConstraint("weight_lbs BETWEEN 1 AND 80000", name="weight_range"),
        sa.CheckConstraint("weight_class IN ('<10K', '>10K')", name="weight_class_vocab"),
        sa.CheckConstraint(
            "weight_lbs IS NULL OR weight_class = "
            "CASE WHEN weight_lbs <= 10000 THEN '<10K' ELSE '>10K' END",
            name="weight_class_matches_weight",
        ),
        sa.CheckConstraint("drive_type IN ('2WD', 'AWD', '4WD')", name="drive_type_vocab"),
    )

    op.create_table(
        "dynos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("facility", sa.String(60), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("available_from", sa.Date),
        sa.Column("available_to", sa.Date),
        sa.Column("notes", sa.Text),
        sa.Column(
            "supported_weight_classes",
            postgresql.ARRAY(sa.Text),
            nullable=False,
            server_default="{}",
        ),
        sa.Column(
            "supported_drives", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"
        ),
        sa.Column(
            "supported_test_types", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"
        ),
        *_timestamps(),
        sa.UniqueConstraint("name"),
        sa.CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
            name="window_order",
        ),
    )
    for column in ("supported_test_types", "supported_drives", "supported_weight_classes"):
        op.create_index(f"ix_dynos_{column}", "dynos", [column], postgresql_using="gin")

    op.create_table(
        "dyno_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("test_type", sa.String(80), nullable=False),
        sa.Column("drive_type", sa.String(3), nullable=False),
        sa.Column("weight_class", sa.String(4), nullable=False),
        sa.UniqueConstraint(
            "dyno_id", "test_type", "drive_type", "weight_class", name="uq_dyno_rule"
        ),
        sa.CheckConstraint("drive_type IN ('2WD', 'AWD', '4WD', 'any')", name="drive_type_vocab"),
        sa.CheckConstraint("weight_class IN ('<10K', '>10K', 'any')", name="weight_class_vocab"),
        sa.CheckConstraint(
            "test_type = lower(btrim(test_type)) AND test_type <> ''", name="test_type"
        ),
    )
    op.create_index(
        "ix_dyno_rules_lookup", "dyno_rules", ["test_type", "drive_type", "weight_class", "dyno_id"]
    )

    op.create_table(
        "maintenance_windows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("end_date >= start_date", name="date_order"),
    )
    op.create_index("ix_maintenance_windows_dyno_id", "maintenance_windows", ["dyno_id"])

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "vehicle_id",
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="RESTRICT")),
        sa.Column("test_type", sa.String(80), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="scheduled"),
        sa.Column("notes", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        *_timestamps(),
        sa.CheckConstraint("end_date >= start_date", name="date_order"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'delayed', 'running', 'completed', 'cancelled')",
            name="status_vocab",
        ),
        sa.CheckConstraint(
            "dyno_id IS NOT NULL OR status IN ('scheduled', 'delayed', 'cancelled')",
            name="placed_when_started",
        ),
    )
    op.create_index(
        "ix_allocations_dyno_dates", "allocations", ["dyno_id", "start_date", "end_date"]
    )
    op.create_index("ix_allocations_vehicle_id", "allocations", ["vehicle_id"])
    op.create_index("ix_allocations_status", "allocations", ["status"])
    op.execute(
        """
        ALTER TABLE allocations ADD CONSTRAINT ex_allocations_dyno_overlap
            EXCLUDE USING gist (dyno_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
            WHERE (status <> 'cancelled' AND dyno_id IS NOT NULL);
        ALTER TABLE allocations ADD CONSTRAINT ex_allocations_vehicle_overlap
            EXCLUDE USING gist (vehicle_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
            WHERE (status <> 'cancelled');
        """
    )

    op.execute(
        """
        CREATE TABLE dyno_occupancy (
            kind text NOT NULL CHECK (kind IN ('allocation', 'maintenance')),
            source_id integer NOT NULL,
            dyno_id integer NOT NULL REFERENCES dynos(id) ON DELETE CASCADE,
            during daterange NOT NULL,
            CONSTRAINT pk_dyno_occupancy PRIMARY KEY (kind, source_id),
            CONSTRAINT ex_dyno_occupancy_maintenance
                EXCLUDE USING gist (dyno_id WITH =, during WITH &&, kind WITH <>)
        );

        CREATE FUNCTION allocations_sync_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM dyno_occupancy WHERE kind = 'allocation' AND source_id = OLD.id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.dyno_id IS NOT NULL
                    AND NEW.status <> 'cancelled' THEN
                INSERT INTO dyno_occupancy (kind, source_id, dyno_id, during)
                VALUES ('allocation', NEW.id, NEW.dyno_id,
                        daterange(NEW.start_date, NEW.end_date, '[]'));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER allocations_sync_occupancy
            AFTER INSERT OR DELETE OR UPDATE OF dyno_id, start_date, end_date, status
            ON allocations FOR EACH ROW EXECUTE FUNCTION allocations_sync_occupancy();

        CREATE FUNCTION maintenance_sync_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM dyno_occupancy WHERE kind = 'maintenance' AND source_id = OLD.id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO dyno_occupancy (kind, source_id, dyno_id, during)
                VALUES ('maintenance', NEW.id, NEW.dyno_id,
                        daterange(NEW.start_date, NEW.end_date, '[]'));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER maintenance_sync_occupancy
            AFTER INSERT OR DELETE OR UPDATE OF dyno_id, start_date, end_date
            ON maintenance_windows FOR EACH ROW EXECUTE FUNCTION maintenance_sync_occupancy();

        CREATE FUNCTION allocations_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
                (OLD.status = 'scheduled' AND NEW.status IN ('running', 'delayed', 'cancelled'))
                OR (OLD.status = 'delayed' AND NEW.status IN ('scheduled', 'running', 'cancelled'))
                OR (OLD.status = 'running' AND NEW.status IN ('completed', 'cancelled'))
            ) THEN
                RAISE EXCEPTION 'allocation % cannot go from % to %', OLD.id, OLD.status, NEW.status
                    USING ERRCODE = 'check_violation',
                          CONSTRAINT = 'ck_allocations_status_transition';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER allocations_check_transition
            BEFORE UPDATE OF status ON allocations
            FOR EACH ROW EXECUTE FUNCTION allocations_check_transition();
        """
    )

    op.create_table(
        "allocation_events",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("allocation_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.Integer),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("before", postgresql.JSONB),
        sa.Column("after", postgresql.JSONB),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_allocation_events_allocation_id", "allocation_events", ["allocation_id"])
    op.execute(
        """
        CREATE FUNCTION allocations_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO allocation_events (allocation_id, action, actor_id, channel, before, after)
            VALUES (
                COALESCE(NEW.id, OLD.id),
                lower(TG_OP),
                NULLIF(current_setting('dyno.actor_id', true), '')::integer,
                COALESCE(NULLIF(current_setting('dyno.channel', true), ''), 'sql'),
                CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END
            );
            RETURN NULL;
        END $$;
        CREATE TRIGGER allocations_audit
            AFTER INSERT OR UPDATE OR DELETE ON allocations
            FOR EACH ROW EXECUTE FUNCTION allocations_audit();
        """
    )

    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_meta")
    op.execute("DROP TRIGGER allocations_audit ON allocations; DROP FUNCTION allocations_audit()")
    op.drop_table("allocation_events")
    op.execute(
        """
        DROP TRIGGER allocations_check_transition ON allocations;
        DROP FUNCTION allocations_check_transition();
        DROP TRIGGER maintenance_sync_occupancy ON maintenance_windows;
        DROP FUNCTION maintenance_sync_occupancy();
        DROP TRIGGER allocations_sync_occupancy ON allocations;
        DROP FUNCTION allocations_sync_occupancy();
        DROP TABLE dyno_occupancy;
        """
    )
    op.drop_table("allocations")
    op.drop_table("maintenance_windows")
    op.drop_table("dyno_rules")
    op.drop_table("dynos")
    op.drop_table("vehicles")
    op.drop_table("users")
