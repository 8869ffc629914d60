"""Waitlist tools: join the line when nothing is free, list my entries and offers, answer one."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.scheduling import vehicles
from dyno_agent.scheduling.vocab import normalize_test_type
from dyno_agent.waitlist import service
from dyno_agent.waitlist.models import WaitlistEntry
from dyno_agent.waitlist.schemas import WaitlistEntryRead


class JoinWaitlistArgs(a.VehicleRefArgs):
    test_type: str = Field(description=a.TEST_TYPE)
    start_date: a.Day = Field(description="Earliest first day, ISO date YYYY-MM-DD.")
    days_to_complete: int = Field(ge=1, le=3650, description=a.DAYS)
    latest_end: a.Day | None = Field(
        None,
        description="Last day the test may end on (ISO YYYY-MM-DD); omit for exactly the days "
        "from start_date.",
    )


class WaitlistEntryArgs(a.InputModel):
    model_config = a._ARGS
    entry_id: int = Field(ge=1, le=a.MAX_ID, description="The waitlist entry's id.")
    action: Literal["accept", "decline", "withdraw"] = Field(
        description="accept: book the offered slot; decline: give the offer to the next in "
        "line; withdraw: leave the waitlist."
    )


def _line(entry: WaitlistEntryRead) -> str:
    vehicle = entry.vehicle.tag or entry.vehicle.vin or f"#{entry.vehicle.id}"
    text = (
        f"entry #{entry.id}: {entry.test_type} for {vehicle}, {entry.days} day(s) between "
        f"{entry.earliest_start} and {entry.latest_end}, {entry.status.value}"
    )
    offer = entry.offer
    if offer is not None and entry.status.value in ("offered", "booked"):
        dyno = offer.dyno.name if offer.dyno else "?"
        text += f"; slot #{offer.id} on {dyno}, {offer.start_date} to {offer.end_date}"
        if offer.hold_expires_at is not None and offer.status.value == "held":
            text += f", held until {offer.hold_expires_at:%Y-%m-%d %H:%M %Z}"
    return text


def _data(entry: WaitlistEntry) -> tuple[str, dict[str, object]]:
    read = WaitlistEntryRead.model_validate(entry)
    return _line(read), {"entry": read.model_dump(mode="json")}


async def ask_join(env: ToolEnv, x: JoinWaitlistArgs) -> str:
    vehicle = await vehicles.resolve_vehicle(
        env.session, vehicle_id=x.vehicle_id, vin=x.vin, tag=x.tag
    )
    end = f" ending by {x.latest_end}" if x.latest_end else ""
    return (
        f"Put {vehicle.label} on the waitlist for {normalize_test_type(x.test_type)}, "
        f"{x.days_to_complete} day(s) from {x.start_date}{end}? When a fitting slot frees up it "
        f"is held for you for {env.settings.waitlist_hold_minutes} minutes to accept."
    )


async def join_waitlist(env: ToolEnv, x: JoinWaitlistArgs) -> ToolOutcome:
    entry = await service.join(env.session, env.actor, **x.model_dump())
    line, data = _data(entry)
    return ToolOutcome.success(f"Joined the waitlist: {line}", data)


async def my_waitlist(env: ToolEnv, x: a.NoArgs) -> ToolOutcome:
    entries = await service.list_entries(env.session, env.actor)
    reads = [WaitlistEntryRead.model_validate(e) for e in entries]
    offers = sum(1 for r in reads if r.status.value == "offered")
    summary = f"{len(reads)} waitlist entr{'y' if len(reads) == 1 else 'ies'}, {offers} offer(s)"
    if reads:
        summary += ": " + "; ".join(_line(r) for r in reads)
    return ToolOutcome.success(summary, {"entries": [r.model_dump(mode="json") for r in reads]})


async def ask_answer(env: ToolEnv, x: WaitlistEntryArgs) -> str:
    entry = WaitlistEntryRead.model_validate(
        await service.get_entry(env.session, env.actor, x.entry_id)
    )
    verb = {
        "accept": "Accept and book",
        "decline": "Decline",
        "withdraw": "Leave the waitlist with",
    }[x.action]
    return f"{verb} {_line(entry)}?"


async def answer_waitlist(env: ToolEnv, x: WaitlistEntryArgs) -> ToolOutcome:
    entry = await getattr(service, x.action)(env.session, env.actor, x.entry_id)
    line, data = _data(entry)
    done = {"accept": "Accepted", "decline": "Declined", "withdraw": "Withdrew"}[x.action]
    return ToolOutcome.success(f"{done} {line}", data)


WAITLIST_TOOLS = [
    ToolSpec(
        "join_waitlist",
        "Put a vehicle (vehicle_id, tag or vin) on the waitlist for a test when no dyno is free: "
        "when a fitting slot frees up (cancellation, move), it is held for the user to accept. "
        "Only after a booking was refused for lack of capacity, or when the user asks. The user "
        "is asked to confirm first.",
        JoinWaitlistArgs,
        join_waitlist,
        destructive=True,
        question=ask_join,
    ),
    ToolSpec(
        "my_waitlist",
        "The current user's waitlist entries and the slots offered (held) to them, with the "
        "deadline to accept.",
        a.NoArgs,
        my_waitlist,
    ),
    ToolSpec(
        "answer_waitlist_offer",
        "Accept (book) or decline the slot offered to a waitlist entry, or withdraw the entry. "
        "The user is asked to confirm first.",
        WaitlistEntryArgs,
        answer_waitlist,
        destructive=True,
        question=ask_answer,
    ),
]
