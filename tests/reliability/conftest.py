"""Reliability harness: a PostgreSQL of our own and real `dyno serve` processes, all on loopback.

Each suite gets an embedded PostgreSQL in a temporary directory (never the session's shared one),
so it may stop it, kill it with SIGKILL and start it again on the same data directory (crash
recovery). App servers are separate `dyno serve` processes on free 127.0.0.1 ports, with the
offline model, "today" pinned and login limits out of the way. Teardown always kills what was
started, whatever the test did.

Building blocks for other suites:
- `TempPostgres`: `start()`, `stop()`, `kill()` (postmaster and backends, SIGKILL), `url()`.
- `AppServer`: `start()`, `wait_ready()`, `kill()` (SIGKILL), `stop()` (SIGTERM, then SIGKILL).
- `running_lab(n)`: a migrated database with the demo loaded and `n` ready servers; the `lab`
  fixture is one shared by this package's suites.
- `figures` fixture: lines a suite wants in the CI log (printed in the terminal summary).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
from sqlalchemy.engine import URL, make_url

from dyno_agent.db import migrate
from dyno_agent.db.embedded import EmbeddedPostgres, ensure_database, start_embedded
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo import load_demo
from dyno_agent.scheduling import clock
from tests.conftest import TODAY

DATABASE = "dyno"
SERVERS = 3  # app server processes on the one database
SECRET = "reliability-secret-" + "x" * 32
POOL_SIZE = 8  # per server: the engine may open 2x this, the checkpointer this many more
MAX_CONNECTIONS = 300
STARTUP_TIMEOUT_S = 180  # importing the app takes seconds on a busy 2-core machine
DYNO = Path(sys.executable).with_name("dyno")

_figures: list[str] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TempPostgres:
    """An embedded PostgreSQL whose data lives in `pgdata`; it can be killed and started again."""

    pgdata: Path
    embedded: EmbeddedPostgres | None = None

    def start(self) -> None:
        """Start on `pgdata` (initialising it the first time; after a crash it recovers)."""
        if self.embedded is not None:
            self.embedded.server.cleanup()  # forget the old handle so a new postmaster starts
        self.embedded = start_embedded(self.pgdata)

    def stop(self) -> None:
        """Clean shutdown (pg_ctl stop)."""
        if self.embedded is not None:
            self.embedded.server.cleanup()
            self.embedded = None

    @property
    def postmaster_pid(self) -> int:
        assert self.embedded is not None, "the server is not started"
        pid = self.embedded.server.get_pid()
        assert pid is not None
        return int(pid)

    def kill(self, grace_s: float = 10.0) -> None:
        """`kill -9` the postmaster; backends that outlive it `grace_s` are killed too."""
        postmaster = psutil.Process(self.postmaster_pid)
        backends = postmaster.children(recursive=True)
        postmaster.send_signal(signal.SIGKILL)
        _, alive = psutil.wait_procs([postmaster, *backends], timeout=grace_s)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=grace_s)

    def configure(self, **settings: object) -> None:
        """ALTER SYSTEM the settings, then restart so that every one applies."""
        with psycopg.connect(self.admin_conninfo(), autocommit=True) as conn:
            for name, value in settings.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        self.stop()
        self.start()

    def url(self, database: str = DATABASE) -> URL:
        assert self.embedded is not None, "the server is not started"
        return make_url(self.embedded.url(database))

    def admin_conninfo(self) -> str:
        assert self.embedded is not None, "the server is not started"
        return self.embedded.admin_conninfo()


@dataclass
class AppServer:
    """One `dyno serve` process on a fixed loopback port."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [str(DYNO), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        """Poll /health/ready until it answers 200; fail with the server's log otherwise."""
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server on {self.port} exited early:\n{self.log_text()}")
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server on {self.port} was not ready in time:\n{self.log_text()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """`kill -9`: no shutdown, in-flight requests are cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, timeout_s: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def server_env(database_url: URL, data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url.render_as_string(hide_password=False),
        "DYNO_DATA_DIR": str(data_dir),
        "DYNO_JWT_SECRET": SECRET,
        "DYNO_TODAY": TODAY.isoformat(),
        "DYNO_LLM": "offline",
        "DYNO_DB_POOL_SIZE": str(POOL_SIZE),
        "DYNO_LOGIN_RATE_LIMIT": "100000/minute",
        "DYNO_CHAT_RATE_LIMIT": "100000/minute",
        "DYNO_LOG_LEVEL": "warning",
    }
    for key in ("GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST"):
        env.pop(key, None)
    env.update(overrides)
    return env


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
        return [server.base_url for server in self.servers if server.running]

    def spawn(self, count: int, **env: str) -> list[AppServer]:
        """Start `count` more servers at once and wait until each is ready."""
        new = []
        for _ in range(count):
            log = self.root / f"server-{self._started}.log"
            new.append(
                AppServer(env=server_env(self.database_url, self.root / "data", **env), log=log)
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
