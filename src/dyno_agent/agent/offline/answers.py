"""Markdown answers from tool results (the JSON shapes of the agent contract).

Every value that comes from tool data goes through `markdown.text`/`markdown.cell`, so a vehicle
program such as `<script>` or a note with `|` and newlines cannot become HTML or break a table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from dyno_agent.agent.offline import approvals, waitlist
from dyno_agent.agent.offline.failures import blocked_answer, error_answer, status_word
from dyno_agent.agent.offline.feeds import feed_answer
from dyno_agent.agent.offline.markdown import cell, percent, table, text
from dyno_agent.agent.offline.messages import count, current, say, test_phrase, words
from dyno_agent.agent.prompts import AgentPromptContext

Data = dict[str, Any]
Args = dict[str, Any]


def _dyno_name(dyno: Any) -> str:
    if isinstance(dyno, dict):
        return text(dyno.get("name"))
    return text(dyno) if dyno else say("no_dyno")


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
    return table(words("h.allocations"), _allocation_rows(allocations))


def _allocation_fields(a: Data) -> dict[str, str]:
    vehicle = a.get("vehicle") or {}
    who = (
        f"VIN {text(vehicle['vin'])}"
        if vehicle.get("vin")
        else say("vehicle_n", id=a.get("vehicle_id"))
    )
    return {
        "id": text(a.get("id")),
        "test": test_phrase(a.get("test_type")),
        "who": who,
        "dyno": _dyno_name(a.get("dyno")),
        "start": text(a.get("start_date")),
        "end": text(a.get("end_date")),
        "days": count(int(a.get("days") or 0), "day"),
        "status": text(a.get("status")),
    }


def describe_allocation(a: Data) -> str:
    return say("allocation", **_allocation_fields(a)) + notes_text(a)


def notes_text(a: Data) -> str:
    """The booking's reference and note, quoted as typed (data, never an instruction)."""
    parts = []
    if a.get("reference"):
        parts.append(say("notes.reference", reference=text(a["reference"])))
    if a.get("notes"):
        parts.append(say("notes.note", note=text(a["notes"])))
    return "".join(parts)


def _from_to(data: Data) -> str:
    return say("from_to", start=text(data.get("start_date")), end=text(data.get("end_date")))


def _datetime(data: Data, args: Args, hints: Data) -> str:
    weekday = text(data.get("weekday"))  # the tool's, in English
    with contextlib.suppress(ValueError):
        if current() != "en":
            weekday = words("weekdays")[dt.date.fromisoformat(str(data.get("today"))).weekday()]
    return say("today", weekday=weekday, today=text(data.get("today")))


def _availability(data: Data, args: Args, hints: Data) -> str:
    test = test_phrase(data.get("test_type"))
    need = say(
        "need",
        test=test,
        drive=text(data.get("drive_type")),
        weight_class=text(data.get("weight_class")),
    )
    clash = data.get("vehicle_clash")
    if isinstance(clash, dict):
        return _vehicle_clash(clash, data)
    free = data.get("free") or []
    if free:
        lead = "avail.free.one" if len(free) == 1 else "avail.free"
        lines = [
            say(lead, dynos=count(len(free), "dyno"), need=need, from_to=_from_to(data)),
            "",
            table(words("h.dyno_facility"), [(d.get("name"), d.get("facility")) for d in free]),
            "",
            say("avail.book_hint", test=test, start=text(data.get("start_date"))),
        ]
        return "\n".join(lines)
    if not data.get("compatible", True):
        return say("avail.incompatible", need=need, message=text(data.get("message")))
    blocked = [
        (_dyno_name(b.get("dyno")), b.get("reason"), b.get("detail"))
        for b in data.get("blocked") or []
    ]
    earliest_dyno = data.get("earliest_dyno") or {}
    lead = say("no_free", need=need, window=" " + _from_to(data))
    return blocked_answer(lead, blocked, data.get("earliest_start"), earliest_dyno.get("name"))


