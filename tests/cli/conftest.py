"""CLI tests: each runs `dyno` in-process against its own scratch database (via DATABASE_URL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from dyno_agent.cli.main import app
from dyno_agent.config import get_settings
from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.demo import load_demo
from dyno_agent.scheduling import clock
from tests.conftest import TODAY, create_scratch_database


class Dyno:
    """Invoke `dyno ...` and query the database it used."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(app, list(args), input=input)

    def scalar(self, query: str, **params: object) -> object:
        return self.rows(query, **params)[0][0]

    def rows(self, query: str, **params: object) -> list:  # type: ignore[type-arg]
        engine = create_engine(self.url, poolclass=pool.NullPool)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(query), params).all())
        finally:
            engine.dispose()


@pytest.fixture
def blank_url(server_url: URL, monkeypatch: pytest.MonkeyPatch) -> Iterator[URL]:
    """An empty scratch database that `dyno` will use; dropped afterwards."""
    url, admin = create_scratch_database(server_url, "dyno_cli")
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.delenv("DYNO_TODAY", raising=False)  # restored after a test sets it via --today
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    drop_database(admin, url.database or "")


@pytest.fixture
def dyno(blank_url: URL) -> Dyno:
    """`dyno` on a migrated scratch database."""
    migrate.upgrade(blank_url)
    return Dyno(blank_url)


@pytest.fixture
def dyno_blank(blank_url: URL) -> Dyno:
    """`dyno` on a scratch database without any schema."""
    return Dyno(blank_url)


@pytest.fixture(scope="module")
def demo_template(server_url: URL) -> Iterator[str]:
    """A database holding the demo (today pinned), copied for each test that needs one."""
    url, admin = create_scratch_database(server_url, "dyno_cli_demo")
    migrate.upgrade(url)

    async def load() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with make_session_factory(engine)() as session:
                await load_demo(session)
                await session.commit()
        finally:
            await engine.dispose()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: TODAY)
        asyncio.run(load())
    yield url.database or ""
    drop_database(admin, url.database or "")


@pytest.fixture
def dyno_demo(
    server_url: URL, demo_template: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Dyno]:
    """`dyno` on a fresh copy of the demo database."""
    name = f"dyno_cli_copy_{uuid.uuid4().hex[:8]}"
    admin = libpq_conninfo(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(demo_template)
            )
        )
    url = server_url.set(database=name)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.delenv("DYNO_TODAY", raising=False)
    get_settings.cache_clear()
    yield Dyno(url)
    get_settings.cache_clear()
    drop_database(admin, name)
