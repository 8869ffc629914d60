"""A real Redis for the shared-limit tests: Debian's redis-server on a free loopback port.

Without /usr/bin/redis-server the Redis tests are skipped, except in CI (CI=true), where that is a
failure (as for Chromium in tests/web).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.servers import free_port, require_binary

REDIS_SERVER = Path("/usr/bin/redis-server")
STARTUP_TIMEOUT_S = 60


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A throwaway Redis on a free loopback port, without persistence; yields its base URL."""
    require_binary(REDIS_SERVER, "redis-server")
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
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The Redis URL (database 0), emptied before the test."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return f"{redis_server}/0"
