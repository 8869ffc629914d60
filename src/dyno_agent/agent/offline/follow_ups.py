"""A request that leans on the conversation, turned into calls with what it points at: "book
vehicle 7 on the second one", "cancel them", "make it two days instead", "same again for vehicle
9", "what about the following week?", "wrong vehicle, it's 44", "ok take that". Changes to an
earlier booking are always a move or a cancel, which the graph confirms; never a silent rebooking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from dyno_agent.agent.confirm_words import read_answer
from dyno_agent.agent.offline import references as ref
from dyno_agent.agent.offline.calls import TOOL_OF_INTENT
from dyno_agent.agent.offline.dialogue import BOOKING_TOOLS, Call, DialogueState, Item
from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.tools import TOOLS

Planned = list[tuple[str, dict[str, Any]]]
_BOOKING_INTENTS = (Intent.CANCEL, Intent.RESCHEDULE, Intent.CHANGE_STATUS, Intent.GET_BOOKING)
# Intents a correction is read from ("sorry, I meant March 12", "make it two days instead").
_CORRECTABLE = (Intent.UNKNOWN, Intent.HELP, Intent.RESCHEDULE, Intent.CHECK_VEHICLE)
_READ_ONLY_WINDOW = {
    "find_available_dynos", "get_dyno_schedule", "detect_conflicts", "utilization_report",
    "completed_tests_count", "get_tests_by_status", "my_allocations", "maintenance_check",
}  # fmt: skip
_FRAGMENTS = (Intent.GET_DYNO, Intent.CHECK_VEHICLE, Intent.GET_BOOKING)
_SHORT = 8  # words: longer messages are requests of their own


@dataclass(frozen=True)
class FollowUp:
    """Either a request completed from the state (goes on as usual), or calls with a note."""

    request: ParsedRequest | None = None
    calls: Planned | None = None
    note: str = ""
    question: str | None = None


def _fields(name: str) -> set[str]:
    spec = TOOLS.get(name)
    return set(spec.args.model_fields) if spec is not None else set()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _pick(items: Sequence[Item], p: ParsedRequest, text: str) -> list[Item] | None:
    """The listed items the text points at: an ordinal, "them", a test type or dyno named."""
    if not items:
        return None
    position = ref.ordinal(text)
    if position is not None:
        return [items[position]] if -len(items) <= position < len(items) else None
    if ref.PLURAL.search(text):
        return list(items)
    e = p.entities
    if e.test_type or e.dyno:
        matched = [
            i
            for i in items
            if (e.test_type and i.test_type == e.test_type) or (e.dyno and i.name == e.dyno)
        ]
        return matched or None
    if len(items) == 1 and ref.SINGULAR.search(text):
        return list(items)
    return None


def _with_bookings(p: ParsedRequest, intent: Intent, ids: Sequence[int]) -> ParsedRequest:
    shift, extend = ref.offset(p.text)
    e = replace(
        p.entities,
        allocation_id=ids[0],
        allocation_ids=tuple(ids),
        shift_days=shift if shift is not None else p.entities.shift_days,
        extend_days=extend if extend is not None else p.entities.extend_days,
    )
    days = None if shift or extend else p.days  # "push it a day" names no length
    resized = e.shift_days or e.extend_days or days is not None
    missing = tuple(
        m for m in p.missing if m != "allocation_id" and not (m == "start_date" and resized)
    )
    return replace(p, intent=intent, entities=e, days=days, missing=missing)


def _booking_targets(state: DialogueState, p: ParsedRequest, text: str) -> list[int] | None:
    listed = state.listed("booking")
    picked = _pick(listed, p, text) if listed else None
    if picked:
        return [i.id for i in picked if i.id is not None]
    last = state.last_booking
    moved = ref.offset(text) != (None, None)
    said = ref.SINGULAR.search(text) or ref.CORRECTION.search(text) or moved
    if last is not None and last.id is not None and said:
        return [last.id]
    return None


def _on_booking(state: DialogueState, p: ParsedRequest, text: str) -> FollowUp | None:
    """ "cancel the second one", "push it a week", "mark it completed", "cancel them"."""
    intent = p.intent
    asks = text.rstrip().endswith("?")
    if intent is Intent.TESTS_BY_STATUS and p.entities.status and _points(text) and not asks:
        intent = Intent.CHANGE_STATUS  # "that one's finished"
    if intent not in _BOOKING_INTENTS:
        if ref.CANCEL.search(text) and _points(text):
            intent = Intent.CANCEL  # "storniere das zweite", "cancela-a"
        elif ref.offset(text) != (None, None):
            intent = Intent.RESCHEDULE
        else:
            return None
    if p.entities.allocation_id is not None:
        return None
    ids = _booking_targets(state, p, text)
    if not ids:
        return None
    return FollowUp(request=_with_bookings(p, intent, ids))


def _points(text: str) -> bool:
    return bool(
        ref.ordinal(text) is not None or ref.SINGULAR.search(text) or ref.PLURAL.search(text)
    )


def _correction(state: DialogueState, p: ParsedRequest, text: str) -> FollowUp | None:
    """A change to the booking just made, as a confirmed move or cancel."""
    booking = state.last_booking
    if booking is None or booking.id is None:
        return None
    said = bool(ref.CORRECTION.search(text) or ref.SINGULAR.search(text))
    if ref.WRONG_VEHICLE.search(text):
        vehicle = p.entities.vehicle_id or ref.bare_number(text)
        note = f"I'll cancel booking {booking.id} first (please confirm)"
        if vehicle is not None:
            note += f'; then say "same again for vehicle {vehicle}" and I\'ll book it'
        return FollowUp(
            calls=[("cancel_allocation", {"allocation_id": booking.id})], note=note + "."
        )
    if p.intent not in _CORRECTABLE and not (
        p.intent is Intent.BOOK and ref.CORRECTION.search(text)
    ):
        return None
    shift, extend = ref.offset(text)
    args: dict[str, Any] = {"allocation_id": booking.id}
    if shift is not None or extend is not None:
        args.update({"shift_days": shift} if shift is not None else {"extend_days": extend})
    elif said and p.start_date is not None and not p.dates.period:
        args["new_start_date"] = _iso(p.start_date)
        if p.days is not None:
            args["days_to_complete"] = p.days
    elif said and p.days is not None and not p.dates.spans:
        args["days_to_complete"] = p.days
    else:
        return None
    return FollowUp(calls=[("reschedule_allocation", args)])


def _on_dyno(state: DialogueState, p: ParsedRequest, text: str) -> FollowUp | None:
    """ "book vehicle 7 on the second one", "book it for vehicle 16 for 1 day"."""
    dynos = state.listed("dyno")
    if not dynos or state.list_call is None or p.entities.allocation_id is not None:
        return None
    if p.intent is not Intent.BOOK and not ref.BOOK.search(text):
        return None
    picked = _pick(dynos, p, text)
    if not picked or len(picked) != 1 or picked[0].name is None:
        return None
    found = state.list_call.args
    e = p.entities
    vehicle: dict[str, Any] = {}
    if e.vehicle_id is not None or e.vin:
        vehicle = {"vehicle_id": e.vehicle_id} if e.vehicle_id is not None else {"vin": e.vin}
    elif found.get("vehicle_id") is not None or found.get("vin"):
        vehicle = {k: found[k] for k in ("vehicle_id", "vin") if found.get(k) is not None}
    start = _iso(p.start_date) or found.get("start_date")
    days = p.days
    if days is None and found.get("start_date") and found.get("end_date") and not p.start_date:
        first = dt.date.fromisoformat(str(found["start_date"]))
        days = (dt.date.fromisoformat(str(found["end_date"])) - first).days + 1
    test = e.test_type or found.get("test_type")
    name = picked[0].name
    if not vehicle:
        return FollowUp(question=f"Which vehicle should I book on {name}? Give its id or VIN.")
    if not (start and days and test):
        return FollowUp(question=f"When, for how many days and for which test type on {name}?")
    args = {**vehicle, "dyno": name, "test_type": test, "start_date": start}
    return FollowUp(calls=[("book_on_dyno", {**args, "days_to_complete": days})])


def _take_offer(state: DialogueState, p: ParsedRequest, text: str) -> FollowUp | None:
    """ "ok take that" after a refused booking that offered the earliest free start."""
    offer, call = state.offer, state.last_booking_call
    if offer is None or call is None or state.last_call != call:
        return None
    if read_answer(text) is not True and not (ref.TAKE.search(text) and _points(text)):
        return None
    args = {**call.args, "start_date": offer.start_date}
    return FollowUp(calls=[(call.name, args)])


def _window(call: Call, p: ParsedRequest, text: str) -> dict[str, Any] | None:
    """The repeated call's new dates: shifted a week, or the ones the text names."""
    args = call.args
    if ref.FOLLOWING_WEEK.search(text) and args.get("start_date"):
        moved = {}
        for key in ("start_date", "end_date"):
            if args.get(key):
                day = dt.date.fromisoformat(str(args[key])) + dt.timedelta(days=7)
                moved[key] = day.isoformat()
        return moved
    if p.start_date is None:
        return None
    if call.name in BOOKING_TOOLS:
        return {"start_date": _iso(p.start_date)}
    end = p.end_date or p.start_date
    return {"start_date": _iso(p.start_date), "end_date": _iso(end)}


