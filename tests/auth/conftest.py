"""Real servers for the shared-limit tests: Debian's redis-server and `dyno serve` on loopback.

Without /usr/bin/redis-server the Redis tests are skipped, except in CI (CI=true), where that is a
failure (as for Chromium in tests/web).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

REDIS_SERVER = Path("/usr/bin/redis-server")
STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require_redis() -> None:
    if REDIS_SERVER.exists():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{REDIS_SERVER} is missing in CI: `apt-get install -y redis-server`.")
    pytest.skip(f"shared-limit tests need {REDIS_SERVER} (apt-get install redis-server)")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A throwaway Redis on a free loopback port, without persistence; yields its base URL."""
    _require_redis()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="dyno-redis-") as workdir:
        command = [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", workdir]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"redis-server exited with {process.returncode}")
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield f"redis://127.0.0.1:{port}"
        finally:
            client.close()
            stop(process)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The Redis URL (database 0), emptied before the test."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return f"{redis_server}/0"


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start in time:\n{log.read_text(errors='replace')}")


def serve(env: dict[str, str], data_dir: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start `dyno serve` on a free loopback port; returns the process, its URL and its log."""
    port = free_port()
    env = {**os.environ, **env, "DYNO_DATA_DIR": data_dir, "DYNO_LOG_LEVEL": "warning"}
    for key in ("GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST"):
        env.pop(key, None)
    dyno = Path(sys.executable).with_name("dyno")
    command = [str(dyno), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = Path(data_dir) / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base_url, process, log)
    except BaseException:
        stop(process)
        raise
    return process, base_url, log
