"""Several server processes starting together on a new database all set up the checkpointer."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import URL

from dyno_agent.agent.service import open_checkpointer
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine
from tests.conftest import create_scratch_database

PROCESSES = 4


async def start_one(url: URL) -> None:
    """What each server's lifespan does: its own engine and checkpointer pool."""
    engine = make_engine(url, pool_size=2)
    try:
        async with open_checkpointer(engine, max_size=2):
            pass
    finally:
        await engine.dispose()


async def test_servers_starting_together_on_a_new_database_all_set_up_the_checkpointer(
    server_url: URL,
) -> None:
    url, admin = create_scratch_database(server_url, "dyno_ckpt")
    try:
        await asyncio.gather(*(start_one(url) for _ in range(PROCESSES)))
        engine = make_engine(url, pool_size=1)
        async with engine.connect() as conn:
            versions = await conn.execute(
                text("SELECT count(*), count(DISTINCT v) FROM checkpoint_migrations")
            )
            total, distinct = versions.one()
        await engine.dispose()
        assert total == distinct > 0
    finally:
        drop_database(admin, url.database or "")
