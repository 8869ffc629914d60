"""Chat conversations and their stored messages, searchable by pg_trgm GIN indexes.

`?q=` is a case-insensitive substring search (ILIKE '%q%') on titles and message contents; trigram
GIN indexes serve such patterns, where full-text search would miss fragments (VIN parts, dyno
names like "MPG 3", allocation numbers). The agent's state is not here: the LangGraph checkpointer
keeps it in its own tables, one thread per conversation.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    op.create_table(
        "conversations",
        sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column(
            "owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("statement_timestamp()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("statement_timestamp()"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_conversations_owner_recent",
        "conversations",
        ["owner_id", sa.text("updated_at DESC")],
    )
    op.create_index(
        "ix_conversations_title_trgm",
        "conversations",
        ["title"],
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )

    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "conversation_id",
            sa.Uuid,
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("tool_name", sa.String(80)),
        sa.Column("payload", postgresql.JSONB),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("statement_timestamp()"),
            nullable=False,
        ),
        sa.CheckConstraint("role IN ('user', 'assistant', 'tool', 'error')", name="role_vocab"),
    )
    op.create_index(
        "ix_conversation_messages_thread", "conversation_messages", ["conversation_id", "id"]
    )
    op.create_index(
        "ix_conversation_messages_content_trgm",
        "conversation_messages",
        ["content"],
        postgresql_using="gin",
        postgresql_ops={"content": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_table("conversation_messages")
    op.drop_table("conversations")
    # No CASCADE: if something else has come to rely on pg_trgm, this fails instead of breaking it.
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
