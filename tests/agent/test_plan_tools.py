"""The planner in chat, with the offline model and the real graph: "plan the open requests" makes
a preview and books nothing; "commit plan N" / "book the plan" asks first, and books only when
approved; an engineer cannot commit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.db.engine import make_session_factory
from tests.agent.conftest import Lab, collect, types
from tests.planning.plans_data import OVERLAPS_SQL, make_request


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat, user, conversation_id, approve):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


async def scalar(engine: AsyncEngine, query: str) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(query))).scalar()


def answer_of(events: list[dict[str, Any]]) -> str:
    return next(e for e in events if e["type"] == "assistant")["content"]


@pytest.fixture
async def requests(lab: Lab, committed: AsyncEngine) -> list[int]:
    async with make_session_factory(committed)() as session, session.begin():
        first = await make_request(session, lab.vehicle, days=3, earliest=7, step="0K-5K")
        second = await make_request(session, lab.vehicle, days=2, earliest=7, step="5K-75K")
    return [first.id, second.id]


@pytest.fixture
def chat(chat_with):  # type: ignore[no-untyped-def]
    return chat_with(OfflineChatModel(), planner_time_limit_s=2.0)


_PREVIEW_EN = ("**Plan {}** (a preview: nothing is booked yet)", '"commit plan {}"')
_PREVIEW_DE = ("**Plan {}** (eine Vorschau: noch ist nichts gebucht)", '"Plan {} übernehmen"')


@pytest.mark.parametrize(
    ("message", "horizon", "preview"),
    [
        ("Plan the open forecast for the next quarter", 92, _PREVIEW_EN),
        (
            "plane die offenen Anfragen für das nächste Quartal",
            92,
            _PREVIEW_DE,
        ),  # answered in German
        ("plan the open requests", None, _PREVIEW_EN),
    ],
)
async def test_planning_in_chat_previews_and_books_nothing(  # type: ignore[no-untyped-def]
    chat,
    lab: Lab,
    requests: list[int],
    committed: AsyncEngine,
    message: str,
    horizon: int | None,
    preview: tuple[str, str],
):
    _, events = await turn(chat, lab.engineer, message)
    [call] = [e for e in events if e["type"] == "tool_call"]
    assert call["name"] == "plan_requests"
    assert call["args"] == ({"horizon_days": horizon} if horizon else {})
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["ok"] is True and "2 of 2 request(s) placed" in result["summary"]
    plan_id = await scalar(committed, "SELECT max(id) FROM plans")
    answer = answer_of(events)
    assert preview[0].format(plan_id) in answer
    assert preview[1].format(plan_id) in answer
    assert "confirm" not in types(events)
    assert await scalar(committed, "SELECT count(*) FROM allocations") == 1  # the lab's own


async def test_book_the_plan_asks_first_and_books_only_when_approved(  # type: ignore[no-untyped-def]
    chat, lab: Lab, requests: list[int], committed: AsyncEngine
):
    conversation, _ = await turn(chat, lab.manager, "plan the open requests")
    plan_id = await scalar(committed, "SELECT max(id) FROM plans")
    _, events = await turn(chat, lab.manager, "book the plan", conversation)
    confirm = next(e for e in events if e["type"] == "confirm")
    assert (confirm["action"], confirm["args"]) == ("commit_plan", {"plan_id": plan_id})
    assert confirm["prompt"].startswith(f"Commit plan {plan_id}: book 2 test(s) on ")
    rejected = await resume(chat, lab.manager, conversation, False)
    assert answer_of(rejected) == f"Okay, plan {plan_id} stays a preview; nothing was booked."
    assert await scalar(committed, "SELECT count(*) FROM allocations") == 1
    assert await scalar(committed, "SELECT status FROM plans") == "preview"

    _, events = await turn(chat, lab.manager, f"commit plan {plan_id}", conversation)
    assert types(events)[-2:] == ["confirm", "done"]
    approved = await resume(chat, lab.manager, conversation, True)
    assert answer_of(approved) == f"Committed plan {plan_id}: 2 bookings made."
    assert await scalar(committed, "SELECT count(*) FROM allocations") == 3
    assert await scalar(committed, OVERLAPS_SQL) == 0
    booked = await scalar(committed, "SELECT count(*) FROM test_requests WHERE status = 'booked'")
    assert booked == 2
    label = await scalar(
        committed,
        "SELECT string_agg(DISTINCT channel || ': ' || actor_label, ', ') FROM allocation_events"
        " WHERE channel <> 'sql'",
    )
    assert label == f"plan: plan {plan_id} via agent"


async def test_an_engineer_cannot_commit_and_is_not_asked(  # type: ignore[no-untyped-def]
    chat, lab: Lab, requests: list[int], committed: AsyncEngine
):
    conversation, _ = await turn(chat, lab.engineer, "plan the open requests")
    plan_id = await scalar(committed, "SELECT max(id) FROM plans")
    _, events = await turn(chat, lab.engineer, f"Plan {plan_id} übernehmen", conversation)
    assert "confirm" not in types(events)
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["ok"] is False and result["summary"].startswith("permission_denied")
    assert await scalar(committed, "SELECT count(*) FROM allocations") == 1
