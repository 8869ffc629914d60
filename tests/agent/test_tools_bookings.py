"""The booking tools a real model uses, driven by a scripted model through the real graph: the
script picks the tool and its arguments; validation, confirmation, permissions and the database
are real, and the database is checked after each turn."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.models import Allocation
from tests.agent.conftest import MONDAY, Lab, ScriptedModel, call, collect, scripted, types
from tests.factories import make_allocation

LATER = MONDAY + dt.timedelta(days=14)


async def turn(chat, user, message, conversation_id=None):  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, message, conversation_id)
    return prepared.conversation_id, await collect(chat.events(prepared))


async def resume(chat, user, conversation_id, approve):  # type: ignore[no-untyped-def]
    return await collect(chat.events(await chat.prepare_resume(user, conversation_id, approve)))


def calls(*items: tuple[str, dict[str, Any]]) -> AIMessage:
    tool_calls = [ToolCall(name=n, args=a, id=f"call_{i}") for i, (n, a) in enumerate(items)]
    return AIMessage(content="", tool_calls=tool_calls)


def results(model: ScriptedModel) -> list[dict[str, Any]]:
    """The tool results the model was shown last, in call order, as parsed JSON."""
    return [json.loads(str(m.content)) for m in model.seen[-1] if isinstance(m, ToolMessage)]


def confirms(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "confirm"]


async def booking(engine: AsyncEngine, allocation_id: int) -> tuple[str, dt.date, dt.date]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, start_date, end_date FROM allocations WHERE id = :id"),
                {"id": allocation_id},
            )
        ).one()
    return row[0], row[1], row[2]


async def bookings_of(engine: AsyncEngine, vehicle_id: int) -> list[tuple[str, dt.date, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT d.name, a.start_date, a.created_by FROM allocations a"
                " JOIN dynos d ON d.id = a.dyno_id WHERE a.vehicle_id = :v ORDER BY a.id"
            ),
            {"v": vehicle_id},
        )
        return [(r[0], r[1], r[2]) for r in rows]


@pytest.fixture
async def mine(lab: Lab, committed: AsyncEngine) -> Allocation:
    """A six-day brake booking the engineer made on VTS #2, two weeks after MONDAY."""
    async with make_session_factory(committed)() as session, session.begin():
        dyno = await session.scalar(text("SELECT id FROM dynos WHERE name = 'VTS #2'"))
        vehicle = await session.get_one(type(lab.vehicle), lab.vehicle.id)
        target = await session.get_one(type(lab.dyno), dyno)
        end = LATER + dt.timedelta(days=5)
        return await make_allocation(session, vehicle, target, LATER, end, created_by=lab.engineer)


class TestGetAllocation:
    async def test_any_user_reads_a_booking_with_its_vehicles_weight(self, chat_with, lab: Lab):
        model = scripted(
            call("get_allocation", {"allocation_id": lab.others_booking.id}), AIMessage("ok")
        )
        await turn(chat_with(model), lab.engineer, "what is booking 1?")
        [result] = results(model)
        allocation = result["data"]["allocation"]
        assert allocation["id"] == lab.others_booking.id and allocation["dyno"]["name"] == "VTS #1"
        assert allocation["vehicle"]["weight_lbs"] == 6000

    async def test_an_unknown_id_is_the_result_not_a_crash(self, chat_with, lab: Lab):
        model = scripted(call("get_allocation", {"allocation_id": 999_999}), AIMessage("no"))
        await turn(chat_with(model), lab.engineer, "booking 999999?")
        assert results(model)[0]["error"] == "allocation_not_found"