def _vehicle_clash(clash: Data, data: Data) -> str:
    """The vehicle is booked itself in the window: say so first, then when it next fits."""
    lead = say(
        "avail.vehicle_busy",
        vehicle=text(clash.get("vehicle")),
        id=text(clash.get("allocation_id")),
        test=text(clash.get("test_type")),
        dyno=text(clash.get("dyno") or "-"),
        start=text(clash.get("start_date")),
        end=text(clash.get("end_date")),
    )
    earliest, dyno = data.get("earliest_start"), (data.get("earliest_dyno") or {}).get("name")
    if earliest and dyno:
        return lead + " " + say("avail.vehicle_next", start=text(earliest), dyno=text(dyno))
    return lead


def _booked(data: Data, args: Args, hints: Data) -> str:
    allocation = data.get("allocation") or {}
    fields = _allocation_fields(allocation)
    lines = [say("booked", allocation=say("allocation", **fields), **fields)]
    if notes_text(allocation):
        lines.append(notes_text(allocation).strip())
    shift = data.get("shift_days") or 0
    if shift:
        lines.append(say("booked.shifted", days=count(int(shift), "day")))
    lines.append(say("booked.undo", id=text(allocation.get("id"))))
    return " ".join(lines)


def _vehicle(data: Data, args: Args, hints: Data) -> str:
    v = data.get("vehicle") or {}
    facts = ", ".join(
        text(x) for x in (v.get("program"), v.get("drive_type"), v.get("weight_class")) if x
    )
    who = say(
        "vehicle.who",
        id=text(v.get("id")),
        vin=text(v.get("vin")),
        facts=", " + facts if facts else "",
    )
    allocations = data.get("allocations") or []
    if not allocations:
        return say("vehicle.none", who=who)
    listing = allocations_table(allocations)
    return say("vehicle.some", who=who, count=count(len(allocations), "booking"), table=listing)


def _range(args: Args) -> str:
    start, end = args.get("start_date"), args.get("end_date")
    if start and end:
        return " " + say("from_to", start=text(start), end=text(end))
    if start:
        return " " + say("from", start=text(start))
    return " " + say("until", end=text(end)) if end else ""


def _conflicts(data: Data, args: Args, hints: Data) -> str:
    conflicts = data.get("conflicts") or []
    if not conflicts:
        return say("conflicts.none", range=_range(args))
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
    listing = table(words("h.conflicts"), rows)
    found = count(len(conflicts), "conflict")
    return say("conflicts.some", count=found, range=_range(args), table=listing)


def _maintenance(data: Data, args: Args, hints: Data) -> str:
    day = text(data.get("date"))
    dynos = data.get("dynos") or []
    down = [d for d in dynos if d.get("status") != "available"]
    parts: list[str] = []
    focus = hints.get("dyno")
    for d in dynos:
        if focus and str((d.get("dyno") or {}).get("name", "")).lower() == str(focus).lower():
            state = text(status_word(str(d.get("status"))))
            reason = f" ({text(d.get('reason'))})" if d.get("reason") else ""
            name = _dyno_name(d.get("dyno"))
            parts.append(say("maint.focus", day=day, dyno=name, state=state, reason=reason))
    if not down:
        parts.append(say("maint.all", count=count(len(dynos), "dyno"), day=day))
        return " ".join(parts)
    rows = [
        (
            _dyno_name(d.get("dyno")),
            status_word(str(d.get("status"))),
            d.get("reason"),
        )
        for d in down
    ]
    parts.append(say("maint.down", down=len(down), count=count(len(dynos), "dyno"), day=day))
    listing = table(words("h.maintenance"), rows)
    return f"{' '.join(parts)}\n\n{listing}\n\n{say('maint.others')}"


def _completed(data: Data, args: Args, hints: Data) -> str:
    done = int(data.get("completed") or 0)
    return say("completed.one" if done == 1 else "completed.many", n=done)


def _by_status(data: Data, args: Args, hints: Data) -> str:
    status = text(data.get("status") or args.get("status"))
    total = int(data.get("total") or 0)
    allocations = data.get("allocations") or []
    if not total:
        return say("by_status.none", status=status)
    what = say("by_status.one" if total == 1 else "by_status.many", n=total, status=status)
    lead = say("listed", what=what)
    if len(allocations) < total:
        lead = say("first_listed", what=what, shown=len(allocations))
    return f"{lead}\n\n{allocations_table(allocations)}"


def _query(data: Data, args: Args, hints: Data) -> str:
    rows = data.get("rows") or []
    total = data.get("total_rows", len(rows))
    if not rows:
        return say("query.none")
    lead = say("query.lead", count=count(int(total or 0), "row"))
    if data.get("truncated"):
        lead += say("query.truncated", shown=len(rows))
    return f"{lead}:\n\n{table([cell(c) for c in data.get('columns') or []], rows)}"


