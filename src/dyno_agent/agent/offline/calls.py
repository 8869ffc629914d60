"""From a complete `ParsedRequest` to one tool call: the tool's name and its arguments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dyno_agent.agent.offline import feeds, notifications, series
from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.offline.sql import sql_statement as sql_statement  # re-exported
from dyno_agent.scheduling import vocab

# A weight class stands for any weight in it; the domain classifies the weight again.
_CLASS_WEIGHT = {"<10K": vocab.WEIGHT_CLASS_LIMIT_LBS, ">10K": vocab.WEIGHT_CLASS_LIMIT_LBS + 1}
TOOL_OF_INTENT = {
    Intent.BOOK: "auto_allocate_vehicle",
    Intent.FIND_AVAILABILITY: "find_available_dynos",
    Intent.CHECK_VEHICLE: "check_vehicle_allocation",
    Intent.CANCEL: "cancel_allocation",
    Intent.RESCHEDULE: "reschedule_allocation",
    Intent.MY_BOOKINGS: "my_allocations",
    Intent.CHANGE_STATUS: "change_allocation_status",
    Intent.GET_BOOKING: "get_allocation",
    Intent.DYNO_SCHEDULE: "get_dyno_schedule",
    Intent.CONFLICTS: "detect_conflicts",
    Intent.MAINTENANCE: "maintenance_check",
    Intent.COMPLETED_COUNT: "completed_tests_count",
    Intent.TESTS_BY_STATUS: "get_tests_by_status",
    Intent.UTILIZATION: "utilization_report",
    Intent.LIST_DYNOS: "list_dynos",
    Intent.GET_DYNO: "get_dyno",
    Intent.DATETIME: "get_datetime_now",
    Intent.PLAN: "plan_requests",
    Intent.COMMIT_PLAN: "commit_plan",
    Intent.CALENDAR_FEED: "calendar_feed_link",
    Intent.BOOK_SERIES: "book_series",
    Intent.CANCEL_SERIES: "cancel_series",
    Intent.MOVE_SERIES: "move_series",
    Intent.SUBSCRIBE: "subscribe_notifications",
    Intent.WAITLIST_JOIN: "join_waitlist",
    Intent.WAITLIST: "my_waitlist",
    Intent.WAITLIST_ANSWER: "answer_waitlist_offer",
}


def _maintenance(p: ParsedRequest) -> dict[str, Any]:
    """One day (default today), for one dyno when one is named."""
    args: dict[str, Any] = {"on_date": _iso(p.start_date)} if p.start_date else {}
    if p.entities.dyno is not None:
        args["dyno"] = _dyno(p.entities.dyno)
    return args


def _vehicle(p: ParsedRequest) -> dict[str, Any]:
    e = p.entities
    ref: dict[str, Any] = {}
    if e.vehicle_id is not None:
        ref["vehicle_id"] = e.vehicle_id
    if e.vin:
        ref["vin"] = e.vin
    return ref


def _dyno(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _window(p: ParsedRequest) -> dict[str, Any]:
    return {"start_date": _iso(p.start_date), "end_date": _iso(p.end_date)}


def _book(p: ParsedRequest) -> dict[str, Any]:
    e = p.entities
    args = {
        **_vehicle(p),
        "start_date": _iso(p.start_date),
        "days_to_complete": p.days,
        "test_type": e.test_type,
    }
    if e.backup is not None:
        args["backup"] = e.backup
    if e.backup and e.max_backup_days is not None:
        args["max_backup_days"] = e.max_backup_days
    return args


def _availability(p: ParsedRequest) -> dict[str, Any]:
    e = p.entities
    if _vehicle(p):  # the vehicle's own weight and drive type are used
        return {**_window(p), **_vehicle(p), "test_type": e.test_type}
    weight = e.weight_lbs if e.weight_lbs is not None else _CLASS_WEIGHT.get(e.weight_class or "")
    return {
        **_window(p),
        "weight_lbs": weight,
        "drive_type": e.drive_type,
        "test_type": e.test_type,
    }


def _reschedule(p: ParsedRequest) -> dict[str, Any]:
    e = p.entities
    args: dict[str, Any] = {"allocation_id": e.allocation_id}
    if p.start_date is not None:
        args["new_start_date"] = _iso(p.start_date)
    if e.shift_days:
        args["shift_days"] = e.shift_days
    if p.days is not None:
        args["days_to_complete"] = p.days
    elif e.extend_days:
        args["extend_days"] = e.extend_days
    return args


def _optional_window(p: ParsedRequest) -> dict[str, Any]:
    return {key: value for key, value in _window(p).items() if value is not None}


def _filtered(p: ParsedRequest) -> dict[str, Any]:
    """A count's optional window and test type ("how many brake tests completed in February")."""
    args = _optional_window(p)
    if p.entities.test_type:
        args["test_type"] = p.entities.test_type
    return args


def _plan(p: ParsedRequest) -> dict[str, Any]:
    e = p.entities
    args: dict[str, Any] = {}
    if e.horizon_days is not None:
        args["horizon_days"] = e.horizon_days
    if e.test_type:
        args["test_type"] = e.test_type
    if e.vehicle_id is not None:
        args["vehicle_id"] = e.vehicle_id
    return args


