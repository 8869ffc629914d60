"""Outage tests: the real app (`dyno serve`) on its OWN embedded PostgreSQL, which the tests stop,
restart, freeze (SIGSTOP) and thaw; the session's shared server is never touched.

The server runs with small database timeouts so a hung database is noticed in seconds.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from dyno_agent.auth.models import Role
from dyno_agent.db import migrate
from dyno_agent.db.embedded import ensure_database
from dyno_agent.db.engine import make_engine, make_session_factory
from tests.conftest import TODAY
from tests.factories import PASSWORD, make_dyno, make_user, make_vehicle
from tests.servers import AppServer, TempPostgres, server_env

DATABASE = "dyno_outage"
ENGINEER = "engineer@outage.test"
VIN = "1FTDYN0TEST000001"
SECRET = "outage-tests-secret-" + "x" * 32
# Small bounds: a hung server costs a request about statement + 2 x connect + pool seconds.
SERVER_ENV = {
    "DYNO_DB_CONNECT_TIMEOUT_S": "2",
    "DYNO_DB_POOL_TIMEOUT_S": "2",
    "DYNO_DB_STATEMENT_TIMEOUT_MS": "3000",
    "DYNO_DB_RETRY_AFTER_S": "7",
}
RETRY_AFTER = SERVER_ENV["DYNO_DB_RETRY_AFTER_S"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[TempPostgres]:
    with tempfile.TemporaryDirectory(prefix="dyno-outage-pg-") as root:
        server = TempPostgres(Path(root) / "pgdata")
        try:
            server.start()
            ensure_database(server.admin_conninfo(), DATABASE)
            migrate.upgrade(server.url(DATABASE))
            asyncio.run(_seed(server.url(DATABASE)))
            yield server
        finally:
            server.stop()


async def _seed(url: URL) -> None:
    """A user, a vehicle, and a dyno that takes it for brake tests."""
    engine = make_engine(url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await make_user(session, Role.user, email=ENGINEER)
            await make_vehicle(session, vin=VIN)
            await make_dyno(session, "Outage dyno")
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def base_url(postgres: TempPostgres) -> Iterator[str]:
    """`dyno serve` on a free loopback port, on the suite's own server."""
    with tempfile.TemporaryDirectory(prefix="dyno-outage-") as data_dir:
        env = server_env(
            postgres.url(DATABASE),
            data_dir,
            **SERVER_ENV,
            DYNO_JWT_SECRET=SECRET,
            DYNO_TODAY=TODAY.isoformat(),
        )
        with AppServer(env=env, log=Path(data_dir) / "server.log").running() as server:
            yield server.base_url


@pytest.fixture(scope="module")
def token(base_url: str) -> str:
    """A token taken while the database is up (tokens are checked against the users table)."""
    response = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": ENGINEER, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
