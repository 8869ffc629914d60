"""Answers for failed tool calls: what went wrong, with the details that help the user go on."""

from __future__ import annotations

from typing import Any

from dyno_agent.agent.offline.markdown import a_test, table, text
from dyno_agent.agent.prompts import AgentPromptContext

STATUS_WORDS = {
    "available": "available",
    "disabled": "disabled",
    "outside_window": "outside its commissioned window",
    "maintenance": "in maintenance",
    "busy": "booked",
}
_HINTS = {
    "vehicle_not_found": 'Check the vehicle id or VIN ("check VIN ..." looks a vehicle up).',
    "allocation_not_found": (
        'Check the booking number ("where is vehicle 42 booked?" lists a vehicle\'s bookings).'
    ),
    "permission_denied": "Only the booking's owner or a power user can change it.",
    "plan_committed": 'Ask for a new plan ("plan the open requests") to book what is left.',
}


def _plan_conflicts(message: str, details: dict[str, Any]) -> str:
    conflicts = [c for c in details.get("conflicts") or [] if isinstance(c, dict)]
    rows = [
        (f"#{c.get('request_id')}", c.get("dyno_name"), c.get("start_date"), c.get("end_date"),
         c.get("reason"))
        for c in conflicts
    ]  # fmt: skip
    parts = [text(message)]
    if rows:
        parts += ["", table(("Request", "Dyno", "Start", "End", "Why"), rows)]
    more = int(details.get("total") or len(rows)) - len(rows)
    if more > 0:
        parts.append(f"…and {more} more.")
    parts += ["", 'Make a new plan ("plan the open requests") and commit that one.']
    return "\n".join(parts)


def blocked_answer(lead: str, blocked: list[tuple[Any, Any, Any]], earliest: Any, dyno: Any) -> str:
    """Why each compatible dyno is not free, and the earliest free start when there is one."""
    parts = [lead]
    if blocked:
        rows = [(name, STATUS_WORDS.get(str(why), why), detail) for name, why, detail in blocked]
        parts += ["", table(("Dyno", "Why not", "Detail"), rows)]
    if earliest and dyno:
        parts += ["", f"The earliest free start is **{text(earliest)}** on **{text(dyno)}**."]
    return "\n".join(parts)


def _declined(name: str, args: dict[str, Any]) -> str:
    if args.get("plan_id") is not None:
        return f"Okay, plan {text(args['plan_id'])} stays a preview; nothing was booked."
    allocation_id = args.get("allocation_id")
    if allocation_id is not None:
        return f"Okay, I left booking {text(allocation_id)} unchanged."
    return "Okay, I didn't do it; nothing was changed."


def _invalid_arguments(name: str, message: str, details: dict[str, Any]) -> str:
    lines = [f"I couldn't run `{name}`: {text(message)}"]
    for error in details.get("errors") or []:
        if isinstance(error, dict):
            where = ".".join(str(part) for part in error.get("loc") or ()) or "input"
            lines.append(f"- {text(where)}: {text(error.get('msg') or error)}")
        else:
            lines.append(f"- {text(error)}")
    return "\n".join(lines)


def _rebook_hint(args: dict[str, Any], earliest: Any) -> str:
    vehicle = (
        f"vehicle {args['vehicle_id']}" if args.get("vehicle_id") else f"VIN {args.get('vin')}"
    )
    days = args.get("days_to_complete")
    return (
        f'To take that slot, say "Book {text(vehicle)} for {a_test(args.get("test_type"))} '
        f'on {text(earliest)} for {text(days)} days".'
    )


def _no_capacity(name: str, args: dict[str, Any], message: str, details: dict[str, Any]) -> str:
    blocked = [b for b in details.get("blocked") or [] if isinstance(b, dict)]
    if not blocked:
        return f"No dyno is free: {text(message)}"
    need = a_test(details["test_type"]) if details.get("test_type") else "this test"
    window = ""
    if details.get("start_date") and details.get("end_date"):
        window = f" from {text(details['start_date'])} to {text(details['end_date'])}"
    rows = [(b.get("dyno"), b.get("reason"), b.get("detail")) for b in blocked]
    earliest, earliest_dyno = details.get("earliest_start"), details.get("earliest_dyno")
    lead = f"No compatible dyno is free for {need}{window}:"
    parts = [blocked_answer(lead, rows, earliest, earliest_dyno)]
    if name == "auto_allocate_vehicle" and earliest and earliest_dyno and args.get("test_type"):
        parts.append(_rebook_hint(args, earliest))
    elif name == "auto_allocate_vehicle" and not args.get("backup"):
        parts.append('Add "with backup" to let me try later start days as well.')
    return "\n\n".join(parts)


def _not_compatible(message: str, details: dict[str, Any], context: AgentPromptContext) -> str:
    lines = [text(message)]
    if details.get("dyno"):  # one named dyno cannot take it; others may
        return lines[0] + " Ask which dynos are free to find one that can."
    if details.get("suggestions"):  # the message already says which known types are closest
        return lines[0]
    known = details.get("known_test_types") or list(context.test_types)
    if known:
        lines.append(f"Known test types: {', '.join(text(t) for t in known)}.")
    return " ".join(lines)


def error_answer(
    name: str, args: dict[str, Any], body: dict[str, Any], context: AgentPromptContext
) -> str:
    code = str(body.get("error") or "error")
    message = str(body.get("message") or "")
    raw = body.get("details")
    details: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if code == "declined":
        return _declined(name, args)
    if code == "invalid_arguments":
        return _invalid_arguments(name, message, details)
    if code == "no_capacity":
        return _no_capacity(name, args, message, details)
    if code == "not_compatible":
        return _not_compatible(message, details, context)
    if code == "plan_conflicts":
        return _plan_conflicts(message, details)
    if code == "dyno_not_found" and context.dynos:
        names = ", ".join(text(n) for n in context.dynos)
        return f"{text(message)} Known dynos: {names}."
    hint = _HINTS.get(code)
    lead = f"That didn't work: {text(message) or text(code)}"
    return f"{lead} {hint}" if hint else lead
