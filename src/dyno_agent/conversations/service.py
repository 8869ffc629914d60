"""Conversations: create, record messages, list and search, read, delete (with the agent's state).

Every read and write is scoped to the owner: someone else's conversation is simply not found, so
the API answers 404 and never reveals that it exists.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.conversations.models import (
    TITLE_MAX,
    Conversation,
    ConversationMessage,
    MessageRole,
)
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import ConversationNotFound, InvalidInput

UNTITLED = "New conversation"
# A cut on a word boundary is preferred unless it would throw away more than half the title.
_MIN_WORD_CUT = TITLE_MAX // 2


class ThreadDeleter(Protocol):
    """What is needed of a LangGraph checkpointer (e.g. AsyncPostgresSaver) to forget a thread."""

    async def adelete_thread(self, thread_id: str) -> None: ...


def title_from(message: str) -> str:
    """The first message on one line, cut to at most TITLE_MAX characters on a word boundary."""
    text = " ".join(message.split())
    if not text:
        return UNTITLED
    if len(text) <= TITLE_MAX:
        return text
    room = TITLE_MAX - 1  # one character for the ellipsis
    head = text[:room]
    if text[room] != " ":
        space = head.rfind(" ")
        if space >= _MIN_WORD_CUT:
            head = head[:space]
    return head.rstrip(" ,;:-") + "…"


def thread_id(conversation_id: uuid.UUID) -> str:
    """The LangGraph thread that holds the agent state of a conversation."""
    return str(conversation_id)


async def create_conversation(
    session: AsyncSession, owner_id: int, first_message: str
) -> Conversation:
    """A new conversation titled after `first_message`; the message itself is stored by
    `add_message`, like every other."""
    conversation = Conversation(owner_id=owner_id, title=title_from(first_message))
    async with savepoint(session):
        session.add(conversation)
    return conversation


async def get_owned(
    session: AsyncSession, conversation_id: uuid.UUID, owner_id: int
) -> Conversation:
    """The conversation if `owner_id` owns it; ConversationNotFound otherwise (also when it is
    someone else's, so its existence is not revealed)."""
    conversation = await session.scalar(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.owner_id == owner_id
        )
    )
    if conversation is None:
        raise ConversationNotFound(
            f"No conversation with id {conversation_id}.", conversation_id=str(conversation_id)
        )
    return conversation


async def add_message(
    session: AsyncSession,
    conversation_id: uuid.UUID,
    role: MessageRole | str,
    content: str,
    *,
    tool_name: str | None = None,
    payload: Any | None = None,
) -> ConversationMessage:
    """Store one message at the end of the conversation and bump its `updated_at`."""
    try:
        role = MessageRole(role)
    except ValueError:
        allowed = ", ".join(r.value for r in MessageRole)
        raise InvalidInput(f"Unknown message role {role!r}; use one of {allowed}.") from None
    # RETURNING the entity refreshes a loaded Conversation in place, so reading its updated_at
    # afterwards needs no (async-unsafe) lazy load.
    bumped = await session.scalar(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(updated_at=func.statement_timestamp())
        .returning(Conversation)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    if bumped is None:
        raise ConversationNotFound(
            f"No conversation with id {conversation_id}.", conversation_id=str(conversation_id)
        )
    message = ConversationMessage(
        conversation_id=conversation_id,
        role=role.value,
        content=content,
        tool_name=tool_name,
        payload=payload,
    )
    session.add(message)
    await session.flush()
    return message


def _search_condition(q: str) -> Any:
    """Case-insensitive substring match on the title or any message; both columns carry a
    pg_trgm GIN index, which serves ILIKE '%...%' (for 3+ characters)."""
    pattern = f"%{_escape_like(q)}%"
    in_messages = select(ConversationMessage.conversation_id).where(
        ConversationMessage.content.ilike(pattern, escape="\\")
    )
    return or_(Conversation.title.ilike(pattern, escape="\\"), Conversation.id.in_(in_messages))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_conversations(
    session: AsyncSession,
    owner_id: int,
    *,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Conversation], int]:
    """One page of the owner's conversations, most recently active first, and the total."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0.", field="limit")
    conditions = [Conversation.owner_id == owner_id]
    if q and q.strip():
        conditions.append(_search_condition(q.strip()))
    total = await session.scalar(select(func.count()).select_from(Conversation).where(*conditions))
    rows = await session.scalars(
        select(Conversation)
        .where(*conditions)
        .order_by(Conversation.updated_at.desc(), Conversation.created_at.desc(), Conversation.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total or 0


async def get_with_messages(
    session: AsyncSession, conversation_id: uuid.UUID, owner_id: int
) -> tuple[Conversation, list[ConversationMessage]]:
    """The owned conversation and its messages in the order they were stored."""
    conversation = await get_owned(session, conversation_id, owner_id)
    messages = await session.scalars(
        select(ConversationMessage)
        .where(ConversationMessage.conversation_id == conversation_id)
        .order_by(ConversationMessage.id)
    )
    return conversation, list(messages)


async def delete_conversation(
    session: AsyncSession,
    conversation_id: uuid.UUID,
    owner_id: int,
    checkpointer: ThreadDeleter | None = None,
) -> None:
    """Delete an owned conversation, its messages (cascade) and, given a checkpointer, the
    agent's checkpoints of its thread."""
    conversation = await get_owned(session, conversation_id, owner_id)
    await session.delete(conversation)
    await session.flush()
    if checkpointer is not None:
        # The checkpointer writes on its own connection, outside this transaction; it goes last
        # so that a failed ownership check or delete above leaves the agent state untouched.
        await checkpointer.adelete_thread(thread_id(conversation_id))
