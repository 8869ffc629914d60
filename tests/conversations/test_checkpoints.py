"""Deleting a conversation also deletes the agent's LangGraph checkpoints of its thread."""

from __future__ import annotations

import operator
import uuid
from typing import Annotated, TypedDict

import httpx
import pytest
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.graph import END, START, StateGraph
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.conversations import service
from dyno_agent.errors import ConversationNotFound
from tests.factories import auth_header, make_user


class Echo(TypedDict):
    said: Annotated[list[str], operator.add]


def echo_graph(saver: AsyncPostgresSaver):  # type: ignore[no-untyped-def]
    graph = StateGraph(Echo)
    graph.add_node("echo", lambda state: {"said": ["echo"]})
    graph.add_edge(START, "echo")
    graph.add_edge("echo", END)
    return graph.compile(checkpointer=saver)


def config(conversation_id: uuid.UUID) -> dict:
    return {"configurable": {"thread_id": service.thread_id(conversation_id)}}


async def run_turn(saver: AsyncPostgresSaver, conversation_id: uuid.UUID) -> None:
    """One turn of a tiny graph on the conversation's thread, leaving real checkpoints."""
    await echo_graph(saver).ainvoke({"said": ["hi"]}, config(conversation_id))
    saved = await saver.aget_tuple(config(conversation_id))
    assert saved is not None and saved.checkpoint["channel_values"]["said"] == ["hi", "echo"]


async def rows_of_thread(saver: AsyncPostgresSaver, conversation_id: uuid.UUID) -> int:
    async with saver.conn.cursor() as cur:
        await cur.execute(
            "SELECT (SELECT count(*) FROM checkpoints WHERE thread_id = %(t)s)"
            " + (SELECT count(*) FROM checkpoint_blobs WHERE thread_id = %(t)s)"
            " + (SELECT count(*) FROM checkpoint_writes WHERE thread_id = %(t)s) AS n",
            {"t": service.thread_id(conversation_id)},
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_deleting_a_conversation_deletes_its_checkpoints_only(
    session: AsyncSession, saver: AsyncPostgresSaver
):
    user = await make_user(session)
    gone = await service.create_conversation(session, user.id, "gone")
    kept = await service.create_conversation(session, user.id, "kept")
    gone_id, kept_id = gone.id, kept.id
    try:
        await run_turn(saver, gone_id)
        await run_turn(saver, kept_id)
        assert await rows_of_thread(saver, gone_id) > 0

        await service.delete_conversation(session, gone_id, user.id, checkpointer=saver)

        assert await saver.aget_tuple(config(gone_id)) is None
        assert await rows_of_thread(saver, gone_id) == 0
        assert await saver.aget_tuple(config(kept_id)) is not None
    finally:
        await saver.adelete_thread(service.thread_id(kept_id))
        await saver.adelete_thread(service.thread_id(gone_id))


async def test_a_refused_delete_leaves_the_checkpoints(
    session: AsyncSession, saver: AsyncPostgresSaver
):
    owner = await make_user(session)
    other = await make_user(session)
    conversation = await service.create_conversation(session, owner.id, "mine")
    try:
        await run_turn(saver, conversation.id)
        with pytest.raises(ConversationNotFound):
            await service.delete_conversation(session, conversation.id, other.id, saver)
        assert await saver.aget_tuple(config(conversation.id)) is not None
    finally:
        await saver.adelete_thread(service.thread_id(conversation.id))


async def test_delete_through_the_api_uses_the_apps_checkpointer(
    app, client: httpx.AsyncClient, session: AsyncSession, saver: AsyncPostgresSaver
):
    user = await make_user(session)
    headers = auth_header(user)
    conversation_id = (await service.create_conversation(session, user.id, "hi")).id
    await session.commit()
    app.state.checkpointer = saver
    try:
        await run_turn(saver, conversation_id)
        response = await client.delete(f"/api/v1/conversations/{conversation_id}", headers=headers)
        assert response.status_code == 204, response.text
        assert await saver.aget_tuple(config(conversation_id)) is None
    finally:
        await saver.adelete_thread(service.thread_id(conversation_id))


async def test_delete_through_the_api_works_without_a_checkpointer(
    app, client: httpx.AsyncClient, session: AsyncSession
):
    user = await make_user(session)
    conversation_id = (await service.create_conversation(session, user.id, "hi")).id
    await session.commit()
    app.state.checkpointer = None
    response = await client.delete(
        f"/api/v1/conversations/{conversation_id}", headers=auth_header(user)
    )
    assert response.status_code == 204, response.text
