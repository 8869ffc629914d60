"""Waitlist: requests waiting for a free slot, offers held for them, and the queue of freed days.

- `allocations.status` gains `held`: a slot offered to a waiting request. It occupies its dyno
  and vehicle like a booking (the exclusion constraints only skip `cancelled`) until its owner
  accepts it (held -> scheduled) or it is declined or expires (held -> cancelled).
  `allocations.hold_expires_at` is its deadline; the transition trigger refuses an accept after it.
- `waitlist_entries`: one waiting request (vehicle, test type, earliest start, latest end, days),
  in line by creation time. Its status follows its offer's allocation (trigger): offered ->
  booked when accepted, expired when the hold ran out, withdrawn when declined or cancelled.
- `waitlist_wakeups`: written by triggers in the transaction that frees days (a booking cancelled,
  moved or shortened, a maintenance window removed or shrunk), so a freed slot is never lost: the
  same request offers it, else the next one or `dyno waitlist sweep` does.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = "'scheduled', 'delayed', 'running', 'completed', 'cancelled'"

_TRANSITION = """
CREATE OR REPLACE FUNCTION allocations_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'scheduled' AND NEW.status IN ('running', 'delayed', 'cancelled'))
        OR (OLD.status = 'delayed' AND NEW.status IN ('scheduled', 'running', 'cancelled'))
        OR (OLD.status = 'running' AND NEW.status IN ('completed', 'cancelled')){held}
    ) THEN
        RAISE EXCEPTION 'allocation % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_allocations_status_transition';
    END IF;{expiry}
    RETURN NEW;
END $$;
"""
_HELD = """
        OR (OLD.status = 'held' AND NEW.status IN ('scheduled', 'cancelled'))"""
_EXPIRY = """
    IF OLD.status = 'held' AND NEW.status = 'scheduled' AND OLD.hold_expires_at <= now() THEN
        RAISE EXCEPTION 'the hold on allocation % expired at %', OLD.id, OLD.hold_expires_at
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_allocations_hold_expired';
    END IF;"""


def upgrade() -> None:
    op.add_column("allocations", sa.Column("hold_expires_at", sa.DateTime(timezone=True)))
    op.drop_constraint(op.f("ck_allocations_status_vocab"), "allocations", type_="check")
    op.create_check_constraint(
        op.f("ck_allocations_status_vocab"), "allocations", f"status IN ({_STATUSES}, 'held')"
    )
    op.create_check_constraint(
        op.f("ck_allocations_held_has_expiry"),
        "allocations",
        "status <> 'held' OR (hold_expires_at IS NOT NULL AND dyno_id IS NOT NULL)",
    )
    op.execute(_TRANSITION.format(held=_HELD, expiry=_EXPIRY))

    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "vehicle_id",
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("test_type", sa.String(80), nullable=False),
        sa.Column("earliest_start", sa.Date, nullable=False),
        sa.Column("latest_end", sa.Date, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="waiting"),
        sa.Column(
            "allocation_id",
            sa.Integer,
            sa.ForeignKey("allocations.id", ondelete="SET NULL"),
            unique=True,
        ),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')",
            name=op.f("ck_waitlist_entries_status_vocab"),
        ),
        sa.CheckConstraint("days >= 1", name=op.f("ck_waitlist_entries_days_positive")),
        sa.CheckConstraint(
            "latest_end - earliest_start + 1 >= days", name=op.f("ck_waitlist_entries_days_fit")
        ),
    )
    op.create_index(
        "ix_waitlist_entries_waiting",
        "waitlist_entries",
        ["created_at", "id"],
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index("ix_waitlist_entries_created_by", "waitlist_entries", ["created_by"])
    op.execute(
        "CREATE TRIGGER waitlist_entries_audit AFTER INSERT OR UPDATE OR DELETE ON "
        "waitlist_entries FOR EACH ROW EXECUTE FUNCTION audit_row()"
    )

    op.create_table(
        "waitlist_wakeups",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("dyno_id", sa.Integer),
        sa.Column("vehicle_id", sa.Integer),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.execute(
        """
        CREATE FUNCTION allocations_wake_waitlist() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status <> 'cancelled' AND OLD.dyno_id IS NOT NULL AND (
                TG_OP = 'DELETE' OR NEW.status = 'cancelled'
                OR NEW.dyno_id IS DISTINCT FROM OLD.dyno_id
                OR NEW.start_date > OLD.start_date OR NEW.end_date < OLD.end_date
            ) THEN
                INSERT INTO waitlist_wakeups (source, dyno_id, vehicle_id, start_date, end_date)
                VALUES ('allocation', OLD.dyno_id, OLD.vehicle_id, OLD.start_date, OLD.end_date);
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'held' AND NEW.status <> 'held' THEN
                UPDATE waitlist_entries SET updated_at = now(), status = CASE
                    WHEN NEW.status = 'scheduled' THEN 'booked'
                    WHEN OLD.hold_expires_at <= now() THEN 'expired'
                    ELSE 'withdrawn' END
                WHERE allocation_id = NEW.id AND status = 'offered';
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER allocations_wake_waitlist
            AFTER UPDATE OF dyno_id, start_date, end_date, status OR DELETE ON allocations
            FOR EACH ROW EXECUTE FUNCTION allocations_wake_waitlist();

        CREATE FUNCTION maintenance_wake_waitlist() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR NEW.dyno_id IS DISTINCT FROM OLD.dyno_id
                    OR NEW.start_date > OLD.start_date OR NEW.end_date < OLD.end_date THEN
                INSERT INTO waitlist_wakeups (source, dyno_id, start_date, end_date)
                VALUES ('maintenance', OLD.dyno_id, OLD.start_date, OLD.end_date);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER maintenance_wake_waitlist
            AFTER UPDATE OF dyno_id, start_date, end_date OR DELETE ON maintenance_windows
            FOR EACH ROW EXECUTE FUNCTION maintenance_wake_waitlist();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER maintenance_wake_waitlist ON maintenance_windows;
        DROP FUNCTION maintenance_wake_waitlist();
        DROP TRIGGER allocations_wake_waitlist ON allocations;
        DROP FUNCTION allocations_wake_waitlist();
        """
    )
    op.drop_table("waitlist_wakeups")
    op.execute("DROP TRIGGER waitlist_entries_audit ON waitlist_entries")
    op.drop_table("waitlist_entries")
    # The older schema has no `held`: offers still held are released.
    op.execute("UPDATE allocations SET status = 'cancelled' WHERE status = 'held'")
    op.execute(_TRANSITION.format(held="", expiry=""))
    op.drop_constraint(op.f("ck_allocations_held_has_expiry"), "allocations", type_="check")
    op.drop_constraint(op.f("ck_allocations_status_vocab"), "allocations", type_="check")
    op.create_check_constraint(
        op.f("ck_allocations_status_vocab"), "allocations", f"status IN ({_STATUSES})"
    )
    op.drop_column("allocations", "hold_expires_at")
