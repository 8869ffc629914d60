"""Repeat patterns: read from plain words (English or German), turned into occurrence dates by
dateutil's rrule, and bounded by `DYNO_MAX_SERIES_OCCURRENCES`.

Understood: "every monday for 6 weeks", "every mon and thu for 4 weeks", "every 2 weeks, 5 times",
"first week of each month until 2026-12-31" (the week from the month's first Monday, 5 days
unless given), "first friday of each month for 6 months", "monthly 3 times", and in German
"jeden Montag für 4 Wochen", "alle 2 Wochen 5 mal", "erste Woche jedes Monats bis 2026-12-31",
"jeden ersten Freitag im Monat für 6 Monate". "N day(s) each" / "je N Tage" gives the length of
one occurrence.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, replace
from typing import Literal

from dateutil import rrule
from dateutil.relativedelta import relativedelta

from dyno_agent.config import get_settings
from dyno_agent.errors import InvalidPattern, SeriesTooLong

Frequency = Literal["weekly", "monthly"]
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RR_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_FIRST_WEEK_DAYS = 5  # "first week of each month": Monday to Friday unless a length is given

_WEEKDAYS: dict[str, int] = {}
for _i, _words in enumerate(
    (
        "monday mon montag montags",
        "tuesday tue tues dienstag dienstags",
        "wednesday wed mittwoch mittwochs",
        "thursday thu thur thurs donnerstag donnerstags",
        "friday fri freitag freitags",
        "saturday sat samstag samstags",
        "sunday sun sonntag sonntags",
    )
):
    for _word in _words.split():
        _WEEKDAYS[_word] = _i
        _WEEKDAYS.setdefault(_word + "s", _i)  # "mondays"
_ORDINALS = {
    "first": 1, "1st": 1, "erste": 1, "ersten": 1, "erster": 1, "1.": 1,
    "second": 2, "2nd": 2, "zweite": 2, "zweiten": 2, "2.": 2,
    "third": 3, "3rd": 3, "dritte": 3, "dritten": 3, "3.": 3,
    "fourth": 4, "4th": 4, "vierte": 4, "vierten": 4, "4.": 4,
    "last": -1, "letzte": -1, "letzten": -1,
}  # fmt: skip
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "ein": 1, "eine": 1, "einen": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "zwölf": 12, "zwoelf": 12,
}  # fmt: skip
_NUM = r"(\d{1,3}|" + "|".join(_NUMBERS) + r")"
_WEEK = r"(?:weeks?|wochen?)"
_MONTH = r"(?:months?|monate?n?|monats?)"
_DAY = r"(?:days?|tage?n?)"
_ORD = "(" + "|".join(re.escape(k) for k in _ORDINALS) + ")"
_DAY_NAME = "(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_LENGTH = re.compile(rf" (?:je |jeweils )?{_NUM} {_DAY}(?: each| per occurrence| lang| jeweils)? ")


@dataclass(frozen=True)
class Pattern:
    """A repeat rule: weekly (on `weekdays`, every `interval` weeks) or monthly (on the `nth`
    weekday, or the start's day of the month), bounded by `count`, `until`, or a span."""

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # 0 = Monday; weekly with none: the start's weekday
    nth: int | None = None  # monthly: the nth (1-4, -1 = last) of `weekdays` in the month
    count: int | None = None
    until: dt.date | None = None
    weeks: int | None = None  # "for 6 weeks"
    months: int | None = None  # "for 6 months"
    days: int | None = None  # "1 day each": the length of one occurrence
    first_week: bool = False  # "first week of each month"

    def end(self, start: dt.date) -> dt.date | None:
        """The last day an occurrence may start on (None: bounded by `count` only)."""
        ends = [self.until] if self.until else []
        if self.weeks:
            ends.append(start + dt.timedelta(weeks=self.weeks, days=-1))
        if self.months:
            ends.append(start + relativedelta(months=self.months, days=-1))
        return min(ends) if ends else None

    def rule(self, start: dt.date) -> rrule.rrule:
        if self.count is None and self.end(start) is None:
            raise InvalidPattern(
                "Say how long the series runs: a number of times (e.g. '6 times'), a span "
                "('for 6 weeks') or an end date ('until 2026-06-30').",
                field="pattern",
            )
        end = self.end(start)
        byweekday = [_RR_DAYS[d] for d in self.weekdays] or None
        if self.frequency == "monthly" and self.nth is not None:
            byweekday = [_RR_DAYS[d](self.nth) for d in self.weekdays or (0,)]
        return rrule.rrule(
            rrule.WEEKLY if self.frequency == "weekly" else rrule.MONTHLY,
            dtstart=dt.datetime.combine(start, dt.time()),
            interval=self.interval,
            byweekday=byweekday,
            count=self.count,
            until=dt.datetime.combine(end, dt.time()) if end else None,
        )

    def describe(self) -> str:
        """The pattern in plain English, e.g. 'every Monday for 6 weeks'."""
        names = " and ".join(WEEKDAY_NAMES[d].title() for d in self.weekdays)
        if self.first_week:
            text = "first week of each month"
        elif self.frequency == "monthly" and self.nth is not None:
            ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[self.nth]
            text = f"{ordinal} {names or 'Monday'} of each month"
        elif self.frequency == "monthly":
            text = "every month" if self.interval == 1 else f"every {self.interval} months"
        else:
            every = "every" if self.interval == 1 else f"every {self.interval} weeks on"
            text = (
                f"{every} {names}"
                if names
                else ("every week" if self.interval == 1 else f"every {self.interval} weeks")
            )
        if self.weeks:
            text += f" for {self.weeks} week(s)"
        if self.months:
            text += f" for {self.months} month(s)"
        if self.count:
            text += f", {self.count} times"
        if self.until:
            text += f" until {self.until.isoformat()}"
        return text


def occurrence_dates(pattern: Pattern, start: dt.date) -> list[dt.date]:
    """The start days of the occurrences from `start` on; at most DYNO_MAX_SERIES_OCCURRENCES."""
    limit = get_settings().max_series_occurrences
    if pattern.count is not None and pattern.count > limit:
        raise SeriesTooLong(
            f"A series can have at most {limit} occurrences; this one asks for {pattern.count}.",
            field="pattern",
            max_occurrences=limit,
        )
    dates = [d.date() for d in itertools.islice(pattern.rule(start), limit + 1)]
    if len(dates) > limit:
        raise SeriesTooLong(
            f"A series can have at most {limit} occurrences; this pattern gives more. Shorten "
            "it (fewer weeks, an earlier end date or a count).",
            field="pattern",
            max_occurrences=limit,
        )
    if not dates:
        raise InvalidPattern(
            f"The pattern '{pattern.describe()}' gives no date from {start} on.", field="pattern"
        )
    return dates


def occurrence_length(pattern: Pattern, days: int | None) -> int:
    """Days of one occurrence: as given, as the pattern says, 5 for 'first week', else 1."""
    if days is not None:
        return days
    if pattern.days is not None:
        return pattern.days
    return _FIRST_WEEK_DAYS if pattern.first_week else 1


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def parse_pattern(text: str) -> Pattern:
    """Read a repeat pattern from plain words; InvalidPattern (422) says what is missing."""
    words = " " + re.sub(r"[,;]", " ", text.lower()) + " "
    words = re.sub(r"\s+", " ", words)
    days = _LENGTH.search(words)
    if days:
        words = words.replace(days.group(0), " ")
    count = re.search(rf" {_NUM} ?(?:times|x|mal|occurrences?|termine?) ", words)
    until = re.search(r" (?:until|till|through|bis(?: zum)?) (\d{4}-\d{2}-\d{2}) ", words)
    interval = re.search(
        rf" (?:every|alle|jede[nr]?) {_NUM}(?:\.|th|nd|rd)? ({_WEEK}|{_MONTH})", words
    )
    other = re.search(r" (?:every other|jede[nr]? zweite[nr]?) (week|woche|month|monat)", words)
    weeks = _span(_WEEK, words, interval)
    months = _span(_MONTH, words, interval)
    nth = re.search(rf" {_ORD} {_DAY_NAME}", words)
    first_week = re.search(rf" {_ORD} {_WEEK}", words)
    monthly = re.search(
        r"(?: of (?:each|every|the) month| each month| every month| monthly| a month"
        r"| im monat| jede[ns]? monats?| monatlich| des monats| pro monat)",
        words,
    )
    until_day = _day(until.group(1)) if until else None
    weekdays = _weekdays(words)
    pattern = Pattern(
        "weekly",
        count=_number(count.group(1)) if count else None,
        until=until_day,
        weeks=weeks,
        months=months,
        days=_number(days.group(1)) if days else None,
    )
    if first_week and _ORDINALS[first_week.group(1)] == 1 and (monthly or pattern.months):
        return replace(pattern, frequency="monthly", nth=1, weekdays=(0,), first_week=True)
    if nth and (monthly or pattern.months):
        return replace(
            pattern,
            frequency="monthly",
            nth=_ORDINALS[nth.group(1)],
            weekdays=(_WEEKDAYS[nth.group(2)],),
        )
    if interval:
        step = _number(interval.group(1))
        unit: Frequency = "monthly" if re.fullmatch(_MONTH, interval.group(2)) else "weekly"
        return replace(pattern, frequency=unit, interval=step, weekdays=weekdays)
    if other:
        unit = "monthly" if other.group(1) in ("month", "monat") else "weekly"
        return replace(pattern, frequency=unit, interval=2, weekdays=weekdays)
    if monthly:
        return replace(pattern, frequency="monthly")
    if weekdays or re.search(
        r" (?:every|each|jede[nrs]?) (?:week|woche)|weekly|wöchentlich", words
    ):
        return replace(pattern, weekdays=weekdays)
    raise InvalidPattern(
        f"I could not read a repeat pattern from '{text.strip()}'. Try 'every monday for 6 "
        "weeks', 'every 2 weeks 5 times' or 'first week of each month until 2026-12-31'.",
        field="pattern",
    )


def _span(unit: str, words: str, interval: re.Match[str] | None) -> int | None:
    """The N of 'for N weeks' (or months), not counting the N of 'every N weeks'."""
    for match in re.finditer(rf" (?:for |für |fuer |über )?(?:the next )?{_NUM} {unit}\b", words):
        if interval is None or not interval.start() <= match.start() < interval.end():
            return _number(match.group(1))
    return None


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidPattern(f"'{text}' is not a date.", field="pattern") from None


def _weekdays(words: str) -> tuple[int, ...]:
    found = re.findall(rf"(?<=[ /]){_DAY_NAME}(?=[ /])", words)
    return tuple(sorted({_WEEKDAYS[w] for w in found}))