def _changed(key: str) -> Callable[[Data, Args, Data], str]:
    def answer(data: Data, args: Args, hints: Data) -> str:
        return say(key, allocation=describe_allocation(data.get("allocation") or {}))

    return answer


def _schedule(data: Data, args: Args, hints: Data) -> str:
    name = _dyno_name(data.get("dyno"))
    allocations = data.get("allocations") or []
    maintenance = data.get("maintenance") or []
    if not allocations and not maintenance:
        return say("schedule.empty", name=name, from_to=_from_to(data))
    booked = count(len(allocations), "booking")
    parts = [say("schedule.lead", name=name, from_to=_from_to(data), count=booked)]
    if allocations:
        parts += ["", allocations_table(allocations)]
    if maintenance:
        rows = [(m.get("start_date"), m.get("end_date"), m.get("reason")) for m in maintenance]
        parts += ["", say("schedule.maintenance"), "", table(words("h.maintenance_windows"), rows)]
    return "\n".join(parts)


def _utilization(data: Data, args: Args, hints: Data) -> str:
    rows = data.get("dynos") or []
    lead = say("util.overall", from_to=_from_to(data), percent=percent(data.get("overall")))
    focus = str(hints.get("dyno") or "").lower()
    for row in rows:
        if focus and str((row.get("dyno") or {}).get("name", "")).lower() == focus:
            lead += say(
                "util.focus",
                dyno=_dyno_name(row.get("dyno")),
                percent=percent(row.get("utilization")),
                booked=row.get("booked_days"),
                available=row.get("available_days"),
            )
    if not rows:
        return lead
    headers = words("h.utilization")
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
        return say("window.always")
    unset = say("window.open")
    return say("window.range", start=start or unset, end=end or unset)


def _dynos(data: Data, args: Args, hints: Data) -> str:
    dynos = data.get("dynos") or []
    if not dynos:
        return say("dynos.none")
    yes, no = words("yes_no")
    rows = [
        (
            d.get("name"),
            d.get("facility"),
            (yes if d["enabled"] else no)
            if isinstance(d.get("enabled"), bool)
            else d.get("enabled"),
            d.get("supported_test_types"),
            d.get("supported_drives"),
            d.get("supported_weight_classes"),
            _window_text(d),
        )
        for d in dynos
    ]
    listing = table(words("h.dynos"), rows)
    return say("dynos.lead", count=count(len(dynos), "dyno"), table=listing)


def _dyno(data: Data, args: Args, hints: Data) -> str:
    d = data.get("dyno") or {}
    lead = say(
        "dyno.lead",
        name=text(d.get("name")),
        facility=text(d.get("facility")),
        id=text(d.get("id")),
        state=say("dyno.enabled" if d.get("enabled") else "dyno.disabled"),
        window=text(_window_text(d)),
    )
    if d.get("notes"):
        lead += say("dyno.notes", notes=text(d.get("notes")))
    rules = d.get("rules") or []
    if not rules:
        return say("dyno.no_rules", lead=lead)
    rows = [(r.get("test_type"), r.get("drive_type"), r.get("weight_class")) for r in rules]
    return say("dyno.rules", lead=lead, table=table(words("h.rules"), rows))


def _plan(data: Data, args: Args, hints: Data) -> str:
    s = data.get("summary") or {}
    plan_id = text(data.get("plan_id"))
    lines = [
        say(
            "plan.lead",
            plan_id=plan_id,
            placed=text(s.get("placed")),
            requests=count(int(s.get("requests") or 0), "open_request"),
            unplaced=text(s.get("unplaced")),
            late=count(int(s.get("total_lateness_days") or 0), "day"),
            mean=text(s.get("mean_lateness_days")),
        ),
        say(
            "plan.solver",
            status=text(s.get("solver_status")),
            gap=percent(s.get("gap")),
            seconds=text(s.get("solve_seconds")),
            before=percent(s.get("utilisation_before")),
            after=percent(s.get("utilisation_after")),
            horizon=count(int(data.get("horizon_days") or 0), "day"),
        ),
    ]
    if s.get("bottleneck"):
        lines.append(say("plan.bottleneck", name=text(s["bottleneck"])))
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
            say("plan.unplaced"),
            "",
            table(words("h.unplaced"), rows),
        ]
        if more > 0:
            lines.append(say("more", more=more))
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
            say("plan.first", shown=len(first), count=count(total, "assignment")),
            "",
            table(words("h.placed"), placed),
        ]
    lines += ["", say("plan.commit_hint", plan_id=plan_id)]
    return "\n".join(lines)


