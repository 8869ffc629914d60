"""Fixed replies of the offline model: help, refusals, questions for what a request lacks.

The texts are in `catalogue`, in the language of the request (`messages.say`)."""

from __future__ import annotations

import datetime as dt
import re

from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.markdown import text
from dyno_agent.agent.offline.messages import count, listed, say, test_phrase
from dyno_agent.agent.offline.messages import day as day_name
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.prompts import AgentPromptContext

_HELLO = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening)|hallo|servus|moin|"
    r"guten\s+(?:morgen|tag|abend)|hola|buen[oa]s\s+(?:d[ií]as|tardes)|ol[áa]|oi|bom\s+dia|"
    r"boa\s+tarde|bonjour|bonsoir|salut)\b"
)
_THANKS = re.compile(
    r"\b(?:thanks|thank\s+you|thx|cheers|danke|vielen\s+dank|gracias|obrigad[oa]|valeu|merci)\b"
)
_BYE = re.compile(r"\b(?:bye|goodbye|tschüss|auf\s+wiedersehen|adi[óo]s|tchau|au\s+revoir)\b")
_WINDOW_INTENTS = {Intent.DYNO_SCHEDULE, Intent.UTILIZATION, Intent.FIND_AVAILABILITY}
_GOALS = {
    Intent.BOOK, Intent.FIND_AVAILABILITY, Intent.CHECK_VEHICLE, Intent.CANCEL,
    Intent.RESCHEDULE, Intent.CHANGE_STATUS, Intent.GET_BOOKING, Intent.DYNO_SCHEDULE,
    Intent.UTILIZATION, Intent.GET_DYNO, Intent.TESTS_BY_STATUS, Intent.COMMIT_PLAN,
    Intent.BOOK_SERIES, Intent.CANCEL_SERIES, Intent.MOVE_SERIES,
}  # fmt: skip


def _examples(context: AgentPromptContext) -> list[str]:
    test = context.test_types[0] if context.test_types else "brake"
    test = "brake" if "brake" in context.test_types else test
    dyno = context.dynos[0] if context.dynos else "MPG 3"
    return [
        say("example.book", test=test_phrase(test)),
        say("example.find", test=test_phrase(test)),
        say("example.check"),
        say("example.schedule", dyno=dyno),
        say("example.change"),
        say("example.reports"),
        say("example.dynos", dyno=dyno),
        say("example.plan"),
    ]


def capabilities(context: AgentPromptContext) -> str:
    return say("capabilities") + "\n" + "\n".join(f"- {line}" for line in _examples(context))


def help_reply(message: str, context: AgentPromptContext) -> str:
    lowered = message.lower()
    if _THANKS.search(lowered):
        return say("thanks")
    if _BYE.search(lowered):
        return say("bye")
    lead = say("intro")
    if _HELLO.search(lowered):
        lead = say("hello", lead=lead)
    return f"{lead}\n\n{capabilities(context)}"


def unknown_reply(context: AgentPromptContext) -> str:
    return say("unknown", capabilities=capabilities(context))


def refusal(context: AgentPromptContext) -> str:
    return say("refusal", capabilities=capabilities(context))


def sql_out_of_scope(context: AgentPromptContext) -> str:
    return say("sql_out_of_scope", capabilities=capabilities(context))


def tool_unavailable(name: str) -> str:
    return say("tool_unavailable", name=name)


def didnt_catch(question: str) -> str:
    return say("q.didnt_catch", question=question)


def _day(date: dt.date) -> str:
    return day_name(date)


def one_at_a_time(p: ParsedRequest) -> str:
    """Several vehicles or bookings named where one call takes only one: ask, drop none."""
    e = p.entities
    named = (
        say("vehicles_n", ids=listed(e.vehicle_ids))
        if len(e.vehicle_ids) > 1
        else say("bookings_n", ids=listed(e.allocation_ids))
    )
    return say("one_at_a_time", named=named)


