"""Run chat turns through the graph and turn its streams into the chat's events.

Events (each a dict with `type`): `conversation` {id} first, then `status` {message}, `tool_call`
{name, args}, `tool_result` {name, ok, summary}, `token` {text}, `assistant` {content}, `confirm`
{action, args, prompt}, `error` {message}, and `done` last. The same sequence feeds the SSE
endpoint and `dyno ask --json`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphRecursionError
from langgraph.types import Command, StreamMode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dyno_agent.agent.confirm_words import read_answer
from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.graph import AgentGraph
from dyno_agent.agent.nodes.common import close_calls, unanswered_calls
from dyno_agent.agent.tools import ToolOutcome
from dyno_agent.agent.vocabulary import VocabularyCache
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.config import Settings
from dyno_agent.conversations import service as conversations
from dyno_agent.db.errors import unavailable
from dyno_agent.errors import Conflict
from dyno_agent.observability import metrics
from dyno_agent.scheduling import clock

log = logging.getLogger(__name__)
Event = dict[str, Any]
RECURSION_LIMIT = 30
_STREAM_MODES: list[StreamMode] = ["updates", "messages", "custom"]


@dataclass
class Turn:
    """A prepared turn: who, which conversation, and what to feed the graph."""

    user: User
    conversation_id: uuid.UUID
    graph_input: Any
    channel: Channel = Channel.agent


@dataclass
class ChatService:
    graph: AgentGraph
    session_factory: async_sessionmaker[AsyncSession]
    settings: Settings
    model_factory: Callable[[], BaseChatModel]
    vocabulary: VocabularyCache

    # Preparing (raises domain errors before any event is sent) -------------------------------
    async def prepare_message(
        self, user: User, message: str, conversation_id: uuid.UUID | None = None
    ) -> Turn:
        """A new message; one that only answers a pending confirmation in words ("yes", "nein",
        "leave it") resumes it as the approve/reject buttons would."""
        answer: bool | None = None
        # The redactor masks `message_text` unless DYNO_LOG_PROMPTS is on.
        log.debug("chat message", extra={"message_text": message})
        async with self.session_factory() as session, session.begin():
            if conversation_id is None:
                conversation = await conversations.create_conversation(session, user.id, message)
            else:
                conversation = await conversations.get_owned(session, conversation_id, user.id)
                snapshot = await self.graph.aget_state(self._config(conversation.id))
                answer = read_answer(message) if snapshot.interrupts else None
            payload = None if answer is None else {"approve": answer}
            await conversations.add_message(
                session, conversation.id, "user", message, payload=payload
            )
        if answer is not None:
            return Turn(user, conversation.id, Command(resume={"approve": answer}))
        config = self._config(conversation.id)
        await self._close_unfinished_turn(config)
        return Turn(user, conversation.id, {"messages": [HumanMessage(message)]})

    async def prepare_resume(self, user: User, conversation_id: uuid.UUID, approve: bool) -> Turn:
        async with self.session_factory() as session, session.begin():
            await conversations.get_owned(session, conversation_id, user.id)
            snapshot = await self.graph.aget_state(self._config(conversation_id))
            if not snapshot.interrupts:
                raise Conflict("Nothing in this conversation is waiting for a confirmation.")
            answer = "Approved." if approve else "Rejected."
            await conversations.add_message(
                session, conversation_id, "user", answer, payload={"approve": approve}
            )
        return Turn(user, conversation_id, Command(resume={"approve": approve}))

    # Running ---------------------------------------------------------------------------------
    async def events(self, turn: Turn) -> AsyncIterator[Event]:
        """The turn's events, persisting what the conversation view needs as they happen."""
        yield {"type": "conversation", "id": str(turn.conversation_id)}
        yield {"type": "status", "message": "Thinking…"}
        context = self.context_for(turn.user, turn.channel)
        config = self._config(turn.conversation_id)
        record = TurnRecord(turn.conversation_id, turn.channel)
        try:
            async for mode, chunk in self.graph.astream(
                turn.graph_input, config, context=context, stream_mode=_STREAM_MODES
            ):
                for event in _events_of(mode, chunk):
                    record.saw(event)
                    await self._remember(turn.conversation_id, event)
                    yield event
        except GraphRecursionError:
            event = {"type": "error", "message": "That took too many steps; please rephrase."}
            record.outcome = "error"
            await self._close_unfinished_turn(config)
            await self._remember(turn.conversation_id, event)
            yield event
        except Exception as exc:
            # The database went away mid-turn: nothing more can be stored, so just say so.
            down = unavailable(exc)
            record.outcome = "failed" if down is None else "error"
            if down is None:
                raise
            yield {"type": "error", "message": down.message}
        finally:
            record.finish(self.settings.llm_spec())
        yield {"type": "done"}

    def context_for(self, user: User, channel: Channel = Channel.agent) -> AgentContext:
        return AgentContext(
            actor=Actor(user_id=user.id, role=Role(user.role), channel=channel),
            user_email=user.email,
            session_factory=self.session_factory,
            model_factory=self.model_factory,
            vocabulary=self.vocabulary,
            settings=self.settings,
            today=clock.today(),
        )

    # Internals -------------------------------------------------------------------------------
    def _config(self, conversation_id: uuid.UUID) -> RunnableConfig:
        return {
            "configurable": {"thread_id": str(conversation_id)},
            "recursion_limit": RECURSION_LIMIT,
        }

    async def _close_unfinished_turn(self, config: RunnableConfig) -> None:
        """A stopped run or an unanswered confirmation leaves the thread mid-turn; close it so the
        next message starts clean and no tool call is left without a result."""
        snapshot = await self.graph.aget_state(config)
        if not snapshot.next:
            return
        calls = unanswered_calls(snapshot.values.get("messages", []))
        message = "Not run: the conversation moved on before it finished."
        update = {
            "messages": close_calls(calls, "not_run", message),
            "error": None,
            "approved": [],
            "confirmation": None,
        }
        await self.graph.aupdate_state(config, update, as_node="error")

    async def _remember(self, conversation_id: uuid.UUID, event: Event) -> None:
        kind = event["type"]
        if kind not in ("assistant", "tool_result", "confirm", "error"):
            return
        role = {"assistant": "assistant", "confirm": "assistant", "tool_result": "tool"}.get(
            kind, "error"
        )
        content = event.get("content") or event.get("prompt") or event.get("message") or ""
        payload = {k: v for k, v in event.items() if k not in ("type", "content")}
        async with self.session_factory() as session, session.begin():
            await conversations.add_message(
                session,
                conversation_id,
                role,
                content if kind != "tool_result" else event["summary"],
                tool_name=event.get("name"),
                payload=payload or None,
            )


