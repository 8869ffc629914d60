"""X-Request-ID: kept from a trusted proxy when well-formed, else generated; on every response."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.app import create_app
from dyno_agent.config import Settings
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.observability.requests import HEADER
from tests.servers import free_port

PROXY = "10.0.0.5"
GIVEN = "edge-7f3a9c21-0001"


def client_for(app: FastAPI, peer: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def behind_proxy(settings: Settings, engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"trusted_proxies": "10.0.0.0/24"}), engine)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    async with app.router.lifespan_context(app):
        yield app


async def test_a_trusted_proxy_passes_its_request_id_through(behind_proxy: FastAPI) -> None:
    async with client_for(behind_proxy, PROXY) as http:
        response = await http.get("/health", headers={HEADER: GIVEN})
    assert response.headers[HEADER] == GIVEN


@pytest.mark.parametrize("peer", ["192.0.2.9", "10.0.1.5"])
async def test_an_untrusted_client_gets_a_new_id(behind_proxy: FastAPI, peer: str) -> None:
    async with client_for(behind_proxy, peer) as http:
        response = await http.get("/health", headers={HEADER: GIVEN})
    assert response.headers[HEADER] != GIVEN and len(response.headers[HEADER]) == 32


@pytest.mark.parametrize("given", ["a" * 129, "id with spaces", "x\\u001b[31m", "-leading", ""])
async def test_a_malformed_id_from_a_trusted_proxy_is_replaced(
    behind_proxy: FastAPI, given: str
) -> None:
    async with client_for(behind_proxy, PROXY) as http:
        response = await http.get("/health", headers={HEADER: given})
    assert response.headers[HEADER] != given and len(response.headers[HEADER]) == 32


async def test_errors_and_unmatched_paths_carry_the_id(behind_proxy: FastAPI) -> None:
    async with client_for(behind_proxy, PROXY) as http:
        crashed = await http.get("/boom", headers={HEADER: GIVEN})
        missing = await http.get("/no/such/page", headers={HEADER: GIVEN})
        invalid = await http.post("/api/v1/auth/login", json={}, headers={HEADER: GIVEN})
    assert crashed.status_code == 500 and crashed.json()["error"] == "internal_error"
    assert missing.status_code == 404 and invalid.status_code == 422
    assert {r.headers[HEADER] for r in (crashed, missing, invalid)} == {GIVEN}


async def test_a_503_while_the_database_is_down_carries_the_id(settings: Settings) -> None:
    down = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    app = create_app(settings.model_copy(update={"trusted_proxies": PROXY}), engine=down)
    # What the lifespan would set, minus the checkpointer (which needs the database up).
    app.state.engine, app.state.session_factory = down, make_session_factory(down)
    try:
        async with client_for(app, PROXY) as http:
            ready = await http.get("/health/ready", headers={HEADER: GIVEN})
            login = await http.post(
                "/api/v1/auth/login", json={"email": "a@lab.test", "password": "whatever-1"}
            )
    finally:
        await down.dispose()
    assert ready.status_code == 503 and ready.headers[HEADER] == GIVEN
    assert login.status_code == 503 and len(login.headers[HEADER]) == 32
