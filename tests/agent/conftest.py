"""Agent tests run the real graph, tools and PostgreSQL checkpointer; only the model is scripted
(LangChain's GenericFakeChatModel) or the built-in offline model."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.runner import ChatService
from dyno_agent.agent.service import build_chat, open_checkpointer
from dyno_agent.auth.models import Role, User
from dyno_agent.config import Settings
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation, Dyno, Vehicle
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle

MONDAY = TODAY + dt.timedelta(days=7)


class ScriptedModel(GenericFakeChatModel):
    """Answers with the scripted messages in order and records what it was shown."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[Any] = Field(default_factory=list)  # the tool schemas of the last bind_tools
    disable_streaming: bool = True  # GenericFakeChatModel cannot stream a tool-call-only message

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedModel:  # type: ignore[override]
        self.bound = list(tools)
        return self

    async def _agenerate(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
        self.seen.append(list(messages))
        return await super()._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)


def scripted(*replies: AIMessage | str) -> ScriptedModel:
    return ScriptedModel(messages=iter(replies), seen=[])


def call(name: str, args: dict[str, Any], call_id: str = "call_1") -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])


@dataclass
class Lab:
    engineer: User
    other: User
    manager: User
    dyno: Dyno
    vehicle: Vehicle
    others_booking: Allocation


@pytest.fixture
async def lab(committed: AsyncEngine) -> Lab:
    async with make_session_factory(committed)() as session, session.begin():
        engineer = await make_user(session, Role.user, email="engineer@lab.test")
        other = await make_user(session, Role.user, email="other@lab.test")
        manager = await make_user(session, Role.power_user, email="manager@lab.test")
        dyno = await make_dyno(session, "VTS #1", facility="VTS")
        await make_dyno(session, "VTS #2", facility="VTS")
        vehicle = await make_vehicle(session, vin="1FTFW1E50PFA12345")
        booking = await make_allocation(
            session, await make_vehicle(session), dyno, MONDAY, MONDAY, created_by=other
        )
    return Lab(engineer, other, manager, dyno, vehicle, booking)


@pytest.fixture
async def chat_with(
    committed: AsyncEngine, settings: Settings
) -> AsyncIterator[Callable[..., ChatService]]:
    """Build a ChatService on the test database with a given model and settings overrides."""
    async with open_checkpointer(committed, max_size=4) as checkpointer:

        def build(model: Any = None, **overrides: Any) -> ChatService:
            chosen = settings.model_copy(update=overrides)
            chat = build_chat(chosen, make_session_factory(committed), checkpointer)
            if model is not None:
                chat.model_factory = lambda: model
            return chat

        yield build


async def collect(events: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event async for event in events]


def types(events: Iterable[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]
