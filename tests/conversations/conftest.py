"""A real LangGraph AsyncPostgresSaver on the test database, for tests of checkpoint deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from sqlalchemy.engine import URL

from dyno_agent.db.url import libpq_conninfo


@pytest.fixture(scope="session")
async def saver(database_url: URL) -> AsyncIterator[AsyncPostgresSaver]:
    """Session-scoped: `setup()` creates indexes CONCURRENTLY, best done before any test opens
    its (rolled-back) transaction."""
    conn = await AsyncConnection.connect(
        libpq_conninfo(database_url), autocommit=True, prepare_threshold=0, row_factory=dict_row
    )
    try:
        checkpointer = AsyncPostgresSaver(conn)
        await checkpointer.setup()
        yield checkpointer
    finally:
        await conn.close()
