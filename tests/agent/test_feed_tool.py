"""The calendar_feed_link tool through the real graph with the offline model: it asks first,
makes a token only when approved, and names bad feeds without asking."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.offline.model import OfflineChatModel
from tests.agent.conftest import Lab, collect, types


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat, user, conversation_id, approve):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


async def token_hashes(engine: AsyncEngine, user_id: int) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT token_hash FROM feed_tokens WHERE user_id = :id"), {"id": user_id}
        )
        return [row[0] for row in rows]


def said(events: list[dict]) -> str:
    return " ".join(e.get("content") or e.get("text") or "" for e in events)


async def test_a_feed_link_is_made_only_after_the_user_approves(
    chat_with, lab: Lab, committed: AsyncEngine
):
    chat = chat_with(OfflineChatModel())
    conversation, events = await turn(chat, lab.engineer, "calendar link for VTS #1 please")
    confirm = [e for e in events if e["type"] == "confirm"]
    assert confirm and confirm[0]["action"] == "calendar_feed_link"
    assert "VTS #1" in confirm[0]["prompt"] or str(lab.dyno.id) in confirm[0]["prompt"]
    assert await token_hashes(committed, lab.engineer.id) == []

    answered = await resume(chat, lab.engineer, conversation, True)
    reply = said(answered)
    match = re.search(rf"/api/v1/feeds/ical/([\w-]+)/dyno/{lab.dyno.id}\.ics", reply)
    assert match, reply
    stored = await token_hashes(committed, lab.engineer.id)
    assert stored == [hashlib.sha256(match.group(1).encode()).hexdigest()]


async def test_declining_makes_no_token_and_german_requests_are_understood(
    chat_with, lab: Lab, committed: AsyncEngine
):
    chat = chat_with(OfflineChatModel())
    conversation, events = await turn(chat, lab.engineer, "Kalender-Abo für meine Buchungen")
    assert "confirm" in types(events)
    await resume(chat, lab.engineer, conversation, False)
    assert await token_hashes(committed, lab.engineer.id) == []


async def test_an_unknown_dyno_is_refused_without_asking(
    chat_with, lab: Lab, committed: AsyncEngine
):
    chat = chat_with(OfflineChatModel())
    _, events = await turn(chat, lab.engineer, "ical feed for dyno 999")
    assert "confirm" not in types(events)
    assert "999" in said(events)
    assert await token_hashes(committed, lab.engineer.id) == []
