"""Notifications: subscriptions, a transactional outbox filled by a trigger, delivery attempts.

- `notification_subscriptions`: a user follows one dyno, one facility, one vehicle or all
  bookings, by e-mail (to the user's address) and/or by webhook (URL + per-subscription secret).
- `notification_outbox`: one row per message to send (an allocation change x a recipient x a
  channel). The trigger `notify_allocation_event` on `allocation_events` writes them, so they
  exist exactly when the change commits (API, agent, CLI, imports and plain SQL alike) and never
  for a transaction that rolls back. Recipients: the booking's owner (`created_by`, by e-mail) and
  the subscribers of its dyno, facility or vehicle (before and after the change) or of all
  bookings; each e-mail address and each webhook once per change.
- `notification_attempts`: every delivery attempt (time, outcome, error).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (action, before, after) -> kind; NULL = nothing worth telling anyone (e.g. a note edited).
_KIND = """
CREATE FUNCTION notification_kind(action text, old jsonb, new jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    old_status text := old ->> 'status';
    new_status text := new ->> 'status';
    moved boolean := (old ->> 'start_date') IS DISTINCT FROM (new ->> 'start_date')
        OR (old ->> 'end_date') IS DISTINCT FROM (new ->> 'end_date')
        OR (old ->> 'dyno_id') IS DISTINCT FROM (new ->> 'dyno_id');
BEGIN
    IF action = 'insert' THEN
        IF new_status IN ('scheduled', 'delayed', 'running', 'completed') THEN
            RETURN 'made';
        ELSIF new_status = 'cancelled' THEN
            RETURN NULL;
        ELSIF new_status = 'held' THEN
            RETURN 'offered';  -- a waitlist offer (0016), held for its owner to accept
        ELSIF new_status = 'requested' THEN
            RETURN 'requested';  -- on a dyno that needs approval (0017)
        END IF;
        RETURN 'status_changed';
    ELSIF action = 'delete' THEN
        RETURN CASE WHEN old_status = 'cancelled' THEN NULL ELSE 'cancelled' END;
    END IF;
    IF old_status = 'requested' AND new_status = 'scheduled' THEN
        RETURN 'approved';
    ELSIF old_status = 'requested' AND new_status = 'cancelled' THEN
        RETURN CASE WHEN new ->> 'approval' = 'rejected' THEN 'rejected' ELSE 'cancelled' END;
    ELSIF old_status = 'held' AND new_status = 'scheduled' THEN
        RETURN 'made';  -- the offer was accepted
    ELSIF old_status = 'held' AND new_status = 'cancelled' THEN
        RETURN 'offer_ended';  -- declined or expired
    END IF;
    IF old_status IS DISTINCT FROM new_status THEN
        RETURN CASE new_status
            WHEN 'cancelled' THEN 'cancelled'
            WHEN 'running' THEN 'started'
            WHEN 'delayed' THEN 'delayed'
            WHEN 'completed' THEN 'completed'
            ELSE CASE WHEN moved THEN 'moved' ELSE 'status_changed' END
        END;
    END IF;
    RETURN CASE WHEN moved THEN 'moved' END;
END $$;
"""

_TRIGGER = """
CREATE FUNCTION notify_allocation_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text := notification_kind(NEW.action, NEW.before, NEW.after);
    cur jsonb := COALESCE(NEW.after, NEW.before);
    owner_id integer := (cur ->> 'created_by')::integer;
    dyno_ids integer[] := ARRAY[(NEW.before ->> 'dyno_id')::integer,
                                (NEW.after ->> 'dyno_id')::integer];
    vehicle_ids integer[] := ARRAY[(NEW.before ->> 'vehicle_id')::integer,
                                   (NEW.after ->> 'vehicle_id')::integer];
    payload jsonb;
BEGIN
    IF kind IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_build_object(
        'kind', kind,
        'event_id', NEW.id,
        'at', NEW.at,
        'actor', jsonb_build_object(
            'id', NEW.actor_id, 'name', COALESCE(a.full_name, a.email),
            'label', NEW.actor_label, 'channel', NEW.channel),
        'booking', jsonb_build_object(
            'id', NEW.allocation_id,
            'status', cur ->> 'status',
            'test_type', cur ->> 'test_type',
            'start_date', cur ->> 'start_date',
            'end_date', cur ->> 'end_date',
            'dyno_id', (cur ->> 'dyno_id')::integer,
            'dyno', d.name,
            'facility', d.facility,
            'vehicle_id', (cur ->> 'vehicle_id')::integer,
            'vehicle', COALESCE(v.tag, v.vin, v.placeholder_key),
            'owner', COALESCE(o.full_name, o.email)),
        'previous', CASE WHEN NEW.action = 'update' THEN jsonb_build_object(
            'status', NEW.before ->> 'status',
            'start_date', NEW.before ->> 'start_date',
            'end_date', NEW.before ->> 'end_date',
            'dyno_id', (NEW.before ->> 'dyno_id')::integer,
            'dyno', pd.name) END)
    INTO payload
    FROM (SELECT 1) AS one
    LEFT JOIN users a ON a.id = NEW.actor_id
    LEFT JOIN users o ON o.id = owner_id
    LEFT JOIN dynos d ON d.id = (cur ->> 'dyno_id')::integer
    LEFT JOIN dynos pd ON pd.id = (NEW.before ->> 'dyno_id')::integer
    LEFT JOIN vehicles v ON v.id = (cur ->> 'vehicle_id')::integer;

    WITH subs AS (
        SELECT s.* FROM notification_subscriptions s
        JOIN users u ON u.id = s.user_id AND u.is_active
        WHERE s.scope = 'all'
           OR (s.scope = 'dyno' AND s.dyno_id = ANY (dyno_ids))
           OR (s.scope = 'vehicle' AND s.vehicle_id = ANY (vehicle_ids))
           OR (s.scope = 'facility' AND s.facility IN (
                SELECT facility FROM dynos WHERE id = ANY (dyno_ids)))
    ),
    emails AS (
        SELECT DISTINCT ON (u.id) u.id AS user_id, u.email AS target, s.id AS subscription_id
        FROM users u
        LEFT JOIN subs s ON s.user_id = u.id AND s.email
        WHERE u.is_active AND (u.id = owner_id OR s.id IS NOT NULL
            -- a request for approval also goes to those who may decide it (0017)
            OR (kind = 'requested' AND u.role IN ('power_user', 'admin')))
        ORDER BY u.id, s.id NULLS FIRST
    ),
    hooks AS (
        SELECT user_id, webhook_url AS target, id AS subscription_id
        FROM subs WHERE webhook_url IS NOT NULL
    )
    INSERT INTO notification_outbox
        (event_id, allocation_id, kind, channel, user_id, subscription_id, target, payload)
    SELECT NEW.id, NEW.allocation_id, kind, 'email', user_id, subscription_id, target, payload
    FROM emails
    UNION ALL
    SELECT NEW.id, NEW.allocation_id, kind, 'webhook', user_id, subscription_id, target, payload
    FROM hooks;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "notification_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("dyno_id", sa.Integer, sa.ForeignKey("dynos.id", ondelete="CASCADE")),
        sa.Column("facility", sa.String(60)),
        sa.Column("vehicle_id", sa.Integer, sa.ForeignKey("vehicles.id", ondelete="CASCADE")),
        sa.Column("email", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("webhook_url", sa.String(2000)),
        sa.Column("webhook_secret", sa.String(100)),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "scope IN ('all', 'dyno', 'facility', 'vehicle')",
            name=op.f("ck_notification_subscriptions_scope_vocab"),
        ),
        sa.CheckConstraint(
            "(scope = 'dyno') = (dyno_id IS NOT NULL)"
            " AND (scope = 'facility') = (facility IS NOT NULL)"
            " AND (scope = 'vehicle') = (vehicle_id IS NOT NULL)",
            name=op.f("ck_notification_subscriptions_scope_target"),
        ),
        sa.CheckConstraint(
            "email OR webhook_url IS NOT NULL",
            name=op.f("ck_notification_subscriptions_some_channel"),
        ),
        sa.CheckConstraint(
            "(webhook_url IS NULL) = (webhook_secret IS NULL)",
            name=op.f("ck_notification_subscriptions_webhook_secret"),
        ),
    )
    op.create_index(
        "ix_notification_subscriptions_user_id", "notification_subscriptions", ["user_id"]
    )

    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("event_id", sa.BigInteger, nullable=False),
        sa.Column("allocation_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("notification_subscriptions.id", ondelete="CASCADE"),
        ),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("payload", postgresql.JSONB, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        # Attempts and age count from here; an admin's retry starts a new count.
        sa.Column(
            "age_from",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("locked_by", sa.String(80)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.CheckConstraint(
            "channel IN ('email', 'webhook')", name=op.f("ck_notification_outbox_channel_vocab")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead', 'skipped')",
            name=op.f("ck_notification_outbox_status_vocab"),
        ),
    )
    # The worker's claim: due pending rows, oldest first.
    op.create_index(
        "ix_notification_outbox_due",
        "notification_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_notification_outbox_status", "notification_outbox", ["status"])

    op.create_table(
        "notification_attempts",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "outbox_id",
            sa.BigInteger,
            sa.ForeignKey("notification_outbox.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("worker", sa.String(80), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_notification_attempts_outbox_id", "notification_attempts", ["outbox_id"])

    op.execute(_KIND)
    op.execute(_TRIGGER)
    op.execute(
        "CREATE TRIGGER allocation_events_notify AFTER INSERT ON allocation_events "
        "FOR EACH ROW EXECUTE FUNCTION notify_allocation_event()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER allocation_events_notify ON allocation_events")
    op.execute("DROP FUNCTION notify_allocation_event()")
    op.execute("DROP FUNCTION notification_kind(text, jsonb, jsonb)")
    op.drop_table("notification_attempts")
    op.drop_table("notification_outbox")
    op.drop_table("notification_subscriptions")
