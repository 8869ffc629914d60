"""What the model is shown (the bound tool schemas, the system prompt) and the read tools' new
arguments (a vehicle instead of its weight, filters, date ranges), driven by a scripted model
through the real graph and database."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent.agent.prompts import SYSTEM_PROMPT
from dyno_agent.agent.tools import TOOLS
from dyno_agent.config import Settings
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.vocab import DRIVE_TYPES
from tests.agent.conftest import MONDAY, Lab, ScriptedModel, call, collect, scripted
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle


async def ask(chat, user, *replies: AIMessage) -> None:  # type: ignore[no-untyped-def]
    prepared = await chat.prepare_message(user, "?", None)
    await collect(chat.events(prepared))


def results(model: ScriptedModel) -> list[dict[str, Any]]:
    return [json.loads(str(m.content)) for m in model.seen[-1] if isinstance(m, ToolMessage)]


async def run(chat_with, lab: Lab, name: str, args: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    model = scripted(call(name, args), AIMessage("ok"))
    await ask(chat_with(model), lab.engineer)
    return results(model)[0]


def iso(day: dt.date) -> str:
    return day.isoformat()


class TestBoundSchemas:
    async def test_enums_come_from_the_live_vocabulary_and_limits_from_the_settings(
        self, chat_with, lab: Lab, committed: AsyncEngine
    ):
        async with make_session_factory(committed)() as session, session.begin():
            await make_dyno(session, "MPG 9", rules=[("emissions", "AWD", "any")])
        model = scripted(AIMessage("hello"))
        await ask(chat_with(model, max_booking_days=45, max_backup_days=10), lab.engineer)
        bound = {tool["function"]["name"]: tool["function"] for tool in model.bound}
        assert set(bound) == set(TOOLS)

        def prop(tool: str, name: str) -> dict[str, Any]:
            schema = bound[tool]["parameters"]["properties"][name]
            return next(b for b in schema.get("anyOf", [schema]) if b.get("type") != "null")

        for tool, field in [
            ("auto_allocate_vehicle", "test_type"),
            ("utilization_report", "test_type"),
        ]:
            assert prop(tool, field)["enum"] == ["brake", "emissions"]
        assert prop("find_available_dynos", "drive_type")["enum"] == list(DRIVE_TYPES)
        for tool in ("auto_allocate_vehicle", "book_on_dyno", "reschedule_allocation"):
            assert prop(tool, "days_to_complete")["maximum"] == 45
        assert prop("reschedule_allocation", "extend_days")["maximum"] == 44
        backup = bound["auto_allocate_vehicle"]["parameters"]["properties"]["max_backup_days"]
        assert (backup["maximum"], backup["default"]) == (10, 7)

    async def test_a_default_above_a_lower_limit_is_lowered_in_the_schema_and_the_call(
        self, chat_with, lab: Lab, committed: AsyncEngine, settings: Settings
    ):
        model = scripted(AIMessage("hello"))
        await ask(chat_with(model, max_backup_days=3), lab.engineer)
        tool = next(t for t in model.bound if t["function"]["name"] == "auto_allocate_vehicle")
        backup = tool["function"]["parameters"]["properties"]["max_backup_days"]
        assert (backup["maximum"], backup["default"]) == (3, 3)

    def test_every_argument_of_every_tool_has_a_description_and_dates_say_iso(self):
        for spec in TOOLS.values():
            for name, schema in spec.schema()["function"]["parameters"]["properties"].items():
                assert schema.get("description"), f"{spec.name}.{name} has no description"
                if name.endswith("date"):
                    assert "YYYY-MM-DD" in schema["description"], f"{spec.name}.{name}"
                if name == "end_date":
                    assert "inclusive" in schema["description"], f"{spec.name}.{name}"

    def test_the_prompt_names_only_tools_that_exist(self):
        named = set(re.findall(r"`([a-z_]+)`", SYSTEM_PROMPT)) - {"untrusted_fields"}
        assert {"auto_allocate_vehicle", "book_on_dyno", "query_database"} <= named
        assert named <= set(TOOLS)


def test_the_prompt_covers_language_units_vague_dates_bookings_and_the_fallback():
    for words in (
        "language the user writes in",
        "kg (x 2.2046)",
        "tonnes",
        '"next week" is Monday to Sunday',
        '"end of the month"',
        '"early May"',
        "Q2 April 1 to June 30",
        "AT ONCE",
        "say the exact window",
        "Several requested bookings are several calls",
        "reporting.allocation_overview",
        "scheduled, delayed, running, completed, cancelled",
    ):
        assert words in SYSTEM_PROMPT, words


class TestFindAvailableDynosForAVehicle:
    async def test_a_vehicle_stands_for_its_weight_and_drive(self, chat_with, lab: Lab):
        result = await run(
            chat_with,
            lab,
            "find_available_dynos",
            {
                "vin": lab.vehicle.vin,
                "test_type": "brake",
                "start_date": iso(MONDAY),
                "end_date": iso(MONDAY),
            },
        )
        assert [d["name"] for d in result["data"]["free"]] == ["VTS #2"]  # VTS #1 is busy
        assert (result["data"]["drive_type"], result["data"]["weight_class"]) == ("2WD", "<10K")

    @pytest.mark.parametrize(
        "extra",
        [{"vehicle_id": 1, "weight_lbs": 5000, "drive_type": "AWD"}, {"weight_lbs": 5000}, {}],
    )
    async def test_a_vehicle_and_its_properties_together_or_neither_is_an_argument_error(
        self, chat_with, lab: Lab, extra: dict[str, Any]
    ):
        args = {"test_type": "brake", "start_date": iso(MONDAY), "end_date": iso(MONDAY), **extra}
        result = await run(chat_with, lab, "find_available_dynos", args)
        assert result["error"] == "invalid_arguments"


@pytest.fixture
async def history(lab: Lab, committed: AsyncEngine) -> dict[str, int]:
    """Completed tests: brake on VTS #1 in January, emissions on MPG 5 (facility MPG) in February;
    MPG 5 has maintenance in the week of MONDAY."""
    async with make_session_factory(committed)() as session, session.begin():
        mpg = await make_dyno(session, "MPG 5", rules=[("emissions", "any", "any")])
        vts = await session.get_one(type(lab.dyno), lab.dyno.id)
        vehicle = await make_vehicle(session)
        jan, feb = dt.date(2026, 1, 5), dt.date(2026, 2, 2)
        await make_allocation(session, vehicle, vts, jan, jan, status="completed")
        await make_allocation(
            session, vehicle, mpg, feb, feb, test_type="emissions", status="completed"
        )
        window = await make_maintenance(session, mpg, MONDAY, MONDAY + dt.timedelta(days=2))
    return {"mpg": mpg.id, "window": window.id}


class TestFilters:
    @pytest.mark.parametrize(
        ("args", "count"),
        [
            ({}, 2),
            ({"test_type": "Emissions"}, 1),
            ({"dyno": "vts 1"}, 1),
            ({"facility": "mpg"}, 1),
            ({"start_date": "2026-02-01", "end_date": "2026-02-28"}, 1),
            ({"end_date": "2026-01-31"}, 1),
            ({"facility": "VTS", "test_type": "emissions"}, 0),
        ],
    )
    async def test_completed_count_and_status_lists_narrow_alike(
        self, chat_with, lab: Lab, history: dict[str, int], args: dict[str, Any], count: int
    ):
        counted = await run(chat_with, lab, "completed_tests_count", args)
        listed = await run(chat_with, lab, "get_tests_by_status", {"status": "completed", **args})
        assert counted["data"]["completed"] == count == listed["data"]["total"]

    async def test_an_unknown_dyno_filter_is_explained(self, chat_with, lab: Lab):
        result = await run(chat_with, lab, "completed_tests_count", {"dyno": "XYZ 42"})
        assert result["error"] == "dyno_not_found"

    async def test_utilisation_for_one_dyno_facility_or_test_type(
        self, chat_with, lab: Lab, history: dict[str, int]
    ):
        january = {"start_date": "2026-01-01", "end_date": "2026-01-31"}
        whole = await run(chat_with, lab, "utilization_report", january)
        assert {r["dyno"]["name"] for r in whole["data"]["dynos"]} == {"VTS #1", "VTS #2", "MPG 5"}
        one = await run(chat_with, lab, "utilization_report", {**january, "dyno": "VTS #1"})
        [row] = one["data"]["dynos"]
        assert (row["dyno"]["name"], row["booked_days"]) == ("VTS #1", 1)
        facility = await run(chat_with, lab, "utilization_report", {**january, "facility": "mpg"})
        assert [r["dyno"]["name"] for r in facility["data"]["dynos"]] == ["MPG 5"]
        other_test = await run(
            chat_with,
            lab,
            "utilization_report",
            {**january, "dyno": lab.dyno.id, "test_type": "emissions"},
        )
        assert sum(r["booked_days"] for r in other_test["data"]["dynos"]) == 0

    async def test_maintenance_over_a_range_and_for_one_dyno(
        self, chat_with, lab: Lab, history: dict[str, int]
    ):
        week = {"start_date": iso(MONDAY), "end_date": iso(MONDAY + dt.timedelta(days=6))}
        ranged = await run(chat_with, lab, "maintenance_check", week)
        assert [(m["id"], m["dyno"]) for m in ranged["data"]["maintenance"]] == [
            (history["window"], "MPG 5")
        ]
        other = await run(chat_with, lab, "maintenance_check", {**week, "dyno": "VTS #1"})
        assert other["data"]["maintenance"] == []
        day = await run(
            chat_with, lab, "maintenance_check", {"on_date": iso(MONDAY), "dyno": "mpg5"}
        )
        assert [(d["dyno"]["name"], d["status"]) for d in day["data"]["dynos"]] == [
            ("MPG 5", "maintenance")
        ]
        both = await run(chat_with, lab, "maintenance_check", {"on_date": iso(MONDAY), **week})
        assert both["error"] == "invalid_arguments"

    async def test_vehicle_results_carry_the_weight(self, chat_with, lab: Lab):
        result = await run(chat_with, lab, "check_vehicle_allocation", {"vin": lab.vehicle.vin})
        assert result["data"]["vehicle"]["weight_lbs"] == 6000
