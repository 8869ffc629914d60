"""POST /api/v1/chat/stream and /resume over HTTP: SSE framing, event order, ownership, limits."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.agent.conftest import MONDAY, Lab, call, scripted
from tests.factories import auth_header


def parse_sse(body: str) -> list[dict[str, Any]]:
    """Events from an SSE body; each event is one or more `data:` lines ended by a blank line."""
    events, data = [], []
    for line in body.splitlines():
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line.strip() and data:
            events.append(json.loads("\n".join(data)))
            data = []
    if data:
        events.append(json.loads("\n".join(data)))
    return events


@pytest.fixture
async def client(lab: Lab, client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The HTTP client, set up after the committed lab data so it is torn down before it."""
    return client


@pytest.fixture
def use_model(app):  # type: ignore[no-untyped-def]
    def install(model: Any) -> None:
        app.state.chat.model_factory = lambda: model

    return install


async def post_stream(client: httpx.AsyncClient, user, body: dict) -> httpx.Response:  # type: ignore[no-untyped-def]
    return await client.post("/api/v1/chat/stream", json=body, headers=auth_header(user))


async def test_a_turn_streams_events_in_order(
    client: httpx.AsyncClient, lab: Lab, use_model, committed: AsyncEngine
):
    use_model(
        scripted(
            call(
                "get_dyno_schedule",
                {
                    "dyno": "VTS #1",
                    "start_date": MONDAY.isoformat(),
                    "end_date": MONDAY.isoformat(),
                },
            ),
            AIMessage(content="One booking."),
        )
    )
    response = await post_stream(client, lab.engineer, {"message": "what's on VTS 1 monday?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    events = parse_sse(response.text)
    assert [e["type"] for e in events] == [
        "conversation",
        "status",
        "tool_call",
        "status",
        "tool_result",
        "assistant",
        "done",
    ]
    assert events[2] == {
        "type": "tool_call",
        "name": "get_dyno_schedule",
        "args": {
            "dyno": "VTS #1",
            "start_date": MONDAY.isoformat(),
            "end_date": MONDAY.isoformat(),
        },
    }
    conversation_id = events[0]["id"]
    detail = await client.get(
        f"/api/v1/conversations/{conversation_id}", headers=auth_header(lab.engineer)
    )
    assert detail.status_code == 200
    roles = [m["role"] for m in detail.json()["messages"]]
    assert roles == ["user", "tool", "assistant"]
    other = await client.get(
        f"/api/v1/conversations/{conversation_id}", headers=auth_header(lab.other)
    )
    assert other.status_code == 404


async def test_confirm_then_resume_over_http(
    client: httpx.AsyncClient, lab: Lab, use_model, committed: AsyncEngine
):
    use_model(
        scripted(
            call("cancel_allocation", {"allocation_id": lab.others_booking.id}),
            AIMessage(content="Cancelled."),
        )
    )
    events = parse_sse((await post_stream(client, lab.manager, {"message": "cancel it"})).text)
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "cancel_allocation"
    conversation_id = events[0]["id"]
    stranger = await client.post(
        f"/api/v1/chat/{conversation_id}/resume",
        json={"approve": True},
        headers=auth_header(lab.engineer),
    )
    assert stranger.status_code == 404 and stranger.json()["error"] == "conversation_not_found"
    resumed = await client.post(
        f"/api/v1/chat/{conversation_id}/resume",
        json={"approve": True},
        headers=auth_header(lab.manager),
    )
    events = parse_sse(resumed.text)
    assert [e["type"] for e in events][-3:] == ["tool_result", "assistant", "done"]
    again = await client.post(
        f"/api/v1/chat/{conversation_id}/resume",
        json={"approve": True},
        headers=auth_header(lab.manager),
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"message": ""}, 422),
        ({"message": "   "}, 422),
        ({"message": "x" * 4001}, 422),
        ({"message": "hi", "conversation_id": "not-a-uuid"}, 422),
        ({"message": "hi", "conversation_id": "00000000-0000-0000-0000-000000000000"}, 404),
        ({"message": "hi", "extra": 1}, 422),
    ],
)
async def test_bad_chat_requests_are_rejected_before_streaming(
    client: httpx.AsyncClient, lab: Lab, body, status
):
    response = await post_stream(client, lab.engineer, body)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message", "details"}


async def test_chat_needs_a_token(client: httpx.AsyncClient, lab: Lab):
    response = await client.post("/api/v1/chat/stream", json={"message": "hi"})
    assert response.status_code == 401


async def test_chat_is_rate_limited_per_user(client: httpx.AsyncClient, app, lab: Lab, use_model):
    from dyno_agent.agent.service import ChatThrottle

    app.state.chat_throttle = ChatThrottle("2/minute")
    use_model(scripted(*(AIMessage(content=f"hi {n}") for n in range(5))))
    for _ in range(2):
        assert (await post_stream(client, lab.engineer, {"message": "hi"})).status_code == 200
    limited = await post_stream(client, lab.engineer, {"message": "hi"})
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert (await post_stream(client, lab.other, {"message": "hi"})).status_code == 200


async def test_a_client_disconnect_stops_the_run(
    client: httpx.AsyncClient, app, lab: Lab, use_model, monkeypatch: pytest.MonkeyPatch
):
    import asyncio

    from dyno_agent.agent import tools as agent_tools
    from dyno_agent.agent.tools import ToolOutcome, ToolSpec
    from dyno_agent.agent.tools.args import NoArgs

    started, finished = asyncio.Event(), asyncio.Event()

    async def slow(env, args):  # type: ignore[no-untyped-def]
        started.set()
        await asyncio.sleep(30)
        finished.set()
        return ToolOutcome.success("slow", {})

    monkeypatch.setitem(agent_tools.TOOLS, "slow", ToolSpec("slow", "test", NoArgs, slow))
    use_model(scripted(call("slow", {}), AIMessage(content="late"), AIMessage(content="next")))
    chat = app.state.chat
    turn = await chat.prepare_message(lab.engineer, "go")
    stream = chat.events(turn)
    seen = []
    async for event in stream:
        seen.append(event["type"])
        if event["type"] == "status" and "slow" in event["message"]:
            break  # the tools node is running the slow tool now
    await asyncio.wait_for(started.wait(), 5)
    await stream.aclose()  # what the SSE response does when the client goes away
    await asyncio.sleep(0.1)
    assert not finished.is_set()
    # The next message starts clean: the stopped call is closed, no tool call lacks a result.
    follow = await chat.prepare_message(lab.engineer, "again", turn.conversation_id)
    events = [e async for e in chat.events(follow)]
    assert events[-2] == {"type": "assistant", "content": "late"}
    state = await chat.graph.aget_state(chat._config(turn.conversation_id))
    assert [m.type for m in state.values["messages"]] == ["human", "ai", "tool", "human", "ai"]
