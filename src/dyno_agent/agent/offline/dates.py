"""`extract_dates`: the date, range or open end a request talks about, never a guessed one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dyno_agent.agent.offline import datemath as cal
from dyno_agent.agent.offline.date_tokens import DateToken, find_date_tokens
from dyno_agent.agent.offline.text import Span, normalize

_I = re.IGNORECASE
_CONNECTOR = re.compile(
    r"^\s*(?:-|to|until|till|through|thru|and|up\s+to|bis|al|hasta|at[ée]|au|jusqu'au)\s*$", _I
)
_CUE = re.compile(
    r"\b(from|starting(?:\s+on)?|start(?:ing)?|beginning|on|after|to|until|till|through|thru|"
    r"by|before|ending|end(?:ing)?\s+on|between|no\s+later\s+than)\s+$",
    _I,
)
_END_CUES = {"until", "till", "through", "thru", "by", "before", "ending", "no later than"}
_WEEK_OF = re.compile(r"\b(?:the\s+)?week\s+(?:of|starting|beginning)\s+(?:on\s+)?$", _I)
_ADJACENT = re.compile(r"^[\s,]*(?:the\s+)?$", _I)


@dataclass(frozen=True)
class DateSpec:
    """What the text says about dates. `end` is inclusive; `period` marks a named week or month
    ("next week", "in May") as opposed to explicit days; cues are the words before each end."""

    start: dt.date | None = None
    end: dt.date | None = None
    period: bool = False
    start_cue: str | None = None
    end_cue: str | None = None
    phrase: str = ""
    spans: tuple[Span, ...] = ()

    @property
    def is_range(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def span_days(self) -> int | None:
        """Inclusive length of an explicit range ("March 10-14" -> 5); None for a named period."""
        if self.start is None or self.end is None or self.period:
            return None
        return (self.end - self.start).days + 1


def extract_dates(text: str, today: dt.date) -> DateSpec:
    text = normalize(text)
    return combine(text, find_date_tokens(text, today))


def _cue(text: str, token: DateToken) -> str | None:
    match = _CUE.search(text[: token.start])
    return re.sub(r"\s+", " ", match.group(1).lower()) if match else None


def _merge(text: str, tokens: list[DateToken]) -> list[DateToken]:
    """Drop a weekday written before its date ("Monday, March 9"); widen "the week of X"."""
    merged: list[DateToken] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.kind == "weekday"
            and following is not None
            and following.kind != "weekday"
            and _ADJACENT.match(text[token.end : following.start])
        ):
            continue
        week = _WEEK_OF.search(text[: token.start])
        if week and token.last is None:
            first, last = cal.week_of(token.first)
            token = DateToken(week.start(), token.end, first, last, "period")
        merged.append(token)
    return merged


def _roll_forward(start: dt.date, end: DateToken) -> dt.date:
    """An end without a year, month or week that lands before its start belongs to the next one
    ("Dec 28 - Jan 3", "the 28th to the 3rd", "Friday to Tuesday")."""
    day = end.last or end.first
    for step in range(1, 13):
        if day >= start or end.roll is None:
            break
        if end.roll == "week":
            day += dt.timedelta(days=7)
        elif end.roll == "year":
            day = cal.safe_date(day.year + 1, day.month, day.day) or day
        else:
            day = (
                cal.resolve_ordinal(day.day, cal.add_months(start.replace(day=1), step - 1)) or day
            )
    return day


def combine(text: str, tokens: list[DateToken]) -> DateSpec:
    """The first date phrase gives the start (or the end, after "until"/"by"); a second one joined
    by "to", "-", "until", "between ... and" gives the end. Later phrases are ignored."""
    tokens = _merge(text, tokens)
    if not tokens:
        return DateSpec()
    first = tokens[0]
    cue = _cue(text, first)
    used = [first]
    if cue in _END_CUES and first.last is None:
        spec = DateSpec(end=first.first, end_cue=cue)
    else:
        spec = DateSpec(first.first, first.last, first.kind == "period", start_cue=cue)
    if len(tokens) > 1 and spec.start is not None:
        second = tokens[1]
        between = text[first.end : second.start]
        second_cue = _cue(text, second)
        joined = _CONNECTOR.match(between) and (
            between.strip().lower() != "and" or cue == "between"
        )
        if joined or (second_cue in _END_CUES | {"to"} and spec.end is None):
            used.append(second)
            end = _roll_forward(spec.start, second)
            spec = DateSpec(
                spec.start,
                end,
                period=False,
                start_cue=cue,
                end_cue=second_cue or between.strip().lower(),
            )
    start, stop = used[0].start, used[-1].end
    return DateSpec(
        spec.start,
        spec.end,
        spec.period,
        spec.start_cue,
        spec.end_cue,
        text[start:stop],
        tuple((t.start, t.end) for t in used),
    )
