"""The offline model's dialogue state: what earlier answers showed, references to them ("the
third", "cancel them", "make it two days instead"), "same again", corrections as confirmed moves
or cancels, and a restated window before booking on vague dates."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from dyno_agent.agent.offline.dialogue import dialogue_state
from tests.agent.offline_model_fixtures import (
    SYSTEM,
    allocation,
    converse,
    model,
    ok,
    only_call,
)


def exchange(user: str, name: str, args: dict[str, Any], body: dict[str, Any]) -> list[BaseMessage]:
    """A user turn, the model's call and the tool's result."""
    call_id = f"call_{name}_{len(user)}"
    return [
        HumanMessage(user),
        AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}]),
        ToolMessage(content=json.dumps(body), tool_call_id=call_id, name=name),
        AIMessage(content="(the answer)"),
    ]


FREE = exchange(
    "which dynos are free for coastdown mar 18-19, 4wd 5200 lbs",
    "find_available_dynos",
    {
        "start_date": "2026-03-18",
        "end_date": "2026-03-19",
        "test_type": "coastdown",
        "drive_type": "4WD",
        "weight_lbs": 5200,
    },
    ok({"free": [{"dyno": {"id": 4, "name": "MPG 4"}}, {"dyno": {"id": 7, "name": "VTS #1"}},
                 {"dyno": {"id": 8, "name": "VTS #2"}}]}),
)  # fmt: skip
MINE = exchange(
    "show my bookings",
    "my_allocations",
    {},
    ok({"allocations": [allocation(140), allocation(141, test_type="evap")]}),
)
BOOKED = exchange(
    "book vehicle 5 for brake on march 10 for 2 days",
    "auto_allocate_vehicle",
    {"vehicle_id": 5, "start_date": "2026-03-10", "days_to_complete": 2, "test_type": "brake"},
    ok({"allocation": allocation(170, start="2026-03-10", end="2026-03-11")}),
)


async def next_reply(history: list[BaseMessage], user: str) -> AIMessage:
    return await model().ainvoke([SYSTEM, *history, HumanMessage(user)])


def calls(message: AIMessage) -> list[tuple[str, dict[str, Any]]]:
    return [(c["name"], c["args"]) for c in message.tool_calls]


class TestTheStateIsReadFromTheMessages:
    def test_the_last_list_keeps_the_order_shown_and_the_last_booking_is_the_one_made(self) -> None:
        state = dialogue_state([SYSTEM, *FREE, *BOOKED])
        assert [i.name for i in state.listed("dyno")] == ["MPG 4", "VTS #1", "VTS #2"]
        assert state.last_booking is not None and state.last_booking.id == 170
        assert state.last_vehicle == 5 and state.last_dyno == "MPG 3"
        assert state.last_call is not None and state.last_call.name == "auto_allocate_vehicle"

    def test_a_list_of_several_bookings_leaves_no_single_last_booking(self) -> None:
        state = dialogue_state([SYSTEM, *BOOKED, *MINE])
        assert [i.id for i in state.listed("booking")] == [140, 141]
        assert state.last_booking is None


class TestReferencesToAList:
    async def test_the_third_after_an_availability_list_books_that_dyno(self) -> None:
        message = await next_reply(FREE, "put vehicle 12 on the third")
        assert only_call(message) == (
            "book_on_dyno",
            {
                "vehicle_id": 12,
                "dyno": "VTS #2",
                "test_type": "coastdown",
                "start_date": "2026-03-18",
                "days_to_complete": 2,
            },
        )

    async def test_cancel_them_after_a_bookings_list_cancels_each_in_one_message(self) -> None:
        message = await next_reply(MINE, "cancel them")
        assert calls(message) == [
            ("cancel_allocation", {"allocation_id": 140}),
            ("cancel_allocation", {"allocation_id": 141}),
        ]

    async def test_an_ordinal_in_german_or_spanish_picks_that_row(self) -> None:
        assert only_call(await next_reply(MINE, "storniere das zweite")) == (
            "cancel_allocation",
            {"allocation_id": 141},
        )
        assert only_call(await next_reply(MINE, "cancela la primera")) == (
            "cancel_allocation",
            {"allocation_id": 140},
        )

    async def test_a_row_named_by_its_test_type(self) -> None:
        message = await next_reply(MINE, "drop the evap one")
        assert only_call(message) == ("cancel_allocation", {"allocation_id": 141})


class TestChangesToTheBookingJustMade:
    async def test_a_new_length_is_a_move_not_a_new_booking(self) -> None:
        message = await next_reply(BOOKED, "make it three days instead")
        assert only_call(message) == (
            "reschedule_allocation",
            {"allocation_id": 170, "days_to_complete": 3},
        )

    async def test_a_corrected_date_is_a_move(self) -> None:
        message = await next_reply(BOOKED, "sorry, I meant march 12")
        assert only_call(message) == (
            "reschedule_allocation",
            {"allocation_id": 170, "new_start_date": "2026-03-12"},
        )

    async def test_push_it_a_week_shifts_it(self) -> None:
        message = await next_reply(BOOKED, "push it a week")
        assert only_call(message) == (
            "reschedule_allocation",
            {"allocation_id": 170, "shift_days": 7},
        )

    async def test_a_wrong_vehicle_cancels_the_booking_and_books_nothing_yet(self) -> None:
        message = await next_reply(BOOKED, "wrong vehicle, it's 44")
        assert calls(message) == [("cancel_allocation", {"allocation_id": 170})]
        assert "vehicle 44" in str(message.content)
        cancelled = exchange(
            "wrong vehicle, it's 44",
            "cancel_allocation",
            {"allocation_id": 170},
            ok({"allocation": allocation(170, status="cancelled")}),
        )
        rebooked = await next_reply([*BOOKED, *cancelled], "same again for vehicle 44")
        assert only_call(rebooked) == (
            "auto_allocate_vehicle",
            {
                "vehicle_id": 44,
                "start_date": "2026-03-10",
                "days_to_complete": 2,
                "test_type": "brake",
            },
        )


class TestSameAgain:
    async def test_same_again_for_another_vehicle_repeats_the_booking(self) -> None:
        message = await next_reply(BOOKED, "same again for vehicle 9")
        assert only_call(message) == (
            "auto_allocate_vehicle",
            {
                "vehicle_id": 9,
                "start_date": "2026-03-10",
                "days_to_complete": 2,
                "test_type": "brake",
            },
        )

    async def test_what_about_another_vehicle_after_a_booking_books_nothing(self) -> None:
        message = await next_reply(BOOKED, "what about vehicle 9?")
        assert all(c["name"] != "auto_allocate_vehicle" for c in message.tool_calls)

    async def test_the_following_week_repeats_the_query_a_week_later(self) -> None:
        message = await next_reply(FREE, "what about the following week?")
        name, args = only_call(message)
        assert name == "find_available_dynos"
        assert (args["start_date"], args["end_date"]) == ("2026-03-25", "2026-03-26")
        assert (args["weight_lbs"], args["drive_type"]) == (5200, "4WD")

    async def test_what_about_another_dyno_asks_the_same_question_of_it(self) -> None:
        _, again = await converse("when is MPG 24 in maintenance?", "what about MPG 25?")
        assert only_call(again) == ("maintenance_check", {"dyno": "MPG 25"})

    async def test_only_one_test_type_narrows_the_last_count(self) -> None:
        _, narrowed = await converse("how many tests completed in february?", "and brake only?")
        assert only_call(narrowed) == (
            "completed_tests_count",
            {"start_date": "2026-02-01", "end_date": "2026-02-28", "test_type": "brake"},
        )


class TestVagueDatesAreRestatedBeforeBooking:
    async def test_early_may_is_restated_and_booked_on_yes(self) -> None:
        question = await next_reply([], "book vehicle 10 for durability early May for 5 days")
        assert question.tool_calls == []
        assert "'early May' as 2026-05-01 to 2026-05-10" in str(question.content)
        booked = await next_reply(
            [HumanMessage("book vehicle 10 for durability early May for 5 days"), question], "yes"
        )
        assert only_call(booked) == (
            "auto_allocate_vehicle",
            {
                "vehicle_id": 10,
                "start_date": "2026-05-01",
                "days_to_complete": 5,
                "test_type": "durability",
            },
        )

    async def test_no_to_a_restated_booking_books_nothing_and_asks(self) -> None:
        request = "book vehicle 5 for brake late april for 2 days"
        question = await next_reply([], request)
        answer = await next_reply([HumanMessage(request), question], "no")
        assert answer.tool_calls == [] and "start date" in str(answer.content)

    async def test_a_couple_of_days_is_restated(self) -> None:
        question = await next_reply([], "book vehicle 4 for brake on march 10 for a couple of days")
        assert question.tool_calls == [] and "as 2 days" in str(question.content)

    async def test_exact_words_book_at_once(self) -> None:
        for text in (
            "book vehicle 4 for brake next monday for 2 days",
            "book vehicle 4 for brake in three days for 1 day",
        ):
            name, _ = only_call(await next_reply([], text))
            assert name == "auto_allocate_vehicle", text
