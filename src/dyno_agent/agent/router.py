"""Chat over Server-Sent Events: a turn, and the answer to a pending confirmation."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from pydantic import ConfigDict, Field
from sse_starlette import EventSourceResponse

from dyno_agent.agent.runner import ChatService, Turn
from dyno_agent.deps import CurrentUser
from dyno_agent.inputs import InputModel

router = APIRouter(prefix="/chat", tags=["chat"])
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class ChatRequest(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: str = Field(min_length=1, max_length=4000, examples=["What's on MPG 3 next week?"])
    conversation_id: uuid.UUID | None = None


class ResumeRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool


async def _chat(request: Request, user_id: int) -> ChatService:
    await request.app.state.chat_throttle.hit(user_id)
    return request.app.state.chat


def _stream(chat: ChatService, turn: Turn) -> EventSourceResponse:
    async def events() -> AsyncIterator[dict[str, str]]:
        async for event in chat.events(turn):
            yield {"data": json.dumps(event, default=str)}

    return EventSourceResponse(events(), headers=SSE_HEADERS, ping=15)


@router.post("/stream", response_class=EventSourceResponse)
async def chat_stream(
    request: Request, user: CurrentUser, body: ChatRequest
) -> EventSourceResponse:
    """One chat turn, streamed as `data: {json}` events (conversation first, done last)."""
    chat = await _chat(request, user.id)
    turn = await chat.prepare_message(user, body.message, body.conversation_id)
    return _stream(chat, turn)


@router.post("/{conversation_id}/resume", response_class=EventSourceResponse)
async def chat_resume(
    request: Request, user: CurrentUser, conversation_id: uuid.UUID, body: ResumeRequest
) -> EventSourceResponse:
    """Approve or reject the pending confirmation, and stream the rest of the turn."""
    chat = await _chat(request, user.id)
    turn = await chat.prepare_resume(user, conversation_id, body.approve)
    return _stream(chat, turn)
