"""HTTP behaviour of /api/v1/conversations: your own chats only; anyone else's answer 404."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.conversations import service
from dyno_agent.conversations.models import Conversation, ConversationMessage
from tests.factories import auth_header, make_user

URL = "/api/v1/conversations"


def error_body(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == code and body["message"]
    return body


# Setup is committed before requesting; tests keep plain ids, not ORM objects, afterwards.


@pytest.fixture
async def alice(session: AsyncSession) -> tuple[int, dict[str, str]]:
    user = await make_user(session)
    return user.id, auth_header(user)


@pytest.fixture
async def bob(session: AsyncSession) -> tuple[int, dict[str, str]]:
    user = await make_user(session)
    return user.id, auth_header(user)


async def chat(session: AsyncSession, owner_id: int, *turns: str) -> uuid.UUID:
    """A conversation titled after the first turn, with the turns alternating user/assistant."""
    conversation = await service.create_conversation(session, owner_id, turns[0])
    for n, turn in enumerate(turns):
        await service.add_message(session, conversation.id, ("user", "assistant")[n % 2], turn)
    return conversation.id


# List --------------------------------------------------------------------------------------------


async def test_listing_needs_a_token(client: httpx.AsyncClient):
    error_body(await client.get(URL), 401, "not_authenticated")


async def test_list_shows_own_conversations_newest_first_in_a_page(
    client: httpx.AsyncClient, session: AsyncSession, alice, bob
):
    alice_id, alice_headers = alice
    old = await chat(session, alice_id, "old chat")
    new = await chat(session, alice_id, "new chat")
    await chat(session, bob[0], "bob's chat")
    await session.commit()

    response = await client.get(URL, headers=alice_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 2 and body["limit"] == 50 and body["offset"] == 0
    assert [item["id"] for item in body["items"]] == [str(new), str(old)]
    assert set(body["items"][0]) == {"id", "title", "created_at", "updated_at"}
    assert body["items"][0]["title"] == "new chat"


async def test_list_pages_and_searches(client: httpx.AsyncClient, session: AsyncSession, alice):
    alice_id, headers = alice
    for n in range(4):
        await chat(session, alice_id, f"chat {n}", "plain answer")
    await chat(session, alice_id, "book a car", "Booked on MPG 3.")
    await session.commit()

    page = (await client.get(URL, headers=headers, params={"limit": 2, "offset": 1})).json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    assert [item["title"] for item in page["items"]] == ["chat 3", "chat 2"]

    found = (await client.get(URL, headers=headers, params={"q": "mpg 3"})).json()
    assert found["total"] == 1 and found["items"][0]["title"] == "book a car"


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "ten"}, {"q": "x" * 201}]
)
async def test_list_refuses_bad_query_parameters(client: httpx.AsyncClient, alice, params):
    error_body(await client.get(URL, headers=alice[1], params=params), 422, "validation_error")


# Get ---------------------------------------------------------------------------------------------


async def test_get_returns_the_conversation_with_its_messages_in_order(
    client: httpx.AsyncClient, session: AsyncSession, alice
):
    alice_id, headers = alice
    conversation_id = await chat(session, alice_id, "What's free next week?")
    await service.add_message(
        session,
        conversation_id,
        "tool",
        "3 dynos free",
        tool_name="find_available_dynos",
        payload={"args": {"start_date": "2026-03-09"}, "ok": True},
    )
    await session.commit()

    response = await client.get(f"{URL}/{conversation_id}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == str(conversation_id) and body["title"] == "What's free next week?"
    assert [(m["role"], m["content"], m["tool_name"]) for m in body["messages"]] == [
        ("user", "What's free next week?", None),
        ("tool", "3 dynos free", "find_available_dynos"),
    ]
    assert body["messages"][1]["payload"] == {"args": {"start_date": "2026-03-09"}, "ok": True}
    assert set(body["messages"][0]) == {
        "id",
        "role",
        "content",
        "tool_name",
        "payload",
        "created_at",
    }


async def test_someone_elses_conversation_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession, alice, bob
):
    conversation_id = await chat(session, alice[0], "private")
    await session.commit()
    body = error_body(
        await client.get(f"{URL}/{conversation_id}", headers=bob[1]),
        404,
        "conversation_not_found",
    )
    assert "private" not in body["message"]
    listed = (await client.get(URL, headers=bob[1])).json()
    assert listed["total"] == 0 and listed["items"] == []


async def test_a_missing_conversation_is_not_found(client: httpx.AsyncClient, alice):
    response = await client.get(f"{URL}/{uuid.uuid4()}", headers=alice[1])
    error_body(response, 404, "conversation_not_found")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_a_malformed_id_is_a_validation_error(client: httpx.AsyncClient, alice, method):
    response = await client.request(method, f"{URL}/not-a-uuid", headers=alice[1])
    body = error_body(response, 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "path.conversation_id"


# Delete ------------------------------------------------------------------------------------------


async def test_delete_removes_the_conversation_and_its_messages(
    client: httpx.AsyncClient, session: AsyncSession, alice
):
    alice_id, headers = alice
    gone = await chat(session, alice_id, "delete me", "ok")
    kept = await chat(session, alice_id, "keep me")
    await session.commit()

    response = await client.delete(f"{URL}/{gone}", headers=headers)
    assert response.status_code == 204 and response.content == b""
    error_body(await client.get(f"{URL}/{gone}", headers=headers), 404, "conversation_not_found")
    assert list(await session.scalars(select(Conversation.id))) == [kept]
    count = select(func.count()).select_from(ConversationMessage)
    assert await session.scalar(count.where(ConversationMessage.conversation_id == gone)) == 0
    error_body(await client.delete(f"{URL}/{gone}", headers=headers), 404, "conversation_not_found")


async def test_delete_of_someone_elses_conversation_is_not_found_and_keeps_it(
    client: httpx.AsyncClient, session: AsyncSession, alice, bob
):
    conversation_id = await chat(session, alice[0], "mine", "yes")
    await session.commit()
    response = await client.delete(f"{URL}/{conversation_id}", headers=bob[1])
    error_body(response, 404, "conversation_not_found")
    assert (
        await session.scalar(
            select(func.count()).select_from(Conversation).where(Conversation.id == conversation_id)
        )
        == 1
    )
    assert (await client.get(f"{URL}/{conversation_id}", headers=alice[1])).status_code == 200