class TestBookOnDyno:
    def book(self, lab: Lab, dyno: str) -> AIMessage:
        args = {
            "dyno": dyno,
            "vin": lab.vehicle.vin,
            "test_type": "Brake",
            "start_date": MONDAY.isoformat(),
            "days_to_complete": 2,
        }
        return call("book_on_dyno", args)

    async def test_it_books_at_once_on_the_named_dyno_as_the_user(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        model = scripted(self.book(lab, "vts2"), AIMessage("Booked."))
        _, events = await turn(chat_with(model), lab.engineer, "book it on VTS #2")
        assert "confirm" not in types(events)  # like auto_allocate_vehicle: no confirmation
        assert results(model)[0]["data"]["allocation"]["vehicle"]["weight_lbs"] == 6000
        assert await bookings_of(committed, lab.vehicle.id) == [("VTS #2", MONDAY, lab.engineer.id)]

    async def test_a_busy_dyno_is_explained_and_nothing_is_booked(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        model = scripted(self.book(lab, "VTS #1"), AIMessage("Busy."))
        await turn(chat_with(model), lab.engineer, "book it on VTS #1")
        result = results(model)[0]
        assert result["error"] == "dyno_busy" and result["details"]["dyno"] == "VTS #1"
        assert await bookings_of(committed, lab.vehicle.id) == []

    async def test_a_zero_length_is_an_argument_error(self, chat_with, lab: Lab):
        bad = self.book(lab, "VTS #2")
        bad.tool_calls[0]["args"]["days_to_complete"] = 0
        model = scripted(bad, AIMessage("?"))
        await turn(chat_with(model), lab.engineer, "book it")
        assert results(model)[0]["error"] == "invalid_arguments"


class TestRescheduleByOffsetOrLength:
    @pytest.mark.parametrize(
        ("args", "start", "days"),
        [
            ({"shift_days": 3}, LATER + dt.timedelta(days=3), 6),  # "slide #40 out three days"
            ({"shift_days": -1}, LATER - dt.timedelta(days=1), 6),  # "pull it in by a day"
            ({"extend_days": 1}, LATER, 7),  # "make #71 a day longer"
            ({"days_to_complete": 4}, LATER, 4),  # "cut booking 33 to 4 days"
            ({"shift_days": 2, "extend_days": -2}, LATER + dt.timedelta(days=2), 4),
        ],
    )
    async def test_approving_moves_and_resizes_as_asked(
        self,
        chat_with,
        lab: Lab,
        committed: AsyncEngine,
        mine: Allocation,
        args: dict[str, Any],
        start: dt.date,
        days: int,
    ):
        end = start + dt.timedelta(days=days - 1)
        model = scripted(
            call("reschedule_allocation", {"allocation_id": mine.id, **args}), AIMessage("Done.")
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.engineer, "move it")
        [confirm] = confirms(events)
        assert f"to {start} to {end} ({days} day(s))" in confirm["prompt"]
        assert await booking(committed, mine.id) == ("scheduled", mine.start_date, mine.end_date)
        await resume(chat, lab.engineer, conversation_id, approve=True)
        assert await booking(committed, mine.id) == ("scheduled", start, end)

    async def test_rejecting_changes_nothing(
        self, chat_with, lab: Lab, committed: AsyncEngine, mine: Allocation
    ):
        model = scripted(
            call("reschedule_allocation", {"allocation_id": mine.id, "extend_days": 2}),
            AIMessage("Left as it was."),
        )
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.engineer, "two days longer")
        events = await resume(chat, lab.engineer, conversation_id, approve=False)
        assert [e["summary"].split(":")[0] for e in events if e["type"] == "tool_result"] == [
            "declined"
        ]
        assert await booking(committed, mine.id) == ("scheduled", mine.start_date, mine.end_date)

    @pytest.mark.parametrize(
        "args",
        [
            {"new_start_date": LATER.isoformat(), "shift_days": 1},
            {"days_to_complete": 3, "extend_days": 1},
            {},
            {"shift_days": "three"},
        ],
    )
    async def test_contradictory_or_empty_moves_are_refused_without_asking(
        self, chat_with, lab: Lab, committed: AsyncEngine, mine: Allocation, args: dict[str, Any]
    ):
        model = scripted(
            call("reschedule_allocation", {"allocation_id": mine.id, **args}), AIMessage("?")
        )
        _, events = await turn(chat_with(model), lab.engineer, "move it")
        assert confirms(events) == []
        assert results(model)[0]["error"] == "invalid_arguments"
        assert await booking(committed, mine.id) == ("scheduled", mine.start_date, mine.end_date)

    async def test_shortening_below_one_day_is_refused_without_asking(
        self, chat_with, lab: Lab, mine: Allocation
    ):
        model = scripted(
            call("reschedule_allocation", {"allocation_id": mine.id, "extend_days": -6}),
            AIMessage("?"),
        )
        _, events = await turn(chat_with(model), lab.engineer, "six days shorter")
        assert confirms(events) == [] and results(model)[0]["error"] == "invalid_input"

    async def test_a_user_cannot_move_another_users_booking(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        theirs = lab.others_booking
        model = scripted(
            call("reschedule_allocation", {"allocation_id": theirs.id, "shift_days": 3}),
            AIMessage("Not yours."),
        )
        _, events = await turn(chat_with(model), lab.engineer, "slide it out three days")
        assert confirms(events) == []
        assert results(model)[0]["error"] == "permission_denied"
        assert await booking(committed, theirs.id) == ("scheduled", MONDAY, MONDAY)


class TestChangeAllocationStatus:
    async def test_approving_marks_it_running_then_completed(
        self,
        chat_with,
        lab: Lab,
        committed: AsyncEngine,
        mine: Allocation,
        monkeypatch: pytest.MonkeyPatch,
    ):
        monkeypatch.setattr(clock, "today", lambda: LATER)  # a test runs from its start date
        for status in ("running", "completed"):
            model = scripted(
                call("change_allocation_status", {"allocation_id": mine.id, "status": status}),
                AIMessage("Done."),
            )
            chat = chat_with(model)
            conversation_id, events = await turn(chat, lab.engineer, f"mark it {status}")
            [confirm] = confirms(events)
            assert confirm["action"] == "change_allocation_status"
            assert f"#{mine.id}" in confirm["prompt"] and f"as {status}" in confirm["prompt"]
            await resume(chat, lab.engineer, conversation_id, approve=True)
            assert (await booking(committed, mine.id))[0] == status

    async def test_rejecting_changes_nothing(
        self, chat_with, lab: Lab, committed: AsyncEngine, mine: Allocation
    ):
        model = scripted(
            call("change_allocation_status", {"allocation_id": mine.id, "status": "delayed"}),
            AIMessage("Left."),
        )
        chat = chat_with(model)
        conversation_id, _ = await turn(chat, lab.engineer, "it's delayed")
        await resume(chat, lab.engineer, conversation_id, approve=False)
        assert (await booking(committed, mine.id))[0] == "scheduled"

    @pytest.mark.parametrize(
        ("who", "status", "error"),
        [
            ("engineer", "completed", "invalid_transition"),  # scheduled cannot be completed
            ("engineer", "cancelled", "invalid_arguments"),  # cancelling is cancel_allocation
            ("other", "running", "permission_denied"),  # not their booking
        ],
    )
    async def test_impossible_changes_are_refused_without_asking(
        self,
        chat_with,
        lab: Lab,
        committed: AsyncEngine,
        mine: Allocation,
        who: str,
        status: str,
        error: str,
    ):
        model = scripted(
            call("change_allocation_status", {"allocation_id": mine.id, "status": status}),
            AIMessage("No."),
        )
        _, events = await turn(chat_with(model), getattr(lab, who), "change it")
        assert confirms(events) == [] and results(model)[0]["error"] == error
        assert (await booking(committed, mine.id))[0] == "scheduled"


class TestMyAllocations:
    async def test_only_the_users_own_bookings_are_listed(
        self, chat_with, lab: Lab, mine: Allocation
    ):
        model = scripted(call("my_allocations", {}), AIMessage("Yours."))
        await turn(chat_with(model), lab.engineer, "my bookings")
        data = results(model)[0]["data"]
        assert data["total"] == 1 and [a["id"] for a in data["allocations"]] == [mine.id]

    async def test_a_range_and_a_status_narrow_them(self, chat_with, lab: Lab, mine: Allocation):
        model = scripted(
            calls(
                ("my_allocations", {"end_date": MONDAY.isoformat()}),
                ("my_allocations", {"status": "scheduled", "start_date": LATER.isoformat()}),
                ("my_allocations", {"status": "running"}),
            ),
            AIMessage("Yours."),
        )
        await turn(chat_with(model), lab.engineer, "my bookings")
        assert [r["data"]["total"] for r in results(model)] == [0, 1, 0]


class TestSeveralCallsInOneMessage:
    async def test_they_run_in_order_so_a_later_read_sees_an_earlier_booking(
        self, chat_with, lab: Lab
    ):
        book = {
            "dyno": "VTS #2",
            "vehicle_id": lab.vehicle.id,
            "test_type": "brake",
            "start_date": MONDAY.isoformat(),
            "days_to_complete": 1,
        }
        model = scripted(
            calls(("my_allocations", {}), ("book_on_dyno", book), ("my_allocations", {})),
            AIMessage("Booked."),
        )
        await turn(chat_with(model), lab.engineer, "book and list")
        before, booked, after = results(model)
        assert booked["ok"] and (before["data"]["total"], after["data"]["total"]) == (0, 1)

    @pytest.mark.parametrize("approve", [True, False])
    async def test_a_status_change_and_a_move_get_one_card_that_decides_both(
        self, chat_with, lab: Lab, committed: AsyncEngine, mine: Allocation, approve: bool
    ):
        theirs = lab.others_booking.id
        model = scripted(
            calls(
                ("change_allocation_status", {"allocation_id": theirs, "status": "delayed"}),
                ("get_allocation", {"allocation_id": mine.id}),
                ("reschedule_allocation", {"allocation_id": mine.id, "shift_days": 1}),
            ),
            AIMessage("Done."),
        )
        chat = chat_with(model)
        conversation_id, events = await turn(chat, lab.manager, "delay one, move the other")
        [confirm] = confirms(events)
        assert confirm["action"] == "multiple"
        names = [c["name"] for c in confirm["args"]["calls"]]
        assert names == ["change_allocation_status", "reschedule_allocation"]
        assert "(1)" in confirm["prompt"] and "(2)" in confirm["prompt"]
        events = await resume(chat, lab.manager, conversation_id, approve=approve)
        outcomes = [e["name"] for e in events if e["type"] == "tool_result"]
        if approve:
            assert outcomes == [
                "change_allocation_status",
                "get_allocation",
                "reschedule_allocation",
            ]
            assert (await booking(committed, theirs))[0] == "delayed"
            assert (await booking(committed, mine.id))[1] == LATER + dt.timedelta(days=1)
        else:
            assert (await booking(committed, theirs))[0] == "scheduled"
            assert (await booking(committed, mine.id))[1] == LATER
