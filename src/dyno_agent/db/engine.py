"""Async engine and session factory, built by the process owner (app lifespan, CLI, tests)."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from dyno_agent.config import get_settings
from dyno_agent.db.timeouts import DatabaseTimeouts, TimedConnection
from dyno_agent.observability.database import MeteredPool, instrument_engine


def make_engine(
    url: URL | str, pool_size: int = 10, timeouts: DatabaseTimeouts | None = None
) -> AsyncEngine:
    """The engine; `timeouts` default to the settings' (DYNO_DB_*_TIMEOUT_*)."""
    url = make_url(url)
    timeouts = timeouts or DatabaseTimeouts.from_settings(get_settings())
    connect_args = {"async_creator_fn": TimedConnection.connect, **timeouts.connect_kwargs(url)}
    engine = create_async_engine(
        url,
        poolclass=MeteredPool,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # bounded like any statement by the connection's reply timeout
        pool_timeout=timeouts.pool_s,
        connect_args=connect_args,
        hide_parameters=True,  # error messages (and so logs) never show the values bound
    )
    instrument_engine(engine)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
