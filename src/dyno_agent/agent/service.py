"""Build the agent's long-lived parts (checkpointer pool, compiled graph, chat service)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from limits.aio.storage import Storage
from psycopg.rows import dict_row, scalar_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dyno_agent.agent.graph import build_graph
from dyno_agent.agent.models import make_model_factory
from dyno_agent.agent.runner import ChatService
from dyno_agent.agent.vocabulary import VocabularyCache
from dyno_agent.config import Settings, get_settings
from dyno_agent.db.timeouts import DatabaseTimeouts, TimedConnection
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.throttle import Throttle, parse_limit

# Serialises the checkpointer's setup across server processes; any constant works.
_SETUP_LOCK_KEY = 0x44_59_4E_43


class ChatThrottle:
    """Chat turns per user (DYNO_CHAT_RATE_LIMIT); over it: 429 with Retry-After."""

    def __init__(self, spec: str, storage: Storage | None = None) -> None:
        self.limit = parse_limit(spec, "chat")
        self._throttle = Throttle(storage)

    async def hit(self, user_id: int) -> None:
        await self._throttle.hit(
            "Too many chat messages; try again in {seconds} seconds.",
            (self.limit, ("chat", str(user_id))),
        )


@asynccontextmanager
async def open_checkpointer(
    engine: AsyncEngine, max_size: int = 10, timeouts: DatabaseTimeouts | None = None
) -> AsyncIterator[AsyncPostgresSaver]:
    """LangGraph's Postgres checkpointer on the app's database; it creates its own tables.

    Its pool checks each connection before lending it, so the connections a database restart
    killed are dropped instead of failing the next chat turn, and it waits within the same bounds
    as the engine (`timeouts`, default the settings')."""
    timeouts = timeouts or DatabaseTimeouts.from_settings(get_settings())
    pool = AsyncConnectionPool(
        libpq_conninfo(engine.url),
        connection_class=TimedConnection,
        min_size=1,
        max_size=max_size,
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            **timeouts.connect_kwargs(engine.url),
        },
        check=AsyncConnectionPool.check_connection,
        timeout=timeouts.pool_s,
        open=False,
    )
    await pool.open()
    try:
        await _set_up_tables(pool)
        saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        yield saver
    finally:
        await pool.close()


async def _set_up_tables(pool: AsyncConnectionPool[Any]) -> None:
    """Create or migrate the checkpointer's tables, one process at a time: servers starting
    together on a new database otherwise race on them and all but one fail to start. The lock
    is polled rather than waited for, because a waiting statement would hold back the setup's
    CREATE INDEX CONCURRENTLY in the process that has it."""
    async with pool.connection() as conn:
        while True:
            async with conn.cursor(row_factory=scalar_row) as cursor:
                await cursor.execute("SELECT pg_try_advisory_lock(%s)", (_SETUP_LOCK_KEY,))
                if await cursor.fetchone():
                    break
            await asyncio.sleep(0.1)
        try:
            await AsyncPostgresSaver(conn).setup()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK_KEY,))


def build_chat(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    checkpointer: AsyncPostgresSaver | None,
) -> ChatService:
    return ChatService(
        graph=build_graph(checkpointer),
        session_factory=session_factory,
        settings=settings,
        model_factory=make_model_factory(settings),
        vocabulary=VocabularyCache(ttl_s=settings.agent_vocabulary_ttl_s),
    )