@dataclass
class TurnRecord:
    """What the turn's log line says: tools called, and how the turn ended."""

    conversation_id: uuid.UUID
    channel: Channel
    tools: list[str] = field(default_factory=list)
    outcome: str = "answered"

    def saw(self, event: Event) -> None:
        if event["type"] == "tool_call":
            self.tools.append(event["name"])
        elif event["type"] == "error":
            self.outcome = "error"
        elif event["type"] == "confirm" and self.outcome != "error":
            self.outcome = "confirmation"

    def finish(self, model: str) -> None:
        """One log line and one count per turn. Outcomes: answered, confirmation (waits for the
        user), error (the turn ended in an error event: error node, too many steps, database
        down) or failed (an exception the turn could not answer)."""
        metrics.record_turn(model, self.outcome)
        log.info(
            "agent turn",
            extra={
                "conversation_id": str(self.conversation_id),
                "channel": self.channel.value,
                "model": model,
                "tools": self.tools,
                "outcome": self.outcome,
            },
        )


def _events_of(mode: str, chunk: Any) -> list[Event]:
    if mode == "custom":
        return (
            [chunk] if isinstance(chunk, dict) and chunk.get("type") in ("status", "error") else []
        )
    if mode == "messages":
        message, metadata = chunk
        if (
            metadata.get("langgraph_node") == "llm"
            and isinstance(message, AIMessageChunk)
            and isinstance(message.content, str)
            and message.content
        ):
            return [{"type": "token", "text": message.content}]
        return []
    events: list[Event] = []
    for node, update in chunk.items():
        if node == "__interrupt__":
            for interrupt in update:
                value = interrupt.value
                events.append({"type": "confirm", **value})
            continue
        for message in (update or {}).get("messages", []) if isinstance(update, dict) else []:
            events.extend(_message_events(message))
    return events


def _message_events(message: Any) -> list[Event]:
    if isinstance(message, AIMessage):
        events: list[Event] = [
            {"type": "tool_call", "name": call["name"], "args": call["args"]}
            for call in message.tool_calls
        ]
        text = message.text if isinstance(message.text, str) else str(message.content)
        if text.strip():
            events.insert(0, {"type": "assistant", "content": text})
        return events
    if isinstance(message, ToolMessage):
        try:
            outcome = ToolOutcome.parse(str(message.content))
        except ValueError:
            outcome = ToolOutcome.failure("error", str(message.content)[:200])
        return [
            {"type": "tool_result", "name": message.name, "ok": outcome.ok, "summary": outcome.line}
        ]
    return []
