"""Test harness: a real PostgreSQL (embedded, or the server of DATABASE_URL), schema from the
migrations once per session, and each test inside a transaction that is rolled back at the end."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.app import create_app
from dyno_agent.config import Settings, get_settings
from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database, ensure_database, start_embedded
from dyno_agent.db.engine import make_engine
from dyno_agent.db.url import libpq_conninfo, to_psycopg_url
from dyno_agent.deps import get_session
from dyno_agent.scheduling import clock

TODAY = dt.date(2026, 3, 2)  # a Monday; tests pin "today" to it


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dyno-tests-") as root:
        yield Path(root)


@pytest.fixture(scope="session")
def server_url(tmp_root: Path) -> Iterator[URL]:
    """A maintenance-database URL on a real server: DATABASE_URL's server, or an embedded one."""
    if os.environ.get("DATABASE_URL"):
        yield to_psycopg_url(os.environ["DATABASE_URL"])
        return
    embedded = start_embedded(tmp_root / "pgdata")
    yield make_url(embedded.url("postgres"))
    embedded.server.cleanup()


def create_scratch_database(server_url: URL, prefix: str) -> tuple[URL, str]:
    """A new, empty database on the test server; returns its URL and the admin conninfo."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = libpq_conninfo(server_url)
    ensure_database(admin, name)
    return server_url.set(database=name), admin


@pytest.fixture(scope="session")
def database_url(server_url: URL) -> Iterator[URL]:
    """A fresh database, migrated to head, dropped after the session."""
    url, admin = create_scratch_database(server_url, "dyno_test")
    migrate.upgrade(url)
    yield url
    drop_database(admin, url.database or "")


@pytest.fixture(scope="session")
async def engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=20)
    yield engine
    await engine.dispose()


@contextlib.asynccontextmanager
async def rolled_back_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        session = AsyncSession(
            bind=conn,
            join_transaction_mode="create_savepoint",
            autoflush=False,
            expire_on_commit=False,
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one transaction rolled back after the test."""
    async with rolled_back_session(engine) as session:
        yield session


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """For tests that need real commits across connections; empties every table afterwards."""
    yield engine
    async with engine.begin() as conn:
        # Fail fast (not hang) if a test still holds a transaction on these tables.
        await conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = (
            await conn.execute(
                text(
                    "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                    "WHERE schemaname = 'public'"
                    " AND tablename NOT IN ('alembic_version', 'checkpoint_migrations')"
                )
            )
        ).scalar_one()
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def logging_left_as_found() -> Iterator[None]:
    """A command run in process (`dyno serve`, `dyno ask`) configures the server's logging for
    the whole process; take its handler off afterwards, so later tests' output stays theirs."""
    root = logging.getLogger()
    level = root.level
    yield
    for handler in root.handlers[:]:
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter):
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def today_setting_left_as_found() -> Iterator[None]:
    """`dyno --today` run in process sets DYNO_TODAY for the whole process (its purpose in a
    real command); put it back, so servers that later tests start do not inherit that day."""
    before = os.environ.get("DYNO_TODAY")
    yield
    if os.environ.get("DYNO_TODAY") != before:
        if before is None:
            del os.environ["DYNO_TODAY"]
        else:
            os.environ["DYNO_TODAY"] = before
        get_settings.cache_clear()


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def settings(tmp_root: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=None,
        data_dir=tmp_root / "data",
        jwt_secret="test-secret-" + "x" * 32,
        login_rate_limit="5/minute",
        llm="offline",
        google_api_key=None,
        openai_api_key=None,
        anthropic_api_key=None,
        ollama_host=None,
    )


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine, session: AsyncSession):  # type: ignore[no-untyped-def]
    """The app, sharing the test session so each test still rolls back."""
    application = create_app(settings, engine=engine)

    async def test_session() -> AsyncIterator[AsyncSession]:
        # The test's setup counts as committed before the request, so a request that fails
        # rolls back only its own work (its savepoint), not the factories' rows.
        await session.commit()
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
