"""Alembic environment: runs on a connection handed in by `dyno_agent.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

import dyno_agent.models  # noqa: F401  (registers every table on Base.metadata)
from dyno_agent.db.base import Base

config = context.config
target_metadata = Base.metadata

# Tables owned by others (the LangGraph checkpointer creates its own) are left out of autogenerate.
FOREIGN_TABLES = {"checkpoints", "checkpoint_blobs", "checkpoint_writes", "checkpoint_migrations"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.attributes["url"], poolclass=pool.NullPool)
    with engine.connect() as conn:
        run_migrations(conn)
