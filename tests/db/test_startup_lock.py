"""Servers starting together on one database prepare it one at a time (an advisory lock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.errors import DatabaseUnavailable
from tests.conftest import create_scratch_database
from tests.servers import free_port

WAIT_LIMIT_S = 60  # bounds the polling below; nothing is asserted about time


@pytest.fixture
def fresh_url(server_url: URL) -> Iterator[URL]:
    url, admin = create_scratch_database(server_url, "dyno_lock")
    yield url
    drop_database(admin, url.database or "")


def waiting_for_the_lock(url: URL) -> int:
    with psycopg.connect(libpq_conninfo(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND objid = %s",
            (migrate.STARTUP_LOCK_KEY,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_second_server_waits_until_the_first_has_migrated(fresh_url: URL) -> None:
    done: list[str] = []

    def second_server() -> None:
        with migrate.startup_lock(fresh_url):
            migrate.upgrade(fresh_url)
            done.append("second")

    with migrate.startup_lock(fresh_url):
        thread = threading.Thread(target=second_server)
        thread.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while waiting_for_the_lock(fresh_url) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_for_the_lock(fresh_url) == 1 and not done
        migrate.upgrade(fresh_url)
        done.append("first")
    thread.join(WAIT_LIMIT_S)
    assert done == ["first", "second"]
    with psycopg.connect(libpq_conninfo(fresh_url)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_an_unreachable_database_is_reported_not_raised_raw(server_url: URL) -> None:
    url = URL.create("postgresql+psycopg", "nobody", host="127.0.0.1", port=free_port())
    with pytest.raises(DatabaseUnavailable), migrate.startup_lock(url):
        pass
