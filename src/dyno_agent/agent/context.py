"""What a run of the graph needs from outside: who is asking, the database, the model, settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dyno_agent.agent.vocabulary import VocabularyCache
from dyno_agent.auth.actor import Actor
from dyno_agent.config import Settings


@dataclass(frozen=True)
class AgentContext:
    """Passed to every node and tool as `runtime.context` (LangGraph's context schema)."""

    actor: Actor
    user_email: str
    session_factory: async_sessionmaker[AsyncSession]
    model_factory: Callable[[], BaseChatModel]
    vocabulary: VocabularyCache
    settings: Settings
    today: dt.date
