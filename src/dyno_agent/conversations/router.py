"""Routes for a user's own chat conversations: list and search, read with messages, delete.

Someone else's conversation answers 404 like a missing one; a malformed id is a 422.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from dyno_agent.conversations import service
from dyno_agent.conversations.schemas import (
    ConversationDetail,
    ConversationMessageRead,
    ConversationRead,
)
from dyno_agent.deps import CurrentUser, SessionDep
from dyno_agent.pagination import Page, PageParams

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get("", response_model=Page[ConversationRead])
async def list_conversations(
    session: SessionDep,
    user: CurrentUser,
    page: PageParams,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Search titles and messages (case-insensitive)."),
    ] = None,
) -> Page[ConversationRead]:
    """List your conversations, most recently active first."""
    items, total = await service.list_conversations(
        session, user.id, q=q, limit=page.limit, offset=page.offset
    )
    return Page[ConversationRead](
        items=[ConversationRead.model_validate(c) for c in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{conversation_id}", response_model=ConversationDetail)
async def get_conversation(
    conversation_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> ConversationDetail:
    """One of your conversations with its messages, oldest first."""
    conversation, messages = await service.get_with_messages(session, conversation_id, user.id)
    return ConversationDetail(
        **ConversationRead.model_validate(conversation).model_dump(),
        messages=[ConversationMessageRead.model_validate(m) for m in messages],
    )


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_conversation(
    conversation_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser
) -> None:
    """Delete one of your conversations, its messages and the agent's saved state."""
    checkpointer = getattr(request.app.state, "checkpointer", None)
    await service.delete_conversation(session, conversation_id, user.id, checkpointer)
