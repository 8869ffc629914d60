"""Before a booking on a date or duration read from vague words: restate what was read and ask
("I read 'early May' as 2026-05-01 to 2026-05-10 ... book vehicle 10 then?"). A "yes" makes the
proposed calls; another date or length replaces the vague one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dyno_agent.agent.offline.dialogue import BOOKING_TOOLS
from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.markdown import a_test, text
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.offline.text import normalize
from dyno_agent.agent.offline.vague import inferred


@dataclass(frozen=True)
class Restatement:
    question: str
    pending: str  # the request without its vague words, for an answer that replaces them
    proposal: dict[str, Any]


def _days(n: int | None) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _who(args: dict[str, Any]) -> str:
    if args.get("vehicle_id") is not None:
        return f"vehicle {args['vehicle_id']}"
    return f"VIN {text(args.get('vin'))}" if args.get("vin") else "it"


def _without(request: str, phrases: Sequence[str]) -> str:
    for phrase in phrases:
        request = request.replace(phrase, " ")
    return re.sub(r"\s+", " ", request).strip()


def restatement(
    p: ParsedRequest, planned: Sequence[tuple[str, dict[str, Any]]]
) -> Restatement | None:
    """The question to ask before booking, or None when every date and length was exact."""
    if p.intent is not Intent.BOOK or p.start_date is None:
        return None
    if any(name not in BOOKING_TOOLS for name, _ in planned):
        return None
    vague = inferred(p)
    if not vague:
        return None
    read: list[str] = []
    if vague.date_phrase:
        window = p.start_date.isoformat()
        if p.dates.start and p.dates.end and p.dates.end != p.dates.start:
            window = f"{p.dates.start.isoformat()} to {p.dates.end.isoformat()}"
        read.append(f"'{text(vague.date_phrase)}' as {window}")
    if vague.duration_phrase:
        read.append(f"'{text(vague.duration_phrase)}' as {_days(p.days)}")
    whom = " and ".join(_who(args) for _, args in planned)
    test = a_test(p.entities.test_type) if p.entities.test_type else "the test"
    question = (
        f"I read {' and '.join(read)}. Shall I book {whom} for {test} starting "
        f"{p.start_date:%A} {p.start_date.isoformat()} for {_days(p.days)}? "
        "Say yes, or give the exact date and length."
    )
    phrases = [x for x in (vague.date_phrase, vague.duration_phrase) if x]
    proposal = {"calls": [{"name": name, "args": args} for name, args in planned]}
    return Restatement(question, _without(normalize(p.text), phrases), proposal)
