"""Tables of chat conversations and their stored messages (for listing and search).

The agent's own state lives in the LangGraph checkpointer's tables, one thread per conversation
(thread_id = str(conversation.id)); these rows are what people list, read and search.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dyno_agent.db.base import Base

TITLE_MAX = 80


class MessageRole(enum.StrEnum):
    user = "user"
    assistant = "assistant"
    tool = "tool"
    error = "error"


def _timestamp() -> Mapped[dt.datetime]:
    # statement_timestamp(), not now(): several writes in one transaction still get ordered times.
    return mapped_column(
        DateTime(timezone=True), server_default=func.statement_timestamp(), nullable=False
    )


class Conversation(Base):
    __tablename__ = "conversations"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012

    id: Mapped[uuid.UUID] = mapped_column(
        Uuid, primary_key=True, server_default=func.gen_random_uuid()
    )
    owner_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[dt.datetime] = _timestamp()
    updated_at: Mapped[dt.datetime] = _timestamp()


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("role IN ('user', 'assistant', 'tool', 'error')", name="role_vocab"),
        Index("ix_conversation_messages_thread", "conversation_id", "id"),
        Index(
            "ix_conversation_messages_content_trgm",
            "content",
            postgresql_using="gin",
            postgresql_ops={"content": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = mapped_column(String(10), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    tool_name: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[Any | None] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = _timestamp()


# Declared after the class so the ordering can name the mapped column.
Index("ix_conversations_owner_recent", Conversation.owner_id, Conversation.updated_at.desc())
Index(
    "ix_conversations_title_trgm",
    Conversation.title,
    postgresql_using="gin",
    postgresql_ops={"title": "gin_trgm_ops"},
)
