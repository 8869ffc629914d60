"""Calendar feed tokens: per-user secrets that open the iCalendar feeds (`/api/v1/feeds/ical/...`).

- `feed_tokens`: the owner, a label, the SHA-256 of the token (the token itself is shown once, at
  creation, and never stored), its first characters (to tell tokens apart in a list), when it was
  made, last used and revoked. A revoked token keeps its row (for the record) and opens nothing.
- Deleting a user deletes their tokens.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("token_hash ~ '^[0-9a-f]{64}$'", name="token_hash_format"),
        sa.CheckConstraint("btrim(label) <> ''", name="label_not_blank"),
    )
    op.create_index("ix_feed_tokens_token_hash", "feed_tokens", ["token_hash"], unique=True)
    op.create_index("ix_feed_tokens_user_id", "feed_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_table("feed_tokens")