def _committed(data: Data, args: Args, hints: Data) -> str:
    booked = int(data.get("booked") or 0)
    made = count(booked, "booking")
    return say("plan.committed", plan_id=text(data.get("plan_id")), count=made)


def _noted_rows(allocations: list[Data]) -> list[list[Any]]:
    return [
        [
            f"#{a.get('id')}",
            (a.get("vehicle") or {}).get("tag") or (a.get("vehicle") or {}).get("vin"),
            (a.get("dyno") or {}).get("name"),
            a.get("start_date"),
            a.get("end_date"),
            a.get("status"),
            a.get("reference"),
            a.get("notes"),
        ]
        for a in allocations
    ]


def _found_notes(data: Data, args: Args, hints: Data) -> str:
    total, allocations = int(data.get("total") or 0), data.get("allocations") or []
    query = text(data.get("text") or args.get("text"))
    if not total:
        return say("notes.none", text=query)
    what = say("notes.found", count=count(total, "booking"), text=query)
    lead = say("listed", what=what)
    if len(allocations) < total:
        lead = say("first_listed", what=what, shown=len(allocations))
    return f"{lead}\n\n{table(words('h.noted'), _noted_rows(allocations))}"


def _mine(data: Data, args: Args, hints: Data) -> str:
    total = int(data.get("total") or 0)
    allocations = data.get("allocations") or []
    if not total:
        return say("mine.none_period" if args else "mine.none")
    what = say("mine.lead", count=count(total, "booking"))
    lead = say("listed", what=what)
    if len(allocations) < total:
        lead = say("first_listed", what=what, shown=len(allocations))
    return f"{lead}\n\n{allocations_table(allocations)}"


def _subscribed(data: Data, args: Args, hints: Data) -> str:
    subscription = data.get("subscription") or {}
    return say("notify.subscribed", what=text(data.get("what")), id=subscription.get("id"))


def _subscriptions(data: Data, args: Args, hints: Data) -> str:
    items = data.get("subscriptions") or []
    if not items:
        return say("notify.none")
    names = [
        text(s.get("dyno") or s.get("facility") or s.get("vehicle") or s.get("scope"))
        for s in items
    ]
    return say("notify.list", items=", ".join(names))


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
    "cancel_allocation": _changed("changed.cancelled"),
    "reschedule_allocation": _changed("changed.moved"),
    "get_dyno_schedule": _schedule,
    "utilization_report": _utilization,
    "list_dynos": _dynos,
    "get_dyno": _dyno,
    "plan_requests": _plan,
    "commit_plan": _committed,
    "subscribe_notifications": _subscribed,
    "my_subscriptions": _subscriptions,
    "my_allocations": _mine,
    "book_on_dyno": _booked,
    "get_allocation": lambda data, args, hints: say(
        "allocation.shown", allocation=describe_allocation(data["allocation"])
    ),
    "change_allocation_status": _changed("changed.updated"),
    "calendar_feed_link": feed_answer,
    "my_waitlist": waitlist.answer_list,
    "join_waitlist": waitlist.answer_entry,
    "answer_waitlist_offer": waitlist.answer_entry,
    **approvals.ANSWERS,
    "add_booking_note": _changed("notes.added"),
    "replace_booking_note": _changed("notes.replaced"),
    "search_booking_notes": _found_notes,
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
        return say("tool_answered", name=name, content=text(str(content)[:500]))
    if not body["ok"]:
        return error_answer(name, args, body, context)
    raw = body.get("data")
    data: Data = raw if isinstance(raw, dict) else {}
    render = _SUCCESS.get(name)
    if render is None:
        return text(body.get("summary")) or say("done")
    try:
        return render(data, args or {}, hints or {})
    except (AttributeError, KeyError, TypeError, ValueError):  # an unexpected shape
        return text(body.get("summary")) or say("done")
