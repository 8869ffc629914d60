"""Fixed replies of the offline model: help, refusals, questions for what a request lacks."""

from __future__ import annotations

import datetime as dt
import re

from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.markdown import a_test, text
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.prompts import AgentPromptContext

_HELLO = re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening))\b")
_STATUSES = "scheduled, delayed, running, completed or cancelled"
_WINDOW_INTENTS = {Intent.DYNO_SCHEDULE, Intent.UTILIZATION, Intent.FIND_AVAILABILITY}
_GOALS = {
    Intent.BOOK: "book that",
    Intent.FIND_AVAILABILITY: "find a free dyno",
    Intent.CHECK_VEHICLE: "look up that vehicle",
    Intent.CANCEL: "cancel a booking",
    Intent.RESCHEDULE: "move a booking",
    Intent.CHANGE_STATUS: "change a booking's status",
    Intent.GET_BOOKING: "show a booking",
    Intent.DYNO_SCHEDULE: "show a dyno's schedule",
    Intent.UTILIZATION: "report utilisation",
    Intent.GET_DYNO: "show a dyno",
    Intent.TESTS_BY_STATUS: "list tests by status",
    Intent.COMMIT_PLAN: "commit a plan",
}


def _examples(context: AgentPromptContext) -> list[str]:
    test = context.test_types[0] if context.test_types else "brake"
    test = "brake" if "brake" in context.test_types else test
    dyno = context.dynos[0] if context.dynos else "MPG 3"
    return [
        f'**Book** a vehicle: "Book vehicle 5 for {a_test(test)} next Monday for 2 days"',
        f'**Find free dynos**: "Which dynos can do {a_test(test)} for a 4,800 lb AWD next week?"',
        '**Check a vehicle**: "Where is vehicle 42 booked?" or "check VIN 1FTFW1E50PFA12345"',
        f"**A dyno's schedule**: \"What's on {dyno} next week?\"",
        '**Cancel or move** a booking: "cancel booking 17", "move booking 17 to Friday"',
        '**Reports**: "any conflicts next week?", "maintenance on the 20th", '
        '"utilization in May", "show delayed tests", "how many tests are completed?"',
        f'**Dynos**: "list dynos", "tell me about {dyno}"',
        '**Plan** the open test requests at once: "plan the open forecast for the next '
        'quarter" (a preview), then "commit plan 3" to book it',
    ]


def capabilities(context: AgentPromptContext) -> str:
    return "Here is what I can do:\n" + "\n".join(f"- {line}" for line in _examples(context))


def help_reply(message: str, context: AgentPromptContext) -> str:
    lowered = message.lower()
    if re.search(r"\b(?:thanks|thank\s+you|thx|cheers)\b", lowered):
        return "You're welcome! Anything else about the dyno schedule?"
    if re.search(r"\b(?:bye|goodbye)\b", lowered):
        return "Goodbye!"
    lead = "I'm Dyno Agent, the lab's scheduling assistant (offline mode)."
    if _HELLO.search(lowered):
        lead = f"Hello! {lead}"
    return f"{lead}\n\n{capabilities(context)}"


def unknown_reply(context: AgentPromptContext) -> str:
    return f"Sorry, I didn't understand that.\n\n{capabilities(context)}"


def refusal(context: AgentPromptContext) -> str:
    return (
        "Sorry, I can't help with that. I only work on the lab's dyno schedule, one booking at a "
        "time: I don't change many bookings at once, run database changes, share credentials or "
        f"set my rules aside.\n\n{capabilities(context)}"
    )


def sql_out_of_scope(context: AgentPromptContext) -> str:
    return (
        "In offline mode I don't write database queries myself: write the SELECT statement "
        'yourself (for example "SELECT name, facility FROM dynos"), or ask one of the questions '
        f"below.\n\n{capabilities(context)}"
    )


def tool_unavailable(name: str) -> str:
    return f"I can't do that right now: the `{name}` tool is not available."


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.isoformat()}"


def _listed(ids: tuple[int, ...]) -> str:
    return ", ".join(str(i) for i in ids[:-1]) + f" and {ids[-1]}"


def one_at_a_time(p: ParsedRequest) -> str:
    """Several vehicles or bookings named where one call takes only one: ask, drop none."""
    e = p.entities
    named = (
        f"vehicles {_listed(e.vehicle_ids)}"
        if len(e.vehicle_ids) > 1
        else f"bookings {_listed(e.allocation_ids)}"
    )
    return f"You named {named}, but I can do this for one at a time. Which one should I start with?"


