"""Find date phrases in text: each becomes a DateToken (a day, or a range) with its span."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dyno_agent.agent.offline import datemath as cal
from dyno_agent.agent.offline.text import MAX_DAYS, NUMBER, pick_longest, to_int

Kind = Literal["date", "weekday", "range", "period"]
Roll = Literal["year", "month", "week"]


@dataclass(frozen=True)
class DateToken:
    start: int
    end: int
    first: dt.date
    last: dt.date | None = None
    kind: Kind = "date"
    roll: Roll | None = None  # how to move an end that lands before a start


_I = re.IGNORECASE
_FULL_MONTH = "|".join(sorted(cal.MONTHS, key=len, reverse=True))
_MONTH = "|".join(sorted([*cal.MONTHS, *cal.MONTH_ABBREVIATIONS], key=len, reverse=True))
_WEEKDAY = "|".join(cal.WEEKDAYS)
_TO = r"\s*(?:-|to|through|thru|until|till)\s*(?:the\s+)?"
_SUFFIX = r"(?:st|nd|rd|th)"
_DAY = rf"(?P<d>[0-3]?\d){_SUFFIX}?"
_DAY2 = rf"(?:{_TO}(?P<d2>[0-3]?\d){_SUFFIX}?)"
_NUM_END = r"(?![\w/]|[.,]\d)"
_YEAR = r"(?:(?:,\s*|\s+)(?P<y>20\d\d)(?!\s*(?:lbs?|pounds|kg|k)\b))"
_ID_BEFORE = re.compile(
    r"(?:vehicle|car|truck|booking|allocation|reservation|dyno|id|no\.?|number|#)\s*$", _I
)
_AMBIGUOUS_MONTHS = {"may", "march", "mar"}
_MONTH_CUE = re.compile(
    r"(?:\b(?:in|during|for|throughout|of|through|thru|until|till|by|from|to|next|this|early|"
    r"late|mid|all|between|and|on|since|before|after)[\s-]+)$",
    _I,
)
_PRONOUN_AFTER = re.compile(r"^\s+(?:i|we|you|he|she|they|it)\b", _I)

Finder = Callable[[re.Match[str], dt.date, str], DateToken | None]
_FINDERS: list[tuple[re.Pattern[str], int, Finder]] = []


def finder(pattern: str, priority: int) -> Callable[[Finder], Finder]:
    def register(function: Finder) -> Finder:
        _FINDERS.append((re.compile(pattern, _I), priority, function))
        return function

    return register


def find_date_tokens(text: str, today: dt.date) -> list[DateToken]:
    """All date phrases in text order; overlapping candidates resolved longest first."""
    candidates = [
        (token.start, token.end, priority, token)
        for pattern, priority, function in _FINDERS
        for match in pattern.finditer(text)
        if (token := function(match, today, text)) is not None
    ]
    return [token for _, _, token in pick_longest(candidates)]  # type: ignore[misc]


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.start(), m.end()


def _ambiguous_month_ok(m: re.Match[str], text: str) -> bool:
    word = m.group("m")
    if word.lower().rstrip(".") not in _AMBIGUOUS_MONTHS:
        return True
    if _MONTH_CUE.search(text[: m.start("m")]) or m.groupdict().get("y"):
        return True
    return word[0].isupper() and not _PRONOUN_AFTER.match(text[m.end("m") :])


def _with_range(
    m: re.Match[str], first: dt.date | None, roll: Literal["year", "month"]
) -> DateToken | None:
    """A day with an optional second day: "March 10-14"; "March 30-2" runs into April."""
    if first is None:
        return None
    if not m.groupdict().get("d2"):
        return DateToken(*_span(m), first, None, "date", roll)
    month = first if int(m["d2"]) >= first.day else cal.add_months(first.replace(day=1), 1)
    last = cal.safe_date(month.year, month.month, int(m["d2"]))
    return DateToken(*_span(m), first, last, "range", roll) if last else None


@finder(
    rf"(?<![\w/.])(?P<y>(?:19|20|21)\d\d)[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_NUM_END}", 0
)
def _iso(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    day = cal.safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return DateToken(*_span(m), day) if day else None


@finder(
    rf"(?<![\w/.#])(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})(?:/(?P<y>(?:19|20|21)\d\d|\d\d))?{_NUM_END}", 0
)
def _us_numeric(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    year = int(m["y"]) if m["y"] else None
    day = cal.resolve_numeric(int(m["m"]), int(m["d"]), year, today)
    return DateToken(*_span(m), day, roll=None if year else "year") if day else None


# At most a few spaces between month and day: a longer run is a masked word ("march brake 2").
@finder(rf"\b(?P<m>{_MONTH})\b\.?\s{{0,3}}(?:the\s+)?{_DAY}{_DAY2}?{_YEAR}?{_NUM_END}", 0)
def _month_day(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    month, day = cal.month_number(m["m"]), int(m["d"])
    first = (
        cal.safe_date(int(m["y"]), month, day)
        if m["y"]
        else cal.resolve_day_month(month, day, today)
    )
    return _with_range(m, first, "year")


@finder(rf"(?<![\w/.,#-])(?:the\s+)?{_DAY}{_DAY2}?\s+(?:of\s+)?(?P<m>{_MONTH})\b\.?{_YEAR}?", 1)
def _day_month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    if _ID_BEFORE.search(text[: m.start()]) or _PRONOUN_AFTER.match(text[m.end("m") :]):
        return None  # "vehicle 9 march", "2 may we"; a day before the month is cue enough
    return _month_day(m, today, text)


@finder(rf"\b(?P<m>{_FULL_MONTH}|sept)\b(?:\s+(?P<y>20\d\d)\b)?(?!\.?\s*\d)", 3)
def _month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    if not _ambiguous_month_ok(m, text):
        return None
    month = cal.month_number(m["m"])
    first, last = cal.month_range(int(m["y"]), month) if m["y"] else cal.resolve_month(month, today)
    return DateToken(*_span(m), first, last, "period")


@finder(
    rf"(?<![\w/.#-])(?:the\s+)?(?P<d>[0-3]?\d){_SUFFIX}\b(?:{_TO}(?P<d2>[0-3]?\d){_SUFFIX}\b)?", 2
)
def _ordinal(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    return _with_range(m, cal.resolve_ordinal(int(m["d"]), today), "month")


@finder(
    rf"\b(?:(?P<mod>next|this\s+coming|this|coming|on|last)\s+)?(?P<w>{_WEEKDAY})\b"
    r"(?:\s+(?P<wk>next|this|last)\s+week\b)?",
    2,
)
def _weekday(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    modifier = (m["wk"] or m["mod"] or "").lower()
    modifier = modifier if modifier in ("next", "this", "last") else None
    day = cal.resolve_weekday(cal.WEEKDAYS.index(m["w"].lower()), today, modifier)
    return DateToken(*_span(m), day, kind="weekday", roll="week")


@finder(r"\b(?P<mod>next|this|last|current|the\s+following|the\s+current)\s+(?P<u>week|month)\b", 2)
def _period(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    mod = m["mod"].lower()
    shift = 1 if mod in ("next", "the following") else -1 if mod == "last" else 0
    if m["u"].lower() == "week":
        first, last = cal.week_of(today + dt.timedelta(weeks=shift))
    else:
        start = cal.add_months(today.replace(day=1), shift)
        first, last = cal.month_range(start.year, start.month)
    return DateToken(*_span(m), first, last, "period")


@finder(r"\b(?:the\s+)?week\s+after\s+next\b", 2)
def _week_after_next(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    first, last = cal.week_of(today + dt.timedelta(weeks=2))
    return DateToken(*_span(m), first, last, "period")


_UNIT = r"(?P<u>days?|weeks?|fortnights?|months?)"


def _offset(today: dt.date, amount: int | None, unit: str) -> dt.date | None:
    unit = unit.lower().rstrip("s")
    days = (
        None if amount is None else amount * {"month": 31, "week": 7, "fortnight": 14}.get(unit, 1)
    )
    if days is None or days > MAX_DAYS:
        return None
    if unit == "month":
        return cal.add_months(today, amount or 0)
    return today + dt.timedelta(days=days)


@finder(
    rf"\b(?:(?:in|within|over|during|for)\s+)?(?:the\s+)?(?:next|coming)\s+(?P<n>{NUMBER})\s+"
    rf"(?P<u>days|weeks)\b|\bwithin\s+(?P<n2>{NUMBER})\s+(?P<u2>days?|weeks?)\b",
    2,
)
def _next_n(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    after = _offset(today, to_int(m["n"] or m["n2"]), m["u"] or m["u2"])
    if after is None or after <= today:
        return None
    last = after - dt.timedelta(days=1)
    # "for the next 3 days" is three days from today; "in the next 2 weeks" is a window
    kind: Kind = "range" if m[0].lower().startswith("for") else "period"
    return DateToken(*_span(m), today, last, kind)


# Registers the multilingual (dateparser) finders and the exact rules for parts of a month,
# halves and quarters; imported last because it uses `finder`.
from dyno_agent.agent.offline import date_words as _date_words  # noqa: E402,F401
