"""The agent's availability: for a vehicle booked in the window the tool and the offline model say
the vehicle's own booking first, not that dynos are free; an unknown test type comes with the
closest known ones."""

from __future__ import annotations

import datetime as dt
import json

from langchain_core.messages import AIMessage, ToolMessage
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.tools import args, scheduling
from dyno_agent.agent.tools.base import ToolEnv
from dyno_agent.auth.actor import Actor
from dyno_agent.config import Settings
from tests.agent.offline_model_fixtures import answer_to, ok, reply
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

D = TODAY + dt.timedelta(days=7)
NAME = "find_available_dynos"


async def test_the_tool_reports_the_vehicles_own_booking(session: AsyncSession, settings: Settings):
    dyno = await make_dyno(session, "MPG 1", rules=[("brake", "any", "any")])
    await make_dyno(session, "MPG 2", rules=[("brake", "any", "any")])
    vehicle = await make_vehicle(session, tag="312W028")
    booked = await make_allocation(session, vehicle, dyno, D, D + dt.timedelta(days=1))
    env = ToolEnv(session, Actor.system(), settings, TODAY)
    query = {"tag": "312W028", "start_date": D.isoformat(), "end_date": D.isoformat()}
    outcome = await scheduling.find_available_dynos(
        env, args.FindAvailableDynosArgs.model_validate({**query, "test_type": "brake"})
    )
    assert outcome.ok and outcome.data is not None
    assert outcome.summary.startswith("Vehicle 312W028 is already booked")
    assert outcome.data["vehicle_clash"]["allocation_id"] == booked.id
    assert outcome.data["free"] == []


async def test_the_offline_model_says_the_vehicle_is_booked_in_english_and_german() -> None:
    body = ok(
        {
            "test_type": "brake",
            "drive_type": "2WD",
            "weight_class": "<10K",
            "start_date": "2026-03-09",
            "end_date": "2026-03-09",
            "compatible": True,
            "free": [],
            "blocked": [],
            "earliest_start": "2026-03-11",
            "earliest_dyno": {"id": 1, "name": "MPG 1", "facility": "MPG"},
            "message": "Vehicle 312W028 is already booked ...",
            "vehicle_clash": {
                "allocation_id": 17,
                "vehicle": "312W028",
                "test_type": "brake",
                "dyno": "MPG 1",
                "start_date": "2026-03-09",
                "end_date": "2026-03-10",
            },
        }
    )
    english = await answer_to("find_available_dynos", {"tag": "312W028"}, body)
    assert english.startswith(
        "Vehicle 312W028 is already booked from **2026-03-09** to **2026-03-10** on MPG 1 "
        "(allocation #17, brake)"
    )
    assert "**2026-03-11** on **MPG 1**" in english
    assert "can take (" not in english and "(best first)" not in english
    call = AIMessage(content="", tool_calls=[{"name": NAME, "args": {}, "id": "call_1"}])
    result = ToolMessage(content=json.dumps(body), tool_call_id="call_1", name=NAME)
    german = await reply("Ist ein Prüfstand für Fahrzeug 312W028 am Montag frei?", call, result)
    assert str(german.content).startswith("Fahrzeug 312W028 ist schon von **2026-03-09**")


async def test_the_tool_suggests_the_closest_known_test_types(
    session: AsyncSession, settings: Settings
):
    await make_dyno(session, rules=[("brake", "any", "any"), ("emissions", "any", "any")])
    env = ToolEnv(session, Actor.system(), settings, TODAY)
    query = {"start_date": D.isoformat(), "end_date": D.isoformat(), "test_type": "emision"}
    outcome = await scheduling.find_available_dynos(
        env,
        args.FindAvailableDynosArgs.model_validate(
            {**query, "drive_type": "2WD", "weight_lbs": 4000}
        ),
    )
    assert outcome.ok and outcome.data is not None
    assert outcome.summary.endswith("Did you mean 'emissions'?")
    assert outcome.data["suggestions"] == ["emissions"]
