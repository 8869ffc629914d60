"""A database that is stopped or hung gets clean, bounded 503 answers, and service comes back."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from dyno_agent.app import create_app
from dyno_agent.auth.models import User
from dyno_agent.config import Settings
from tests.conftest import TODAY
from tests.factories import PASSWORD
from tests.outage.conftest import DATABASE, ENGINEER, RETRY_AFTER, SERVER_ENV, VIN
from tests.servers import TempPostgres

# A request that never answers fails the test instead of hanging it.
HANG = httpx.Timeout(45.0)
_weeks = itertools.count(10)


@dataclass
class Call:
    """One kind of request the app serves."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    signed_in: bool = True
    ok: set[int] = field(default_factory=lambda: {200})


def calls() -> dict[str, Call]:
    start = TODAY + dt.timedelta(weeks=next(_weeks))  # a new week each round: it always fits
    booking = {"vin": VIN, "test_type": "Brake", "start_date": start.isoformat()}
    return {
        "login": Call(
            "POST", "/api/v1/auth/login", {"email": ENGINEER, "password": PASSWORD}, False
        ),
        "me": Call("GET", "/api/v1/auth/me"),
        "vehicles": Call("GET", "/api/v1/vehicles"),
        "auto allocation": Call(
            "POST", "/api/v1/allocations/auto", {**booking, "days_to_complete": 1}, ok={201}
        ),
        "chat": Call("POST", "/api/v1/chat/stream", {"message": "What's booked next week?"}),
        "ready": Call("GET", "/health/ready", signed_in=False),
    }


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=HANG) as http:
        yield http


async def send(client: httpx.AsyncClient, token: str, call: Call) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if call.signed_in else {}
    return await client.request(call.method, call.path, json=call.body, headers=headers)


async def send_all_at_once(client: httpx.AsyncClient, token: str) -> dict[str, httpx.Response]:
    kinds = calls()
    answers = await asyncio.gather(*(send(client, token, call) for call in kinds.values()))
    return dict(zip(kinds, answers, strict=True))


async def assert_each_kind_succeeds(client: httpx.AsyncClient, token: str) -> None:
    """One request of each kind, one after the other; each must succeed the first time."""
    for kind, call in calls().items():
        response = await send(client, token, call)
        assert response.status_code in call.ok, f"{kind}: {response.status_code} {response.text}"
        if kind == "chat":
            events = sse_events(response.text)
            assert events[-1]["type"] == "done", events
            assert not [e for e in events if e["type"] == "error"], events


def assert_unavailable(kind: str, response: httpx.Response) -> None:
    assert response.status_code == 503, f"{kind}: {response.status_code} {response.text}"
    assert response.headers["retry-after"] == RETRY_AFTER, kind
    body = response.json()
    assert set(body) == {"error", "message", "details"}, kind
    assert body["error"] == ("not_ready" if kind == "ready" else "database_unavailable"), kind
    assert body["message"], kind


def sse_events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]


async def test_every_kind_of_request_answers_503_with_retry_after_while_the_database_is_stopped(
    client: httpx.AsyncClient, token: str, postgres: TempPostgres
) -> None:
    await assert_each_kind_succeeds(client, token)  # the pools hold connections that will die
    with postgres.stopped():
        answers = await send_all_at_once(client, token)
    for kind, response in answers.items():
        assert_unavailable(kind, response)


async def test_the_first_request_of_each_kind_succeeds_after_the_database_restarts(
    client: httpx.AsyncClient, token: str, postgres: TempPostgres
) -> None:
    await assert_each_kind_succeeds(client, token)
    with postgres.stopped():
        pass  # every pooled connection, the chat checkpointer's included, is now dead
    await assert_each_kind_succeeds(client, token)


async def test_a_hung_database_gets_503_answers_not_hangs_and_service_resumes_when_it_thaws(
    client: httpx.AsyncClient, token: str, postgres: TempPostgres
) -> None:
    await assert_each_kind_succeeds(client, token)  # pooled connections, to hung backends soon
    with postgres.frozen():
        answers = await send_all_at_once(client, token)
    for kind, response in answers.items():
        assert_unavailable(kind, response)
    await assert_each_kind_succeeds(client, token)


async def test_a_chat_that_loses_the_database_mid_turn_ends_with_an_error_then_done(
    postgres: TempPostgres, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=postgres.url(DATABASE).render_as_string(hide_password=False),
        data_dir=tmp_path,
        jwt_secret="x" * 40,
        llm="offline",
        google_api_key=None,
        openai_api_key=None,
        anthropic_api_key=None,
        ollama_host=None,
        db_connect_timeout_s=int(SERVER_ENV["DYNO_DB_CONNECT_TIMEOUT_S"]),
        db_pool_timeout_s=float(SERVER_ENV["DYNO_DB_POOL_TIMEOUT_S"]),
        db_statement_timeout_ms=int(SERVER_ENV["DYNO_DB_STATEMENT_TIMEOUT_MS"]),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.session_factory() as session:
            user = await session.scalar(select(User).where(User.email == ENGINEER))
        assert user is not None
        chat = app.state.chat
        turn = await chat.prepare_message(user, "What's booked next week?")
        events = chat.events(turn)
        first = await anext(events)  # nothing has touched the database for the turn yet
        with postgres.stopped():
            rest = [event async for event in events]
    assert first["type"] == "conversation"
    assert [e["type"] for e in rest][-2:] == ["error", "done"], rest