def _book_series(p: ParsedRequest) -> dict[str, Any]:
    args: dict[str, Any] = {
        **_vehicle(p),
        "test_type": p.entities.test_type,
        "pattern": series.pattern_text(p.text),
    }
    if p.start_date is not None:
        args["start_date"] = _iso(p.start_date)
    if p.days is not None:
        args["days_to_complete"] = p.days
    if p.entities.backup:
        args["backup"] = True
    return args


def _waitlist_join(p: ParsedRequest) -> dict[str, Any]:
    """A booking's inputs; an end later than the days need is the latest end."""
    args = {key: value for key, value in _book(p).items() if key not in ("backup",)}
    args.pop("max_backup_days", None)
    if p.start_date and p.end_date and p.days and (p.end_date - p.start_date).days + 1 > p.days:
        args["latest_end"] = _iso(p.end_date)
    return args


def tool_call(p: ParsedRequest) -> tuple[str, dict[str, Any]] | None:
    """The tool and arguments for a request with nothing missing; None for intents without one."""
    name = TOOL_OF_INTENT.get(p.intent)
    if name is None:
        return None
    e = p.entities
    if p.intent is Intent.WAITLIST_ANSWER and e.entry_id is None:
        return "my_waitlist", {}  # which offer: show them first
    builders = {
        Intent.BOOK: lambda: _book(p),
        Intent.FIND_AVAILABILITY: lambda: _availability(p),
        Intent.CHECK_VEHICLE: lambda: _vehicle(p),
        Intent.CANCEL: lambda: {"allocation_id": e.allocation_id},
        Intent.RESCHEDULE: lambda: _reschedule(p),
        Intent.MY_BOOKINGS: lambda: _optional_window(p),
        Intent.CHANGE_STATUS: lambda: {"allocation_id": e.allocation_id, "status": e.status},
        Intent.GET_BOOKING: lambda: {"allocation_id": e.allocation_id},
        Intent.DYNO_SCHEDULE: lambda: {"dyno": _dyno(e.dyno), **_window(p)},
        Intent.CONFLICTS: lambda: _optional_window(p),
        Intent.MAINTENANCE: lambda: _maintenance(p),
        Intent.COMPLETED_COUNT: lambda: _filtered(p),
        Intent.TESTS_BY_STATUS: lambda: {"status": e.status},
        Intent.UTILIZATION: lambda: _window(p),
        Intent.LIST_DYNOS: lambda: {"include_disabled": True} if e.include_disabled else {},
        Intent.GET_DYNO: lambda: {"dyno": _dyno(e.dyno)},
        Intent.PLAN: lambda: _plan(p),
        Intent.COMMIT_PLAN: lambda: {"plan_id": e.plan_id},
        Intent.CALENDAR_FEED: lambda: feeds.feed_args(p),
        Intent.BOOK_SERIES: lambda: _book_series(p),
        Intent.CANCEL_SERIES: lambda: {"series_id": e.series_id},
        Intent.MOVE_SERIES: lambda: {"series_id": e.series_id, "shift_days": e.shift_days},
        Intent.SUBSCRIBE: lambda: notifications.subscription_args(p.text, e),
        Intent.WAITLIST_JOIN: lambda: _waitlist_join(p),
        Intent.WAITLIST_ANSWER: lambda: {"entry_id": e.entry_id, "action": e.waitlist_action},
    }
    build = builders.get(p.intent)
    return name, build() if build else {}


# Requests that take one vehicle or one booking and can be repeated for each one named.
_PER_VEHICLE = {Intent.BOOK, Intent.CHECK_VEHICLE, Intent.FIND_AVAILABILITY}
_PER_BOOKING = {Intent.CANCEL, Intent.RESCHEDULE, Intent.CHANGE_STATUS, Intent.GET_BOOKING}


def items(p: ParsedRequest) -> list[ParsedRequest]:
    """The request once per vehicle or booking it names ("vehicles 11 and 12"), else itself."""
    e = p.entities
    if p.intent in _PER_VEHICLE and len(e.vehicle_ids) > 1 and e.vin is None:
        return [replace(p, entities=replace(e, vehicle_id=v)) for v in e.vehicle_ids]
    if p.intent in _PER_BOOKING and len(e.allocation_ids) > 1:
        return [replace(p, entities=replace(e, allocation_id=a)) for a in e.allocation_ids]
    return [p]


def names_several(p: ParsedRequest) -> bool:
    """Several vehicles or bookings that one call of this intent cannot all take."""
    e = p.entities
    several = len(e.vehicle_ids) > 1 or len(e.allocation_ids) > 1
    return several and len(items(p)) == 1


def tool_calls(p: ParsedRequest) -> list[tuple[str, dict[str, Any]]]:
    """One call per vehicle or booking named; empty for intents without a tool."""
    calls = [tool_call(item) for item in items(p)]
    return [call for call in calls if call is not None]