def _facility(text: str, dynos: Sequence[str]) -> str | None:
    facilities = {name.split()[0] for name in dynos if name.split()}
    for word in re.findall(r"[A-Za-z]+(?!\s*#?\d)\b", text):
        match = next((f for f in facilities if f.lower() == word.lower()), None)
        if match:
            return match
    return None


def _repeat(
    state: DialogueState, p: ParsedRequest, text: str, dynos: Sequence[str], standalone: bool
) -> FollowUp | None:
    """The last call again with what the text changes: "same again for vehicle 9", "and next
    week?", "only VTS", "just the emissions ones", "what about MPG 25?", "and 18 too"."""
    call = state.last_call
    if call is None or call.name in ("query_database", "plan_requests", "commit_plan"):
        return None
    same = bool(ref.SAME.search(text))
    if call.name in BOOKING_TOOLS and not same:
        return None  # books at once: only "same again" repeats it, never "what about vehicle 9?"
    short = len(text.split()) <= _SHORT
    lead = ref.FOLLOW_UP.search(text)  # "what about MPG 25?" asks the last question again
    loose = (
        not standalone
        or TOOL_OF_INTENT.get(p.intent) == call.name
        or bool(lead and p.intent in _FRAGMENTS)
    )
    cue = ref.FOLLOW_UP.search(text) or ref.ONLY.search(text) or ref.FOLLOWING_WEEK.search(text)
    if not (same or (short and loose and (cue or p.dates.spans or text.strip().endswith("?")))):
        return None
    e = p.entities
    if (e.vehicle_id is not None or e.vin) and "vehicle_id" not in _fields(call.name):
        # "same again for vehicle 44" after a cancel: the last call that took a vehicle
        call = next((c for c in reversed(state.calls) if "vehicle_id" in _fields(c.name)), None)
        if call is None or (call.name in BOOKING_TOOLS and not same):
            return None
    fields = _fields(call.name)
    args = dict(call.args)
    changed = False
    if e.vehicle_id is not None or e.vin:
        for key in ("vehicle_id", "vin", "tag"):
            args.pop(key, None)
        args.update({"vehicle_id": e.vehicle_id} if e.vehicle_id is not None else {"vin": e.vin})
        changed = True
    facility = _facility(text, dynos)
    if facility and "facility" in fields and not (e.dyno and e.dyno != facility):
        args["facility"], changed = facility, True
    elif e.dyno and "dyno" in fields:
        args["dyno"], changed = e.dyno, True
    if e.test_type and "test_type" in fields:
        args["test_type"], changed = e.test_type, True
    if e.status and "status" in fields and call.name != "change_allocation_status":
        args["status"], changed = e.status, True
    window = _window(call, p, text)
    if window and (call.name in _READ_ONLY_WINDOW or (same and call.name in BOOKING_TOOLS)):
        args.update(window)
        changed = True
    number = e.allocation_id or ref.bare_number(text)
    if not changed and number is not None:
        key = "allocation_id" if "allocation_id" in args else "vehicle_id"
        if key in args:
            args[key], changed = number, True
    if not changed and not same:
        return None
    return FollowUp(calls=[(call.name, args)])


def follow_up(
    state: DialogueState, p: ParsedRequest, text: str, dynos: Sequence[str], standalone: bool
) -> FollowUp | None:
    """What the request means given the conversation, when it leans on it; else None.
    `standalone`: the request is complete on its own (then only "same again" repeats a call)."""
    if p.intent is Intent.DECLINE:
        return None
    for resolve in (_take_offer, _on_dyno, _on_booking, _correction):
        found = resolve(state, p, text)
        if found is not None:
            return found
    return _repeat(state, p, text, dynos, standalone)
