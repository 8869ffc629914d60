"""Audit log of every write, and the users' token version.

- `users.token_version`: a trigger bumps it whenever the password, the role or `is_active` changes
  (whoever makes the change, direct SQL included); tokens carry it and stop working when it moves.
- `audit_log`: one row per insert, update or delete of users, vehicles, dynos, dyno_rules and
  maintenance_windows, written by one generic trigger function (`audit_row`) from the same
  transaction-local settings as `allocation_events` (`dyno.actor_id`, `dyno.channel`, plus
  `dyno.actor_label`, e.g. the OS user of a CLI command). Columns named in the trigger's arguments
  (the password hash) are never stored. Other tables join the log with one `CREATE TRIGGER`.
- `allocation_events.actor_label` records the same label for allocation changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> columns never written to the audit log
AUDITED = {
    "users": ("password_hash",),
    "vehicles": (),
    "dynos": (),
    "dyno_rules": (),
    "maintenance_windows": (),
}

_ALLOCATIONS_AUDIT = """
CREATE OR REPLACE FUNCTION allocations_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO allocation_events (allocation_id, action, actor_id, channel, before, after{label})
    VALUES (
        COALESCE(NEW.id, OLD.id),
        lower(TG_OP),
        NULLIF(current_setting('dyno.actor_id', true), '')::integer,
        COALESCE(NULLIF(current_setting('dyno.channel', true), ''), 'sql'),
        CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
        CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END{label_value}
    );
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("token_version", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    op.execute(
        """
        CREATE FUNCTION users_bump_token_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.token_version := OLD.token_version + 1;
            RETURN NEW;
        END $$;
        CREATE TRIGGER users_bump_token_version
            BEFORE UPDATE ON users FOR EACH ROW
            WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash
                  OR OLD.role IS DISTINCT FROM NEW.role
                  OR OLD.is_active IS DISTINCT FROM NEW.is_active)
            EXECUTE FUNCTION users_bump_token_version();
        """
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("statement_timestamp()"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer),
        sa.Column("actor_label", sa.String(120)),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("table_name", sa.String(63), nullable=False),
        sa.Column("row_id", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("before", postgresql.JSONB),
        sa.Column("after", postgresql.JSONB),
        sa.CheckConstraint(
            "action IN ('insert', 'update', 'delete')", name=op.f("ck_audit_log_action_vocab")
        ),
    )
    op.create_index("ix_audit_log_table_row", "audit_log", ["table_name", "row_id"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])
    op.execute(
        """
        CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            hidden text[] := COALESCE(TG_ARGV, '{}');
            old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - hidden END;
            new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - hidden END;
        BEGIN
            INSERT INTO audit_log
                (actor_id, actor_label, channel, table_name, row_id, action, before, after)
            VALUES (
                NULLIF(current_setting('dyno.actor_id', true), '')::integer,
                NULLIF(current_setting('dyno.actor_label', true), ''),
                COALESCE(NULLIF(current_setting('dyno.channel', true), ''), 'sql'),
                TG_TABLE_NAME,
                (COALESCE(new_row, old_row) ->> 'id')::bigint,
                lower(TG_OP),
                old_row,
                new_row
            );
            RETURN NULL;
        END $$;
        """
    )
    for table, hidden in AUDITED.items():
        arguments = ", ".join(f"'{column}'" for column in hidden)
        op.execute(
            f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_row({arguments})"
        )

    op.add_column("allocation_events", sa.Column("actor_label", sa.String(120)))
    op.execute(
        _ALLOCATIONS_AUDIT.format(
            label=", actor_label",
            label_value=",\n        NULLIF(current_setting('dyno.actor_label', true), '')",
        )
    )


def downgrade() -> None:
    op.execute(_ALLOCATIONS_AUDIT.format(label="", label_value=""))
    op.drop_column("allocation_events", "actor_label")
    for table in AUDITED:
        op.execute(f"DROP TRIGGER {table}_audit ON {table}")
    op.execute("DROP FUNCTION audit_row()")
    op.drop_table("audit_log")
    op.execute(
        "DROP TRIGGER users_bump_token_version ON users; DROP FUNCTION users_bump_token_version()"
    )
    op.drop_column("users", "token_version")
