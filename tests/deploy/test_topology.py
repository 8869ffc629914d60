"""The compose topology without containers: two `dyno serve` processes (one with two workers) on
one fresh database and one Redis, started at the same moment.

They prepare the database one at a time (migrations and demo data once), a token from one is
accepted by the other, the login limit is counted once across them, and bookings sent through
both at once never double-book a dyno or a vehicle.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import URL

from dyno_agent.db.embedded import drop_database
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.demo import DEMO_PASSWORD
from dyno_agent.observability.requests import HEADER
from tests.auth.conftest import redis_server, redis_url  # noqa: F401 (fixtures)
from tests.conftest import create_scratch_database
from tests.reliability.audit import CHECKS
from tests.servers import AppServer, server_env

API = "/api/v1"
LOGIN_LIMIT = 4
VEHICLES = 8
ADMIN = "admin@demo.local"


@pytest.fixture(scope="module")
def fresh_database(server_url: URL) -> Iterator[URL]:
    """An empty database: no schema yet, so both servers race to migrate it."""
    url, admin = create_scratch_database(server_url, "dyno_topology")
    yield url
    drop_database(admin, url.database or "")


@pytest.fixture
def servers(fresh_database: URL, redis_url: str) -> Iterator[tuple[AppServer, AppServer]]:  # noqa: F811
    with tempfile.TemporaryDirectory(prefix="dyno-topology-") as data_dir:
        # One data directory, no DYNO_JWT_SECRET: the generated secret file is the shared one.
        env = server_env(
            fresh_database,
            data_dir,
            DYNO_RATE_LIMIT_STORAGE=redis_url,
            DYNO_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT}/minute",
            DYNO_LOG_FORMAT="json",
            DYNO_LOG_LEVEL="info",
        )
        env.pop("DYNO_JWT_SECRET", None)
        logs = Path(data_dir)
        first = AppServer(env=env, log=logs / "a.log", args=["--demo", "--workers", "2"])
        second = AppServer(env=env, log=logs / "b.log", args=["--demo"])
        try:
            first.start()
            second.start()
            first.wait_ready()
            second.wait_ready()
            yield first, second
        finally:
            first.stop()
            second.stop()


def compatible_vehicles(url: URL) -> list[int]:
    """Demo vehicles every VTS/TRP brake dyno takes (2WD, under 10k lbs)."""
    with psycopg.connect(libpq_conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT id FROM vehicles WHERE drive_type = '2WD' AND weight_class = '<10K'"
            " ORDER BY id LIMIT %s",
            (VEHICLES,),
        ).fetchall()
    return [row[0] for row in rows]


def overlaps(url: URL) -> dict[str, int]:
    with psycopg.connect(libpq_conninfo(url)) as conn:
        return {
            name: conn.execute(query).fetchone()[0]  # type: ignore[index]
            for name, query in CHECKS.items()
            if "overlapping" in name
        }


async def test_two_servers_on_one_database_act_as_one(
    servers: tuple[AppServer, AppServer], fresh_database: URL
) -> None:
    first, second = servers
    with psycopg.connect(libpq_conninfo(fresh_database)) as conn:
        users = conn.execute("SELECT count(*) FROM users").fetchone()
    assert users == (3,), "the demo was loaded once"

    async with (
        httpx.AsyncClient(base_url=first.base_url, timeout=60) as a,
        httpx.AsyncClient(base_url=second.base_url, timeout=60) as b,
    ):
        login = await a.post(f"{API}/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        # The token from the first server (any of its workers) is good on every process.
        answers = await asyncio.gather(
            *(http.get(f"{API}/auth/me", headers=auth) for http in (a, b) * 4)
        )
        assert [r.status_code for r in answers] == [200] * 8
        assert all(r.headers.get(HEADER) for r in answers)

        # Bookings of the same vehicles through both servers at once.
        start = (dt.date.today() + dt.timedelta(days=90)).isoformat()
        bodies = [
            {"vehicle_id": v, "test_type": "brake", "start_date": start, "days_to_complete": 3}
            for v in compatible_vehicles(fresh_database)
        ]
        assert len(bodies) == VEHICLES
        # Each server books on its own: one vehicle through each.
        for http, body in ((a, bodies[0]), (b, bodies[1])):
            own = await http.post(f"{API}/allocations/auto", json=body, headers=auth)
            assert own.status_code == 201, own.text
        # Then the others through both servers at once: each vehicle is booked once.
        sent = [(http, body) for body in bodies[2:] for http in (a, b)]
        booked = await asyncio.gather(
            *(http.post(f"{API}/allocations/auto", json=body, headers=auth) for http, body in sent)
        )
        statuses = [r.status_code for r in booked]
        assert set(statuses) <= {201, 409}, [
            r.text for r in booked if r.status_code not in (201, 409)
        ]
        assert statuses.count(201) <= VEHICLES - 2  # a vehicle is booked once on those days
        assert overlaps(fresh_database) == {name: 0 for name in overlaps(fresh_database)}

        # The login limit is one count across processes (Redis), not one per worker.
        wrong = {"email": "nobody@demo.local", "password": "not-the-password"}
        tries = [await http.post(f"{API}/auth/login", json=wrong) for http in (a, b) * 3]
        assert [r.status_code for r in tries] == [401] * LOGIN_LIMIT + [429] * 2

    # Every worker logged JSON lines with request ids.
    access = [
        json.loads(line)
        for server in servers
        for line in server.log_text().splitlines()
        if line.startswith("{") and '"dyno_agent.access"' in line
    ]
    assert access and all(line["request_id"] for line in access)
