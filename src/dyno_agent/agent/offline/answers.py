"""Markdown answers from tool results (the JSON shapes of the agent contract).

Every value that comes from tool data goes through `markdown.text`/`markdown.cell`, so a vehicle
program such as `<script>` or a note with `|` and newlines cannot become HTML or break a table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dyno_agent.agent.offline.failures import STATUS_WORDS, blocked_answer, error_answer
from dyno_agent.agent.offline.markdown import a_test, cell, percent, plural, table, text
from dyno_agent.agent.prompts import AgentPromptContext

Data = dict[str, Any]
Args = dict[str, Any]
_ALLOCATION_HEADERS = ("Booking", "Vehicle", "Test", "Dyno", "Start", "End", "Days", "Status")


def _dyno_name(dyno: Any) -> str:
    if isinstance(dyno, dict):
        return text(dyno.get("name"))
    return text(dyno) if dyno else "no dyno"


def _allocation_rows(allocations: list[Data]) -> list[list[Any]]:
    return [
        [
            f"#{a.get('id')}",
            (a.get("vehicle") or {}).get("vin") or a.get("vehicle_id"),
            a.get("test_type"),
            (a.get("dyno") or {}).get("name"),
            a.get("start_date"),
            a.get("end_date"),
            a.get("days"),
            a.get("status"),
        ]
        for a in allocations
    ]


def allocations_table(allocations: list[Data]) -> str:
    return table(_ALLOCATION_HEADERS, _allocation_rows(allocations))


def describe_allocation(a: Data) -> str:
    vehicle = a.get("vehicle") or {}
    who = f"VIN {text(vehicle['vin'])}" if vehicle.get("vin") else f"vehicle {a.get('vehicle_id')}"
    return (
        f"booking #{text(a.get('id'))}: {a_test(a.get('test_type'))} for {who} on "
        f"**{_dyno_name(a.get('dyno'))}**, {text(a.get('start_date'))} to "
        f"{text(a.get('end_date'))} ({plural(int(a.get('days') or 0), 'day')}, "
        f"{text(a.get('status'))})"
    )


def _datetime(data: Data, args: Args, hints: Data) -> str:
    return f"Today is {text(data.get('weekday'))}, {text(data.get('today'))}."


def _availability(data: Data, args: Args, hints: Data) -> str:
    need = (
        f"{a_test(data.get('test_type'))} ({text(data.get('drive_type'))}, "
        f"{text(data.get('weight_class'))})"
    )
    window = f"{text(data.get('start_date'))} to {text(data.get('end_date'))}"
    free = data.get("free") or []
    if free:
        lines = [
            f"{plural(len(free), 'dyno')} can take {need} from {window} (best first):",
            "",
            table(("Dyno", "Facility"), [(d.get("name"), d.get("facility")) for d in free]),
            "",
            f'To book one, say for example "Book vehicle 42 for {a_test(data.get("test_type"))} '
            f'on {text(data.get("start_date"))} for N days".',
        ]
        return "\n".join(lines)
    if not data.get("compatible", True):
        return f"No dyno in the lab can run {need}. {text(data.get('message'))}"
    blocked = [
        (_dyno_name(b.get("dyno")), b.get("reason"), b.get("detail"))
        for b in data.get("blocked") or []
    ]
    earliest_dyno = data.get("earliest_dyno") or {}
    lead = f"No compatible dyno is free for {need} from {window}:"
    return blocked_answer(lead, blocked, data.get("earliest_start"), earliest_dyno.get("name"))


def _booked(data: Data, args: Args, hints: Data) -> str:
    allocation = data.get("allocation") or {}
    lines = [f"Booked {describe_allocation(allocation).removeprefix('booking ')}."]
    shift = data.get("shift_days") or 0
    if shift:
        lines.append(f"That is {plural(int(shift), 'day')} later than requested (backup window).")
    lines.append(f'To undo it, say "cancel booking {text(allocation.get("id"))}".')
    return " ".join(lines)


def _vehicle(data: Data, args: Args, hints: Data) -> str:
    v = data.get("vehicle") or {}
    facts = ", ".join(
        text(x) for x in (v.get("program"), v.get("drive_type"), v.get("weight_class")) if x
    )
    who = f"Vehicle {text(v.get('id'))} (VIN {text(v.get('vin'))}{', ' + facts if facts else ''})"
    allocations = data.get("allocations") or []
    if not allocations:
        return f"{who} has no bookings."
    return f"{who} has {plural(len(allocations), 'booking')}:\n\n{allocations_table(allocations)}"


def _range(args: Args) -> str:
    start, end = args.get("start_date"), args.get("end_date")
    if start and end:
        return f" from {text(start)} to {text(end)}"
    if start:
        return f" from {text(start)}"
    return f" until {text(end)}" if end else ""


def _conflicts(data: Data, args: Args, hints: Data) -> str:
    conflicts = data.get("conflicts") or []
    if not conflicts:
        return f"No conflicts found{_range(args)}."
    rows = [
        (
            c.get("kind"),
            ", ".join(f"#{i}" for i in c.get("allocation_ids") or []),
            c.get("dyno"),
            c.get("vin"),
            c.get("start_date"),
            c.get("end_date"),
            c.get("message"),
        )
        for c in conflicts
    ]
    headers = ("Kind", "Bookings", "Dyno", "VIN", "Start", "End", "Detail")
    return f"Found {plural(len(conflicts), 'conflict')}{_range(args)}:\n\n{table(headers, rows)}"


def _maintenance(data: Data, args: Args, hints: Data) -> str:
    day = text(data.get("date"))
    dynos = data.get("dynos") or []
    down = [d for d in dynos if d.get("status") != "available"]
    parts: list[str] = []
    focus = hints.get("dyno")
    for d in dynos:
        if focus and str((d.get("dyno") or {}).get("name", "")).lower() == str(focus).lower():
            state = STATUS_WORDS.get(str(d.get("status")), text(d.get("status")))
            reason = f" ({text(d.get('reason'))})" if d.get("reason") else ""
            parts.append(f"On {day}, **{_dyno_name(d.get('dyno'))}** is {state}{reason}.")
    if not down:
        parts.append(f"All {plural(len(dynos), 'dyno')} are available on {day}.")
        return " ".join(parts)
    rows = [
        (
            _dyno_name(d.get("dyno")),
            STATUS_WORDS.get(str(d.get("status")), d.get("status")),
            d.get("reason"),
        )
        for d in down
    ]
    parts.append(f"{len(down)} of {plural(len(dynos), 'dyno')} unavailable on {day}:")
    listing = table(("Dyno", "Status", "Reason"), rows)
    return f"{' '.join(parts)}\n\n{listing}\n\nAll other dynos are available."


def _completed(data: Data, args: Args, hints: Data) -> str:
    count = int(data.get("completed") or 0)
    return f"{plural(count, 'test has', 'tests have')} been completed."


def _by_status(data: Data, args: Args, hints: Data) -> str:
    status = text(data.get("status") or args.get("status"))
    total = int(data.get("total") or 0)
    allocations = data.get("allocations") or []
    if not total:
        return f"There are no {status} tests."
    lead = f"{plural(total, status + ' test')}:"
    if len(allocations) < total:
        lead = f"{plural(total, status + ' test')}; the first {len(allocations)} are listed:"
    return f"{lead}\n\n{allocations_table(allocations)}"


def _query(data: Data, args: Args, hints: Data) -> str:
    rows = data.get("rows") or []
    total = data.get("total_rows", len(rows))
    if not rows:
        return "The query returned no rows."
    lead = f"The query returned {plural(int(total or 0), 'row')}"
    if data.get("truncated"):
        lead += f"; the first {len(rows)} are shown"
    return f"{lead}:\n\n{table([cell(c) for c in data.get('columns') or []], rows)}"


def _changed(verb: str) -> Callable[[Data, Args, Data], str]:
    def answer(data: Data, args: Args, hints: Data) -> str:
        return f"{verb} {describe_allocation(data.get('allocation') or {})}."

    return answer


def _schedule(data: Data, args: Args, hints: Data) -> str:
    name = _dyno_name(data.get("dyno"))
    window = f"{text(data.get('start_date'))} to {text(data.get('end_date'))}"
    allocations = data.get("allocations") or []
    maintenance = data.get("maintenance") or []
    if not allocations and not maintenance:
        return f"**{name}** has no bookings and no maintenance from {window}."
    parts = [f"**{name}** from {window}: {plural(len(allocations), 'booking')}."]
    if allocations:
        parts += ["", allocations_table(allocations)]
    if maintenance:
        rows = [(m.get("start_date"), m.get("end_date"), m.get("reason")) for m in maintenance]
        parts += ["", "Maintenance:", "", table(("Start", "End", "Reason"), rows)]
    return "\n".join(parts)


def _utilization(data: Data, args: Args, hints: Data) -> str:
    window = f"{text(data.get('start_date'))} to {text(data.get('end_date'))}"
    rows = data.get("dynos") or []
    lead = f"Overall utilisation from {window}: **{percent(data.get('overall'))}**."
    focus = str(hints.get("dyno") or "").lower()
    for row in rows:
        if focus and str((row.get("dyno") or {}).get("name", "")).lower() == focus:
            lead += (
                f" **{_dyno_name(row.get('dyno'))}**: {percent(row.get('utilization'))} "
                f"({row.get('booked_days')} of {row.get('available_days')} available days booked)."
            )
    if not rows:
        return lead
    headers = (
        "Dyno",
        "Facility",
        "Available days",
        "Booked days",
        "Maintenance days",
        "Bookings",
        "Utilisation",
    )
    body = [
        (
            (r.get("dyno") or {}).get("name"),
            (r.get("dyno") or {}).get("facility"),
            r.get("available_days"),
            r.get("booked_days"),
            r.get("maintenance_days"),
            r.get("allocations"),
            percent(r.get("utilization")),
        )
        for r in rows
    ]
    return f"{lead}\n\n{table(headers, body)}"


def _window_text(d: Data) -> str:
    start, end = d.get("available_from"), d.get("available_to")
    if not start and not end:
        return "always"
    return f"{start or 'open'} to {end or 'open'}"


def _dynos(data: Data, args: Args, hints: Data) -> str:
    dynos = data.get("dynos") or []
    if not dynos:
        return "There are no dynos to list."
    headers = ("Dyno", "Facility", "Enabled", "Test types", "Drives", "Weight classes", "Bookable")
    rows = [
        (
            d.get("name"),
            d.get("facility"),
            d.get("enabled"),
            d.get("supported_test_types"),
            d.get("supported_drives"),
            d.get("supported_weight_classes"),
            _window_text(d),
        )
        for d in dynos
    ]
    return f"The lab has {plural(len(dynos), 'dyno')}:\n\n{table(headers, rows)}"


def _dyno(data: Data, args: Args, hints: Data) -> str:
    d = data.get("dyno") or {}
    state = "enabled" if d.get("enabled") else "disabled"
    lead = (
        f"**{text(d.get('name'))}** ({text(d.get('facility'))}, id {text(d.get('id'))}) is "
        f"{state}; bookable {text(_window_text(d))}."
    )
    if d.get("notes"):
        lead += f" Notes: {text(d.get('notes'))}"
    rules = d.get("rules") or []
    if not rules:
        return f"{lead} It has no test rules yet, so nothing can be booked on it."
    rows = [(r.get("test_type"), r.get("drive_type"), r.get("weight_class")) for r in rules]
    return f"{lead} It can run:\n\n{table(('Test type', 'Drive', 'Weight class'), rows)}"


def _plan(data: Data, args: Args, hints: Data) -> str:
    s = data.get("summary") or {}
    plan_id = text(data.get("plan_id"))
    lines = [
        f"**Plan {plan_id}** (a preview: nothing is booked yet) places "
        f"{text(s.get('placed'))} of {plural(int(s.get('requests') or 0), 'open request')}; "
        f"{text(s.get('unplaced'))} unplaced. Lateness: "
        f"{plural(int(s.get('total_lateness_days') or 0), 'day')} in all, "
        f"{text(s.get('mean_lateness_days'))} on average.",
        f"Solver: {text(s.get('solver_status'))}, gap {percent(s.get('gap'))}, "
        f"{text(s.get('solve_seconds'))} s. Utilisation {percent(s.get('utilisation_before'))} "
        f"→ {percent(s.get('utilisation_after'))} until the horizon "
        f"({plural(int(data.get('horizon_days') or 0), 'day')}).",
    ]
    if s.get("bottleneck"):
        lines.append(f"Bottleneck: {text(s['bottleneck'])}.")
    unplaced = data.get("unplaced") or []
    if unplaced:
        rows = [
            (f"#{u.get('request_id')}", u.get("vehicle_label"), u.get("test_type"),
             u.get("mileage_step"), u.get("reason"), u.get("message"))
            for u in unplaced
        ]  # fmt: skip
        more = int(data.get("unplaced_total") or 0) - len(unplaced)
        lines += [
            "",
            "Unplaced:",
            "",
            table(("Request", "Vehicle", "Test", "Step", "Reason", "Why"), rows),
        ]
        if more > 0:
            lines.append(f"…and {more} more.")
    first = data.get("first_assignments") or []
    if first:
        placed = [
            (f"#{a.get('request_id')}", a.get("vehicle_label"), a.get("test_type"),
             a.get("dyno_name"), a.get("start_date"), a.get("end_date"), a.get("lateness_days"))
            for a in first
        ]  # fmt: skip
        total = int(data.get("assignments_total") or 0)
        lines += [
            "",
            f"The first {len(first)} of {plural(total, 'assignment')}:",
            "",
            table(("Request", "Vehicle", "Test", "Dyno", "Start", "End", "Days late"), placed),
        ]
    lines += ["", f'Say "commit plan {plan_id}" to book it (power users; I will ask first).']
    return "\n".join(lines)


def _committed(data: Data, args: Args, hints: Data) -> str:
    booked = int(data.get("booked") or 0)
    return f"Committed plan {text(data.get('plan_id'))}: {plural(booked, 'booking')} made."


def _mine(data: Data, args: Args, hints: Data) -> str:
    total = int(data.get("total") or 0)
    allocations = data.get("allocations") or []
    if not total:
        return "You have no bookings" + (" in that period." if args else ".")
    lead = f"You made {plural(total, 'booking')}:"
    if len(allocations) < total:
        lead = f"You made {plural(total, 'booking')}; the first {len(allocations)} are listed:"
    return f"{lead}\n\n{allocations_table(allocations)}"


_SUCCESS: dict[str, Callable[[Data, Args, Data], str]] = {
    "get_datetime_now": _datetime,
    "find_available_dynos": _availability,
    "auto_allocate_vehicle": _booked,
    "check_vehicle_allocation": _vehicle,
    "detect_conflicts": _conflicts,
    "maintenance_check": _maintenance,
    "completed_tests_count": _completed,
    "get_tests_by_status": _by_status,
    "query_database": _query,
    "cancel_allocation": _changed("Cancelled"),
    "reschedule_allocation": _changed("Moved"),
    "get_dyno_schedule": _schedule,
    "utilization_report": _utilization,
    "list_dynos": _dynos,
    "get_dyno": _dyno,
    "plan_requests": _plan,
    "commit_plan": _committed,
    "my_allocations": _mine,
    "book_on_dyno": _booked,
    "get_allocation": lambda data, args, hints: describe_allocation(data["allocation"]) + ".",
    "change_allocation_status": _changed("Updated"),
}


def answer(
    name: str,
    args: Args,
    content: Any,
    context: AgentPromptContext,
    hints: Data | None = None,
) -> str:
    """The reply to one tool result: a sentence, tables for lists, explained errors."""
    try:
        body = json.loads(content) if isinstance(content, str) else content
    except ValueError:
        body = None
    if not isinstance(body, dict) or "ok" not in body:
        return f"The `{name}` tool answered: {text(str(content)[:500])}"
    if not body["ok"]:
        return error_answer(name, args, body, context)
    raw = body.get("data")
    data: Data = raw if isinstance(raw, dict) else {}
    render = _SUCCESS.get(name)
    if render is None:
        return text(body.get("summary")) or "Done."
    try:
        return render(data, args or {}, hints or {})
    except (AttributeError, KeyError, TypeError, ValueError):  # an unexpected shape
        return text(body.get("summary")) or "Done."
