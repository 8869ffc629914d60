"""Apply or revert the Alembic migrations shipped inside the package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, make_url

from dyno_agent.errors import DatabaseUnavailable

SCRIPT_LOCATION = "dyno_agent.db:migrations"
# pg_advisory_lock key held while a server prepares the database (migrations, demo data).
STARTUP_LOCK_KEY = 0x64796E6F  # "dyno"
LOCK_CONNECT_TIMEOUT_S = 10


def alembic_config(url: URL | str) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["url"] = url
    return config


def upgrade(url: URL | str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: URL | str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: URL | str) -> None:
    command.current(alembic_config(url))


@contextmanager
def startup_lock(url: URL | str) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock for the block: servers starting together on one database
    (replicas, several `dyno serve`) prepare it one after the other, never at once."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=LOCK_CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"Cannot reach the database: {exc}".strip()) from exc
    with conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (STARTUP_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (STARTUP_LOCK_KEY,))
