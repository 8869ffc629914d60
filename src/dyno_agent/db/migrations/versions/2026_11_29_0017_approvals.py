"""Approvals: dynos that need a power user's approval, and the `requested` allocation status.

- `dynos.needs_approval`: bookings that users (not power users) make on this dyno start as
  `requested` until a power user approves (-> `scheduled`) or rejects (-> `cancelled`) them.
- `requested` joins `status_vocab` and the transition trigger: `requested` -> `scheduled` or
  `cancelled`, nothing else (a request can never go running). It is not `cancelled`, so the
  exclusion constraints and `dyno_occupancy` keep the slot while the request waits.
- `allocations.approval`, `approval_by`, `approval_at`, `approval_reason`: the decision on a
  request (`approved` or `rejected`, who, when, why); a rejection needs a reason and leaves the
  booking cancelled.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Since 0016 (the waitlist), `held` is a status too; its transitions and hold expiry stay as
# 0016 made them.
_STATUSES = "'scheduled', 'delayed', 'running', 'completed', 'cancelled', 'held'"

_TRANSITION = """
CREATE OR REPLACE FUNCTION allocations_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'scheduled' AND NEW.status IN ('running', 'delayed', 'cancelled'))
        OR (OLD.status = 'delayed' AND NEW.status IN ('scheduled', 'running', 'cancelled'))
        OR (OLD.status = 'running' AND NEW.status IN ('completed', 'cancelled'))
        OR (OLD.status = 'held' AND NEW.status IN ('scheduled', 'cancelled'))
        {extra}
    ) THEN
        RAISE EXCEPTION 'allocation % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_allocations_status_transition';
    END IF;
    IF OLD.status = 'held' AND NEW.status = 'scheduled' AND OLD.hold_expires_at <= now() THEN
        RAISE EXCEPTION 'the hold on allocation % expired at %', OLD.id, OLD.hold_expires_at
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_allocations_hold_expired';
    END IF;
    RETURN NEW;
END $$;
"""
_REQUESTED = "OR (OLD.status = 'requested' AND NEW.status IN ('scheduled', 'cancelled'))"


def _status_vocab(statuses: str) -> None:
    op.drop_constraint(op.f("ck_allocations_status_vocab"), "allocations", type_="check")
    op.create_check_constraint(
        op.f("ck_allocations_status_vocab"), "allocations", f"status IN ({statuses})"
    )


def upgrade() -> None:
    op.add_column(
        "dynos",
        sa.Column("needs_approval", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    _status_vocab(f"{_STATUSES}, 'requested'")
    op.execute(_TRANSITION.format(extra=_REQUESTED))
    op.add_column("allocations", sa.Column("approval", sa.String(10)))
    op.add_column(
        "allocations",
        sa.Column(
            "approval_by",
            sa.Integer,
            sa.ForeignKey(
                "users.id", ondelete="SET NULL", name=op.f("fk_allocations_approval_by_users")
            ),
        ),
    )
    op.add_column("allocations", sa.Column("approval_at", sa.DateTime(timezone=True)))
    op.add_column("allocations", sa.Column("approval_reason", sa.Text))
    op.create_check_constraint(
        op.f("ck_allocations_approval_vocab"),
        "allocations",
        "approval IS NULL OR approval IN ('approved', 'rejected')",
    )
    op.create_check_constraint(
        op.f("ck_allocations_rejected_with_reason"),
        "allocations",
        "approval IS DISTINCT FROM 'rejected'"
        " OR (status = 'cancelled' AND btrim(coalesce(approval_reason, '')) <> '')",
    )
    # The approval queue: pending requests, oldest first.
    op.create_index(
        "ix_allocations_requested",
        "allocations",
        ["created_at"],
        postgresql_where=sa.text("status = 'requested'"),
    )


def downgrade() -> None:
    # Pending requests have no place in the old lifecycle: they become scheduled bookings.
    op.execute("UPDATE allocations SET status = 'scheduled' WHERE status = 'requested'")
    op.drop_index("ix_allocations_requested", table_name="allocations")
    op.drop_constraint(op.f("ck_allocations_rejected_with_reason"), "allocations", type_="check")
    op.drop_constraint(op.f("ck_allocations_approval_vocab"), "allocations", type_="check")
    op.drop_column("allocations", "approval_reason")
    op.drop_column("allocations", "approval_at")
    op.drop_column("allocations", "approval_by")
    op.drop_column("allocations", "approval")
    op.execute(_TRANSITION.format(extra=""))
    _status_vocab(_STATUSES)
    op.drop_column("dynos", "needs_approval")
