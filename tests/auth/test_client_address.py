"""Whose address a login is counted against: the socket's peer, unless it is a trusted proxy."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.app import create_app
from dyno_agent.config import Settings
from dyno_agent.deps import get_session
from tests.servers import AppServer, server_env

LOGIN = "/api/v1/auth/login"
TRIES = 30
LIMIT = 5  # bcrypt (cost 12) runs for each counted try: keep them few


def login_body(email: str = "victim@lab.test") -> dict[str, str]:
    return {"email": email, "password": "not-the-password"}


def statuses(responses: list[httpx.Response]) -> list[int]:
    return [r.status_code for r in responses]


def in_process_client(
    settings: Settings, engine: AsyncEngine, session: AsyncSession, peer: str
) -> httpx.AsyncClient:
    """The app with `settings`, reached from `peer` (the socket address the app sees)."""
    app = create_app(settings, engine=engine)

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture(scope="module")
def served(database_url: URL) -> Iterator[str]:
    """`dyno serve` as deployed (no DYNO_TRUSTED_PROXIES), on the test database."""
    with tempfile.TemporaryDirectory(prefix="dyno-serve-") as data_dir:
        env = server_env(
            database_url,
            data_dir,
            DYNO_JWT_SECRET="client-address-tests-" + "x" * 32,
            DYNO_LOGIN_RATE_LIMIT=f"{LIMIT}/minute",
        )
        with AppServer(env=env, log=Path(data_dir) / "server.log").running() as server:
            yield server.base_url


async def test_spoofed_forwarded_for_does_not_escape_the_login_limit_of_dyno_serve(
    served: str,
) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=30) as http:
        responses = [
            await http.post(LOGIN, json=login_body(), headers={"X-Forwarded-For": f"203.0.113.{n}"})
            for n in range(TRIES)
        ]
    assert statuses(responses) == [401] * LIMIT + [429] * (TRIES - LIMIT)


async def test_an_untrusted_peer_is_limited_whatever_it_forwards(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    settings = settings.model_copy(
        update={"login_rate_limit": f"{LIMIT}/minute", "trusted_proxies": "10.0.0.0/8"}
    )
    async with in_process_client(settings, engine, session, "192.0.2.7") as http:
        responses = [
            await http.post(LOGIN, json=login_body(), headers={"X-Forwarded-For": f"203.0.113.{n}"})
            for n in range(TRIES)
        ]
    assert statuses(responses) == [401] * LIMIT + [429] * (TRIES - LIMIT)


async def test_a_trusted_proxy_passes_on_the_right_most_untrusted_address(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    settings = settings.model_copy(
        update={"login_rate_limit": "2/minute", "trusted_proxies": "10.0.0.0/8, 127.0.0.1"}
    )
    async with in_process_client(settings, engine, session, "10.1.2.3") as http:

        async def login_from(forwarded: str) -> int:
            response = await http.post(
                LOGIN, json=login_body(), headers={"X-Forwarded-For": forwarded}
            )
            return response.status_code

        # Each forwarded client has its own window...
        assert [await login_from(f"198.51.100.{n}") for n in range(4)] == [401] * 4
        # ...which is the right-most address not in the trusted list, whatever the client
        # itself wrote to the left of it.
        spoofed = [await login_from(f"203.0.113.{n}, 198.51.100.77, 10.9.9.9") for n in range(3)]
        assert spoofed == [401, 401, 429]


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(_env_file=None, trusted_proxies=" 10.0.0.0/8, ::1 ").trusted_proxy_list() == [
        "10.0.0.0/8",
        "::1",
    ]
    assert Settings(_env_file=None).trusted_proxy_list() == []
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(_env_file=None, trusted_proxies="10.0.0.0/8, proxy.lab.local")
