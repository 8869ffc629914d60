"""Revision 0003 adds the conversation tables and their search indexes, and takes them away."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Connection
from psycopg.rows import dict_row
from sqlalchemy import create_engine, inspect, pool, text
from sqlalchemy.engine import URL

import dyno_agent.models  # noqa: F401
from dyno_agent.db import migrate
from dyno_agent.db.base import Base
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.url import libpq_conninfo
from tests.conftest import create_scratch_database

OURS = {"conversations", "conversation_messages"}
CHECKPOINT_TABLES = {
    "checkpoints",
    "checkpoint_blobs",
    "checkpoint_writes",
    "checkpoint_migrations",
}
NOT_MAPPED = {"dyno_occupancy", "dyno_busy_days", "scheduling_rules_version"} | CHECKPOINT_TABLES
INDEXES = {
    "ix_conversations_owner_recent",
    "ix_conversations_title_trgm",
    "ix_conversation_messages_thread",
    "ix_conversation_messages_content_trgm",
}


def snapshot(engine) -> tuple[set[str], set[str], bool]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        indexes = set(
            conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"))
            .scalars()
            .all()
        )
        trgm = conn.execute(
            text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
        ).scalar_one()
    return tables, indexes, trgm == 1


def test_upgrade_downgrade_to_0001_and_upgrade_again_next_to_the_checkpointer(server_url: URL):
    url, admin = create_scratch_database(server_url, "dyno_conversations")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        migrate.upgrade(url, "0001")
        # The checkpointer's own tables, as the app would create them at start-up.
        with Connection.connect(
            libpq_conninfo(url), autocommit=True, prepare_threshold=0, row_factory=dict_row
        ) as conn:
            PostgresSaver(conn).setup()

        migrate.upgrade(url)
        tables, indexes, trgm = snapshot(engine)
        assert tables >= OURS | CHECKPOINT_TABLES and indexes >= INDEXES and trgm
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_object": lambda o, name, kind, r, c: (
                        not (kind == "table" and name in NOT_MAPPED)
                    ),
                },
            )
            assert compare_metadata(context, Base.metadata) == []

        migrate.downgrade(url, "0001")
        tables, indexes, trgm = snapshot(engine)
        assert not tables & OURS and not indexes & INDEXES and not trgm
        assert tables >= CHECKPOINT_TABLES and "allocations" in tables

        migrate.upgrade(url)
        tables, indexes, trgm = snapshot(engine)
        assert tables >= OURS and indexes >= INDEXES and trgm
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")
