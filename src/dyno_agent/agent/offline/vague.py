"""Never book on a guessed date: which dates and durations of a booking were inferred from vague
words, decided from what the parsers returned (a named period such as "early May", "next week",
"H2"; a phrase with a vague amount such as "a couple of days"; a hedge before the date such as
"sometime", "around"). Exact words ("next Monday", "tomorrow", "on 9 March", "in three days")
are not vague. The word lists are data, one place to extend."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dyno_agent.agent.offline.durations import find_duration
from dyno_agent.agent.offline.parse import ParsedRequest
from dyno_agent.agent.offline.text import mask, normalize

# Amounts that name no number of days.
VAGUE_AMOUNTS = (
    "couple", "few", "several", "some", "a while",
    "paar", "einige", "unos", "unas", "algunos", "algunas", "uns", "umas", "alguns", "algumas",
    "quelques", "plusieurs",
)  # fmt: skip
# Words before a date that make it approximate.
HEDGES = (
    "sometime", "some time", "around", "about", "roughly", "approximately", "approx", "circa",
    "or so", "ish", "irgendwann", "etwa", "ungefähr", "gegen", "alrededor de", "hacia",
    "por volta de", "lá para", "vers", "environ", "aux alentours de",
)  # fmt: skip
_HEDGE_BEFORE = re.compile(
    r"(?:^|\W)(?:" + "|".join(re.escape(h) for h in HEDGES) + r")\W*(?:(?:the|on|in|of)\s+)?$",
    re.IGNORECASE,
)
_HEDGE_AFTER = re.compile(r"^\s*(?:-?ish|or\s+so)\b", re.IGNORECASE)
_VAGUE_AMOUNT = re.compile(
    r"\b(?:" + "|".join(re.escape(a) for a in VAGUE_AMOUNTS) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Inferred:
    """The vague phrases of a request, in the user's words."""

    date_phrase: str | None = None
    duration_phrase: str | None = None

    def __bool__(self) -> bool:
        return bool(self.date_phrase or self.duration_phrase)


def _date_is_vague(p: ParsedRequest, text: str) -> bool:
    if not p.dates.spans:
        return False
    start, end = p.dates.spans[0][0], p.dates.spans[-1][1]
    if p.dates.period or _VAGUE_AMOUNT.search(p.dates.phrase):
        return True
    return bool(_HEDGE_BEFORE.search(text[max(0, start - 30) : start])) or bool(
        _HEDGE_AFTER.match(text[end:])
    )


def inferred(p: ParsedRequest) -> Inferred:
    """What of a booking request was read from vague words; empty when it is all exact."""
    text = normalize(p.text)
    date_phrase = p.dates.phrase if _date_is_vague(p, text) else None
    duration = find_duration(mask(text, list(p.dates.spans)))
    duration_phrase = None
    if duration is not None:
        phrase = text[duration[1][0] : duration[1][1]]
        duration_phrase = phrase if _VAGUE_AMOUNT.search(phrase) else None
    return Inferred(date_phrase, duration_phrase)