def _understood(p: ParsedRequest) -> str:
    e = p.entities
    parts: list[str] = []
    if len(e.allocation_ids) > 1:
        parts.append(f"bookings {_listed(e.allocation_ids)}")
    elif e.allocation_id is not None:
        parts.append(f"booking {e.allocation_id}")
    if len(e.vehicle_ids) > 1:
        parts.append(f"vehicles {_listed(e.vehicle_ids)}")
    elif e.vehicle_id is not None:
        parts.append(f"vehicle {e.vehicle_id}")
    elif e.vin:
        parts.append(f"VIN {text(e.vin)}")
    if e.test_type:
        parts.append(a_test(e.test_type))
    if e.dyno:
        parts.append(text(e.dyno))
    if e.weight_lbs:
        parts.append(f"{e.weight_lbs:,} lbs")
    if e.drive_type:
        parts.append(e.drive_type)
    if p.start_date:
        parts.append(f"from {_day(p.start_date)}")
    if p.days:
        parts.append(f"for {p.days} day{'s' if p.days != 1 else ''}")
    return f"So far: {', '.join(parts)}." if parts else ""


def _start_question(p: ParsedRequest, with_duration: bool) -> str:
    if p.intent is Intent.RESCHEDULE:
        return "What should the new start date be (e.g. next Monday or 2026-03-16)?"
    if p.intent in _WINDOW_INTENTS:
        return "For which dates (e.g. next week, March 10 to 14, or in May)?"
    if p.dates.end is not None:
        return f"You gave the end ({_day(p.dates.end)}); when should it start?"
    if with_duration:
        return "When should it start, and for how many days?"
    return "When should it start (e.g. next Monday or 2026-03-16)?"


def _questions(p: ParsedRequest, context: AgentPromptContext) -> list[str]:
    e = p.entities
    missing = list(p.missing)
    questions: list[str] = []
    for item in missing:
        if item == "vehicle":
            bad = f"{text(e.invalid_vin)} is not a valid VIN (17 letters and digits, no I/O/Q). "
            questions.append(
                (bad if e.invalid_vin else "")
                + "Which vehicle? Give its id (e.g. vehicle 42) or VIN."
            )
        elif item == "test_type":
            known = "; ".join(text(t) for t in context.test_types)
            unknown = f'I don\'t know a "{text(e.unknown_test_type)}" test. '
            question = (unknown if e.unknown_test_type else "") + "Which test type?"
            questions.append(f"{question} Known types: {known}." if known else question)
        elif item == "start_date":
            questions.append(_start_question(p, with_duration="duration" in missing))
        elif item == "duration" and "start_date" not in missing:
            questions.append("For how many days?")
        elif item == "end_date":
            questions.append("Until which date?")
        elif item == "allocation_id":
            question = "Which booking? Give its number (e.g. booking 17)."
            if e.vehicle_id is not None or e.vin:
                question += ' "Where is vehicle 42 booked?" lists a vehicle\'s bookings.'
            questions.append(question)
        elif item == "dyno":
            names = ", ".join(text(name) for name in context.dynos[:6])
            questions.append(f"Which dyno? For example {names}." if names else "Which dyno?")
        elif item == "status":
            questions.append(f"Which status: {_STATUSES}?")
        elif item == "weight":
            questions.append("What does the vehicle weigh (e.g. 4,800 lbs or 2,200 kg)?")
        elif item == "drive_type":
            questions.append("Which drive type: 2WD, AWD or 4WD?")
        elif item == "plan_id":
            questions.append(
                'Which plan? Give its number (e.g. plan 3); "plan the open requests" makes one.'
            )
    return questions


def clarifying_question(p: ParsedRequest, context: AgentPromptContext) -> str:
    """Ask for exactly what is missing (or what cannot be right), never guess it."""
    if "end_before_start" in p.problems and p.start_date and p.end_date:
        return (
            f"The end ({_day(p.end_date)}) is before the start ({_day(p.start_date)}). "
            "Which dates did you mean?"
        )
    questions = _questions(p, context)
    so_far = _understood(p)
    head = f"{so_far} " if so_far and p.intent in (Intent.BOOK, Intent.FIND_AVAILABILITY) else ""
    if len(questions) == 1:
        return head + questions[0]
    goal = _GOALS.get(p.intent, "do that")
    lines = "\n".join(f"- {question}" for question in questions)
    return f"{head}To {goal} I need a bit more:\n{lines}"
