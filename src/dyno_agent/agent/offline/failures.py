"""Answers for failed tool calls: what went wrong, with the details that help the user go on."""

from __future__ import annotations

from typing import Any

from dyno_agent.agent.offline.markdown import table, text
from dyno_agent.agent.offline.messages import say, test_phrase, words
from dyno_agent.agent.prompts import AgentPromptContext

_STATUSES = ("available", "disabled", "outside_window", "maintenance", "busy")
_HINTS = (
    "vehicle_not_found",
    "allocation_not_found",
    "permission_denied",
    "plan_committed",
    "note_overwrite",
)


def status_word(status: Any) -> Any:
    """A dyno's state in words ("in maintenance"); an unknown one as it is."""
    return say(f"status.{status}") if status in _STATUSES else status


def _plan_conflicts(message: str, details: dict[str, Any]) -> str:
    conflicts = [c for c in details.get("conflicts") or [] if isinstance(c, dict)]
    rows = [
        (f"#{c.get('request_id')}", c.get("dyno_name"), c.get("start_date"), c.get("end_date"),
         c.get("reason"))
        for c in conflicts
    ]  # fmt: skip
    parts = [text(message)]
    if rows:
        parts += ["", table(words("h.plan_conflicts"), rows)]
    more = int(details.get("total") or len(rows)) - len(rows)
    if more > 0:
        parts.append(say("more", more=more))
    parts += ["", say("plan.conflicts_hint")]
    return "\n".join(parts)


def blocked_answer(lead: str, blocked: list[tuple[Any, Any, Any]], earliest: Any, dyno: Any) -> str:
    """Why each compatible dyno is not free, and the earliest free start when there is one."""
    parts = [lead]
    if blocked:
        rows = [(name, status_word(str(why)), detail) for name, why, detail in blocked]
        parts += ["", table(words("h.blocked"), rows)]
    if earliest and dyno:
        parts += ["", say("earliest", start=text(earliest), dyno=text(dyno))]
    return "\n".join(parts)


def _declined(name: str, args: dict[str, Any]) -> str:
    if args.get("plan_id") is not None:
        return say("declined.plan", plan_id=text(args["plan_id"]))
    allocation_id = args.get("allocation_id")
    if allocation_id is not None:
        return say("declined.booking", id=text(allocation_id))
    return say("declined")


def _invalid_arguments(name: str, message: str, details: dict[str, Any]) -> str:
    lines = [say("invalid_arguments", name=name, message=text(message))]
    for error in details.get("errors") or []:
        if isinstance(error, dict):
            where = ".".join(str(part) for part in error.get("loc") or ()) or "input"
            lines.append(f"- {text(where)}: {text(error.get('msg') or error)}")
        else:
            lines.append(f"- {text(error)}")
    return "\n".join(lines)


def _rebook_hint(args: dict[str, Any], earliest: Any) -> str:
    vehicle = (
        say("vehicle_n", id=args["vehicle_id"])
        if args.get("vehicle_id")
        else f"VIN {args.get('vin')}"
    )
    days = args.get("days_to_complete")
    return say(
        "rebook_hint",
        vehicle=text(vehicle),
        test=test_phrase(args.get("test_type")),
        start=text(earliest),
        days=text(days),
    )


def _no_capacity(name: str, args: dict[str, Any], message: str, details: dict[str, Any]) -> str:
    blocked = [b for b in details.get("blocked") or [] if isinstance(b, dict)]
    if not blocked:
        return say("no_capacity.plain", message=text(message))
    need = test_phrase(details["test_type"]) if details.get("test_type") else say("this_test")
    window = ""
    if details.get("start_date") and details.get("end_date"):
        start, end = text(details["start_date"]), text(details["end_date"])
        window = " " + say("from_to", start=start, end=end)
    rows = [(b.get("dyno"), b.get("reason"), b.get("detail")) for b in blocked]
    earliest, earliest_dyno = details.get("earliest_start"), details.get("earliest_dyno")
    lead = say("no_free", need=need, window=window)
    parts = [blocked_answer(lead, rows, earliest, earliest_dyno)]
    if name == "auto_allocate_vehicle" and earliest and earliest_dyno and args.get("test_type"):
        parts.append(_rebook_hint(args, earliest))
    elif name == "auto_allocate_vehicle" and not args.get("backup"):
        parts.append(say("no_capacity.backup"))
    parts.append(say("waitlist.hint"))
    return "\n\n".join(parts)


def _not_compatible(message: str, details: dict[str, Any], context: AgentPromptContext) -> str:
    lines = [text(message)]
    if details.get("dyno"):  # one named dyno cannot take it; others may
        return lines[0] + say("incompatible.ask")
    if details.get("suggestions"):  # the message already says which known types are closest
        return lines[0]
    known = details.get("known_test_types") or list(context.test_types)
    if known:
        lines.append(say("known_types", types=", ".join(text(t) for t in known)))
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
        return say("known_dynos", message=text(message), names=names)
    hint = say(f"hint.{code}") if code in _HINTS else None
    lead = say("failed", message=text(message) or text(code))
    return f"{lead} {hint}" if hint else lead
