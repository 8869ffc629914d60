"""Structured logs: one access line per request, the request id on every line of a request, and
no passwords, tokens, API keys or chat text in them."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.auth.models import Role
from dyno_agent.config import Settings
from dyno_agent.db.engine import make_session_factory
from dyno_agent.observability.logging import REDACTED, Redactor
from dyno_agent.observability.requests import HEADER
from tests.conftest import TODAY
from tests.factories import PASSWORD, TEST_SECRET, make_dyno, make_user

CLIENT_LOGGERS = ("httpx", "httpcore")
API_KEY = "sk-test-" + "k" * 40
DAY = TODAY + dt.timedelta(days=7)
PROMPT = f"What is booked on VTS #1 on {DAY.isoformat()}? my quokka-marker-4711"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A provider key configured (the offline model still answers): it must never be logged."""
    return settings.model_copy(update={"openai_api_key": API_KEY, "log_format": "json"})


@pytest.fixture
async def engineer(committed: AsyncEngine) -> str:
    """A committed user (the chat stores its conversation in its own transaction); ask for it
    before `client`, so the client's session is closed before the tables are emptied."""
    async with make_session_factory(committed)() as session, session.begin():
        await make_dyno(session, "VTS #1", facility="VTS")
        user = await make_user(session, Role.user, email="logs@lab.test")
        return user.email


async def logged_request(
    client: httpx.AsyncClient, captured: Any, method: str, url: str, **kwargs: Any
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """The response, and every line the server logged while handling it (not the test
    client's own `httpx` lines)."""
    captured.new_lines()
    response = await client.request(method, url, **kwargs)
    lines = [line for line in captured.new_lines() if line.get("logger") not in CLIENT_LOGGERS]
    return response, lines


def access_line(lines: list[dict[str, Any]]) -> dict[str, Any]:
    (line,) = [line for line in lines if line.get("logger") == "dyno_agent.access"]
    return line


async def test_login_chat_and_failure_log_their_request_id_and_no_secret(
    capture_logs: Any, settings: Settings, engineer: str, client: httpx.AsyncClient
) -> None:
    captured = capture_logs(settings)

    login, login_lines = await logged_request(
        client,
        captured,
        "POST",
        "/api/v1/auth/login",
        json={"email": engineer, "password": PASSWORD},
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    chat, chat_lines = await logged_request(
        client, captured, "POST", "/api/v1/chat/stream", json={"message": PROMPT}, headers=headers
    )
    assert chat.status_code == 200, chat.text

    failed, failed_lines = await logged_request(
        client,
        captured,
        "POST",
        "/api/v1/auth/login",
        json={"email": engineer, "password": "wrong-" + PASSWORD},
    )
    assert failed.status_code == 401

    for response, lines in ((login, login_lines), (chat, chat_lines), (failed, failed_lines)):
        request_id = response.headers[HEADER]
        assert lines, "every request logs at least its access line"
        assert {line.get("request_id") for line in lines} == {request_id}, lines

    turn = next(line for line in chat_lines if line["event"] == "agent turn")
    assert turn["tools"] and turn["outcome"] == "answered" and turn["conversation_id"]
    tool_lines = [line for line in chat_lines if line["event"] == "tool call"]
    assert [line["tool"] for line in tool_lines] == turn["tools"]
    chat_access = access_line(chat_lines)
    assert chat_access["route"] == "/api/v1/chat/stream" and chat_access["user_id"] is not None
    assert access_line(failed_lines)["status"] == 401

    text = captured.text()
    for secret in (PASSWORD, token, API_KEY, TEST_SECRET, PROMPT, "quokka-marker-4711"):
        assert secret not in text


async def test_chat_text_is_logged_only_when_asked_for(
    capture_logs: Any, settings: Settings, engineer: str, client: httpx.AsyncClient
) -> None:
    captured = capture_logs(settings.model_copy(update={"log_prompts": True, "log_level": "debug"}))
    login = await client.post("/api/v1/auth/login", json={"email": engineer, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    await client.post("/api/v1/chat/stream", json={"message": PROMPT}, headers=headers)
    assert PROMPT in captured.text()


async def test_an_access_line_names_the_route_template_status_and_latency(
    capture_logs: Any, settings: Settings, engineer: str, client: httpx.AsyncClient
) -> None:
    captured = capture_logs(settings)
    login = await client.post("/api/v1/auth/login", json={"email": engineer, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    response, lines = await logged_request(
        client, captured, "GET", "/api/v1/vehicles/987654", headers=headers
    )
    assert response.status_code == 404
    line = access_line(lines)
    assert line["route"] == "/api/v1/vehicles/{vehicle_id}"
    assert line["method"] == "GET" and line["status"] == 404
    assert line["latency_ms"] >= 0 and line["user_id"] is not None


def test_the_redactor_masks_secret_keys_tokens_and_known_values() -> None:
    redact = Redactor(["a-configured-secret-value"])
    event = {
        "event": "calling with a-configured-secret-value and Bearer abcdefghijkl",
        "password": "hunter22",
        "nested": {"api_key": "x" * 12, "ok": 1},
        "exception": "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl failed",
        "messages": ["hello"],
    }
    out = redact(None, "info", dict(event))
    assert "a-configured-secret-value" not in out["event"] and "abcdefghijkl" not in out["event"]
    assert out["password"] == REDACTED and out["nested"] == {"api_key": REDACTED, "ok": 1}
    assert "eyJ" not in out["exception"] and out["messages"] == REDACTED


def test_console_format_writes_readable_lines(capture_logs: Any, settings: Settings) -> None:
    captured = capture_logs(settings.model_copy(update={"log_format": "console"}))
    logging.getLogger("dyno_agent.test").warning("hello %s", "there", extra={"token": "abc"})
    text = captured.text()
    assert "hello there" in text and "warning" in text and "abc" not in text


async def test_sql_errors_never_show_the_values_bound(engine: AsyncEngine) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1 / 0 WHERE :v <> ''"), {"v": "secret-bound-value"})
    assert "secret-bound-value" not in str(raised.value)
