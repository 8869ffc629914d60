"""Reliability harness: a PostgreSQL of our own and real `dyno serve` processes, all on loopback.

Each suite gets an embedded PostgreSQL in a temporary directory (never the session's shared one),
so it may stop it, kill it with SIGKILL and start it again on the same data directory (crash
recovery). App servers are separate `dyno serve` processes on free 127.0.0.1 ports, with the
offline model, "today" pinned and login limits out of the way. Teardown always kills what was
started, whatever the test did.

The processes come from `tests/servers.py` (`TempPostgres`, `AppServer`); here:
- `running_lab(n)`: a migrated database with the demo loaded and `n` ready servers; the `lab`
  fixture is one shared by this package's suites.
- `figures` fixture: lines a suite wants in the CI log (printed in the terminal summary).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.db.embedded import ensure_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo import load_demo
from dyno_agent.scheduling import clock
from tests.conftest import TODAY
from tests.servers import AppServer, TempPostgres, server_env

DATABASE = "dyno"
SERVERS = 3  # app server processes on the one database
SECRET = "reliability-secret-" + "x" * 32
POOL_SIZE = 8  # per server: the engine may open 2x this, the checkpointer this many more
MAX_CONNECTIONS = 300

_figures: list[str] = []


def _server_env(database_url: URL, data_dir: Path, **overrides: str) -> dict[str, str]:
    return server_env(
        database_url,
        data_dir,
        DYNO_JWT_SECRET=SECRET,
        DYNO_TODAY=TODAY.isoformat(),
        DYNO_DB_POOL_SIZE=str(POOL_SIZE),
        # The storms check correctness, not capacity: 200 clients queue for 16 connections per
        # server on 2 busy cores, so a request waits for one rather than being turned away (503).
        DYNO_DB_POOL_TIMEOUT_S="60",
        **overrides,
    )


@dataclass
class Lab:
    """A temporary PostgreSQL with the demo loaded, and the app servers running on it."""

    postgres: TempPostgres
    root: Path
    servers: list[AppServer] = field(default_factory=list)  # the current ones, dead or alive
    _started: int = 0

    @property
    def database_url(self) -> URL:
        return self.postgres.url(DATABASE)

    def conninfo(self) -> str:
        return self.database_url.set(drivername="postgresql").render_as_string(hide_password=False)

    def urls(self) -> list[str]:
        return [server.base_url for server in self.servers if server.alive]

    def spawn(self, count: int, **env: str) -> list[AppServer]:
        """Start `count` more servers at once and wait until each is ready."""
        new = []
        for _ in range(count):
            log = self.root / f"server-{self._started}.log"
            new.append(
                AppServer(env=_server_env(self.database_url, self.root / "data", **env), log=log)
            )
            self._started += 1
        self.servers.extend(new)
        for server in new:
            server.start()
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(lambda s: s.wait_ready(), new))
        return new

    def restart_servers(self) -> list[AppServer]:
        """Stop every server (SIGTERM) and start as many fresh ones."""
        count = len(self.servers)
        self.stop_servers()
        self.servers = []
        return self.spawn(count)

    def stop_servers(self) -> None:
        for server in self.servers:
            server.stop()

    def server_errors(self) -> str:
        """What the servers of this lab logged so far, less the expected outage warnings."""
        logs = sorted(self.root.glob("server-*.log"))
        texts = (log.read_text(errors="replace") for log in logs)
        lines = (line for text in texts for line in text.splitlines())
        return "\n".join(line for line in lines if not line.startswith("database unavailable:"))

    def kill_everything(self) -> None:
        for server in self.servers:
            server.kill()
        self.postgres.stop()


async def _load_demo(url: URL) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            summary = await load_demo(session)
            assert summary.usable, summary.message
    finally:
        await engine.dispose()


@contextmanager
def running_lab(servers: int) -> Iterator[Lab]:
    """Its own PostgreSQL (more connections than the default 100), migrated, with the demo as of
    TODAY, and `servers` app servers; everything is killed on the way out."""
    with tempfile.TemporaryDirectory(prefix="dyno-reliability-") as root:
        postgres = TempPostgres(Path(root) / "pgdata")
        lab = Lab(postgres=postgres, root=Path(root))
        try:
            postgres.start()
            postgres.configure(max_connections=MAX_CONNECTIONS)
            ensure_database(postgres.admin_conninfo(), DATABASE)
            migrate.upgrade(lab.database_url)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(clock, "today", lambda: TODAY)
                asyncio.run(_load_demo(lab.database_url))
            lab.spawn(servers)
            yield lab
        finally:
            lab.kill_everything()


@pytest.fixture(scope="package")
def lab() -> Iterator[Lab]:
    """Shared by the suites of this package (starting servers is the slow part): each suite
    leaves it with SERVERS servers running, and audits the whole database anyway."""
    with running_lab(SERVERS) as shared:
        yield shared


@pytest.fixture
def figures() -> list[str]:
    """Lines to show in the CI log, after the results (also shown with a failure)."""
    return _figures


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _figures:
        terminalreporter.section("reliability figures")
        for line in _figures:
            terminalreporter.write_line(line)