def _understood(p: ParsedRequest) -> str:
    e = p.entities
    parts: list[str] = []
    if len(e.allocation_ids) > 1:
        parts.append(say("bookings_n", ids=listed(e.allocation_ids)))
    elif e.allocation_id is not None:
        parts.append(say("booking_n", id=e.allocation_id))
    if len(e.vehicle_ids) > 1:
        parts.append(say("vehicles_n", ids=listed(e.vehicle_ids)))
    elif e.vehicle_id is not None:
        parts.append(say("vehicle_n", id=e.vehicle_id))
    elif e.vin:
        parts.append(f"VIN {text(e.vin)}")
    if e.test_type:
        parts.append(test_phrase(e.test_type))
    if e.dyno:
        parts.append(text(e.dyno))
    if e.weight_lbs:
        parts.append(f"{e.weight_lbs:,} lbs")
    if e.drive_type:
        parts.append(e.drive_type)
    if p.start_date:
        parts.append(say("from_day", day=_day(p.start_date)))
    if p.days:
        parts.append(say("for_days", days=count(p.days, "day")))
    return say("so_far", parts=", ".join(parts)) if parts else ""


def _start_question(p: ParsedRequest, with_duration: bool) -> str:
    if p.intent is Intent.RESCHEDULE:
        return say("q.new_start")
    if p.intent in _WINDOW_INTENTS:
        return say("q.window")
    if p.dates.end is not None:
        return say("q.start_given_end", day=_day(p.dates.end))
    if with_duration:
        return say("q.start_and_days")
    return say("q.start")


def _questions(p: ParsedRequest, context: AgentPromptContext) -> list[str]:
    e = p.entities
    missing = list(p.missing)
    questions: list[str] = []
    for item in missing:
        if item == "vehicle":
            bad = say("q.invalid_vin", vin=text(e.invalid_vin)) if e.invalid_vin else ""
            questions.append(bad + say("q.vehicle"))
        elif item == "test_type":
            known = "; ".join(text(t) for t in context.test_types)
            unknown = say("q.unknown_test", name=text(e.unknown_test_type))
            question = (unknown if e.unknown_test_type else "") + say("q.test_type")
            questions.append(
                say("q.known_types", question=question, known=known) if known else question
            )
        elif item == "start_date":
            questions.append(_start_question(p, with_duration="duration" in missing))
        elif item == "duration" and "start_date" not in missing:
            questions.append(say("q.days"))
        elif item == "end_date":
            questions.append(say("q.end"))
        elif item == "allocation_id":
            question = say("q.booking")
            if e.vehicle_id is not None or e.vin:
                question += say("q.booking_hint")
            questions.append(question)
        elif item == "dyno":
            names = ", ".join(text(name) for name in context.dynos[:6])
            questions.append(say("q.dyno_names", names=names) if names else say("q.dyno"))
        elif item == "status":
            questions.append(say("q.status", statuses=say("statuses")))
        elif item == "weight":
            questions.append(say("q.weight"))
        elif item == "drive_type":
            questions.append(say("q.drive"))
        elif item == "plan_id":
            questions.append(say("q.plan"))
        elif item in ("series_id", "shift"):
            questions.append(say(f"q.{item}"))
    return questions


def clarifying_question(p: ParsedRequest, context: AgentPromptContext) -> str:
    """Ask for exactly what is missing (or what cannot be right), never guess it."""
    if "end_before_start" in p.problems and p.start_date and p.end_date:
        return say("q.end_before_start", end=_day(p.end_date), start=_day(p.start_date))
    questions = _questions(p, context)
    so_far = _understood(p)
    head = f"{so_far} " if so_far and p.intent in (Intent.BOOK, Intent.FIND_AVAILABILITY) else ""
    if len(questions) == 1:
        return head + questions[0]
    goal = say(f"goal.{p.intent.value}" if p.intent in _GOALS else "goal.other")
    lines = "\n".join(f"- {question}" for question in questions)
    return say("q.need_more", head=head, goal=goal, lines=lines)
