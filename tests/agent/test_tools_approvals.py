"""The approval tools through the real graph: approving and rejecting are confirmed first, only
power users may decide, and the offline model reads the queue's plain requests."""

from __future__ import annotations

import datetime as dt

import pytest
from langchain_core.messages import AIMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation, Dyno
from tests.agent.conftest import MONDAY, Lab, call, scripted
from tests.agent.test_tools_bookings import confirms, results, resume, turn
from tests.factories import make_allocation, make_vehicle

LATER = MONDAY + dt.timedelta(days=21)


@pytest.fixture
async def request_(lab: Lab, committed: AsyncEngine) -> Allocation:
    """A brake request the engineer made on VTS #2, which needs approval."""
    async with make_session_factory(committed)() as session, session.begin():
        dyno = await session.scalar(text("SELECT id FROM dynos WHERE name = 'VTS #2'"))
        target = await session.get_one(Dyno, dyno)
        target.needs_approval = True
        vehicle = await make_vehicle(session)
        return await make_allocation(
            session, vehicle, target, LATER, LATER, status="requested", created_by=lab.engineer
        )


async def state(engine: AsyncEngine, allocation_id: int) -> tuple[str, str | None, str | None]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, approval, approval_reason FROM allocations WHERE id = :i"),
                {"i": allocation_id},
            )
        ).one()
    return row[0], row[1], row[2]


async def test_a_power_user_approves_after_confirming(chat_with, lab, committed, request_):
    model = scripted(call("approve_request", {"allocation_id": request_.id}), AIMessage("Done."))
    chat = chat_with(model)
    conversation_id, events = await turn(chat, lab.manager, "approve it")
    [confirm] = confirms(events)
    assert f"#{request_.id}" in confirm["prompt"] and "VTS #2" in confirm["prompt"]
    assert await state(committed, request_.id) == ("requested", None, None)
    await resume(chat, lab.manager, conversation_id, approve=True)
    assert await state(committed, request_.id) == ("scheduled", "approved", None)


async def test_an_engineer_is_refused_without_being_asked(chat_with, lab, committed, request_):
    for name, args in (
        ("approve_request", {"allocation_id": request_.id}),
        ("reject_request", {"allocation_id": request_.id, "reason": "mine"}),
    ):
        model = scripted(call(name, args), AIMessage("No."))
        _, events = await turn(chat_with(model), lab.engineer, "approve my own request")
        assert confirms(events) == []
        assert results(model)[0]["error"] == "permission_denied"
    assert await state(committed, request_.id) == ("requested", None, None)


async def test_the_offline_model_lists_rejects_with_the_reason_after_confirming(
    chat_with, lab, committed, request_
):
    chat = chat_with(llm="offline")
    _, events = await turn(chat, lab.manager, "show pending approvals")
    answer = "".join(e.get("text", "") for e in events if e["type"] == "token")
    assert f"| {request_.id} |" in answer and "VTS #2" in answer

    conversation_id, events = await turn(chat, lab.manager, f"reject {request_.id}")
    assert confirms(events) == []  # first: why?
    conversation_id, events = await turn(
        chat, lab.manager, "dyno needs calibration", conversation_id
    )
    [confirm] = confirms(events)
    assert "dyno needs calibration" in confirm["prompt"]
    await resume(chat, lab.manager, conversation_id, approve=True)
    assert await state(committed, request_.id) == (
        "cancelled",
        "rejected",
        "dyno needs calibration",
    )
