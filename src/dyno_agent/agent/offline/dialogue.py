"""`dialogue_state`: what the conversation so far has shown, read from its messages alone (the
model's tool calls and their results), so it survives the checkpointer and works in `dyno eval`.

The last booking, the last list shown (in the order shown), the last vehicle and dyno named, the
last call the model made (to repeat it: "same again for vehicle 9", "and next week?") and the
last booking request with what a refused one offered instead ("the earliest is 2026-03-12").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

KEY = "offline"
BOOKING_TOOLS = ("auto_allocate_vehicle", "book_on_dyno")
# Tools whose result is one booking the user may go on to change ("make it three days").
_ONE_BOOKING = {
    *BOOKING_TOOLS,
    "reschedule_allocation",
    "get_allocation",
    "change_allocation_status",
}
_DYNO_LISTS = {"find_available_dynos", "list_dynos"}


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Item:
    """One row of a list shown: a booking, a dyno or a vehicle, with what identifies it."""

    kind: str  # "booking" | "dyno" | "vehicle"
    id: int | None
    name: str | None = None  # a dyno's name
    test_type: str | None = None
    vehicle_id: int | None = None


@dataclass(frozen=True)
class Offer:
    """What a refused booking offered instead: the earliest start and its dyno."""

    start_date: str
    dyno: str | None


@dataclass(frozen=True)
class DialogueState:
    last_booking: Item | None = None
    last_list: tuple[Item, ...] = ()
    list_call: Call | None = None  # the call whose result is `last_list`
    last_vehicle: int | None = None
    last_dyno: str | None = None
    last_call: Call | None = None
    last_booking_call: Call | None = None
    offer: Offer | None = None
    calls: tuple[Call, ...] = field(default=())

    def listed(self, kind: str) -> tuple[Item, ...]:
        return tuple(item for item in self.last_list if item.kind == kind)


def _json(content: Any) -> dict[str, Any]:
    if not isinstance(content, str):
        return {}
    try:
        value = json.loads(content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dyno_name(value: Any) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def _booking(row: Any) -> Item | None:
    if not isinstance(row, dict) or _int(row.get("id")) is None:
        return None
    vehicle = row.get("vehicle")
    vehicle_id = _int(row.get("vehicle_id"))
    if vehicle_id is None and isinstance(vehicle, dict):
        vehicle_id = _int(vehicle.get("id"))
    test = row.get("test_type")
    return Item(
        "booking",
        _int(row.get("id")),
        _dyno_name(row.get("dyno")),
        test if isinstance(test, str) else None,
        vehicle_id,
    )


def _dyno(row: Any) -> Item | None:
    if not isinstance(row, dict):
        return None
    name = _dyno_name(row.get("dyno")) or _dyno_name(row.get("name"))
    return Item("dyno", _int(row.get("id")) or _int(row.get("dyno_id")), name) if name else None


def _vehicle(row: Any) -> Item | None:
    if not isinstance(row, dict) or _int(row.get("id")) is None:
        return None
    return Item("vehicle", _int(row.get("id")), vehicle_id=_int(row.get("id")))


def _rows(data: dict[str, Any], call: Call) -> tuple[Item, ...] | None:
    """The list a result shows, in its order; None when it shows none."""
    if isinstance(data.get("allocations"), list):
        rows = [_booking(r) for r in data["allocations"]]
    elif call.name in _DYNO_LISTS and isinstance(data.get("free"), list):
        rows = [_dyno(r) for r in data["free"]]
    elif call.name in _DYNO_LISTS and isinstance(data.get("dynos"), list):
        rows = [_dyno(r) for r in data["dynos"]]
    elif isinstance(data.get("vehicles"), list):
        rows = [_vehicle(r) for r in data["vehicles"]]
    else:
        return None
    return tuple(r for r in rows if r is not None)


def _offer(result: dict[str, Any]) -> Offer | None:
    details = result.get("details")
    if not isinstance(details, dict) or not isinstance(details.get("earliest_start"), str):
        return None
    return Offer(details["earliest_start"], _dyno_name(details.get("earliest_dyno")))


class _Reader:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {"calls": []}

    def call(self, call: Call) -> None:
        s = self.state
        s["calls"].append(call)
        s["last_call"] = call
        if call.name in BOOKING_TOOLS:
            s["last_booking_call"] = call
            s["offer"] = None
        if _int(call.args.get("vehicle_id")) is not None:
            s["last_vehicle"] = call.args["vehicle_id"]
        if isinstance(call.args.get("dyno"), str):
            s["last_dyno"] = call.args["dyno"]

    def result(self, call: Call, result: dict[str, Any]) -> None:
        s = self.state
        if result.get("ok") is False:
            if call.name in BOOKING_TOOLS:
                s["offer"] = _offer(result)
            return
        data = result.get("data") if isinstance(result.get("data"), dict) else {}
        assert isinstance(data, dict)
        booking = _booking(data.get("allocation"))
        if booking is None and call.name in _ONE_BOOKING:
            booking = _booking({"id": call.args.get("allocation_id")})
        if call.name == "cancel_allocation":
            last = s.get("last_booking")
            if last is not None and last.id == call.args.get("allocation_id"):
                s["last_booking"] = None
        elif booking is not None:
            s["last_booking"] = booking
            if booking.vehicle_id is not None:
                s["last_vehicle"] = booking.vehicle_id
            if booking.name:
                s["last_dyno"] = booking.name
        rows = _rows(data, call)
        if rows is not None:
            s["last_list"], s["list_call"] = rows, call
            if call.name != "cancel_allocation":  # "cancel it" after a list names its only row
                only = rows[0] if len(rows) == 1 and rows[0].kind == "booking" else None
                s["last_booking"] = only

    def freeze(self) -> DialogueState:
        s = dict(self.state)
        s["calls"] = tuple(s["calls"])
        return DialogueState(**s)


def dialogue_state(messages: Sequence[BaseMessage]) -> DialogueState:
    """The state after every message so far (the last human message adds nothing to it)."""
    reader = _Reader()
    calls: dict[str, Call] = {}
    for message in messages:
        if isinstance(message, AIMessage):
            for raw in message.tool_calls:
                call = Call(raw["name"], dict(raw.get("args") or {}))
                calls[str(raw.get("id"))] = call
                reader.call(call)
        elif isinstance(message, ToolMessage):
            known = calls.get(message.tool_call_id)
            if known is not None:
                reader.result(known, _json(message.content))
    return reader.freeze()


def proposal(messages: Sequence[BaseMessage]) -> list[Call]:
    """The calls the model restated and asked about in its last message (empty: none)."""
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage):
            marker = (message.additional_kwargs.get(KEY) or {}).get("proposal") or {}
            calls = marker.get("calls") if isinstance(marker, dict) else None
            if not isinstance(calls, list):
                return []
            return [
                Call(c["name"], dict(c.get("args") or {}))
                for c in calls
                if isinstance(c, dict) and isinstance(c.get("name"), str)
            ]
        if not isinstance(message, ToolMessage):
            return []
    return []
