"""Calendar arithmetic for the offline parser; every function takes `today` explicitly."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A date or month named without a year that fell this recently means the recent one.
RECENT_PAST_DAYS = 92


def month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS[key]


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def resolve_day_month(month: int, day: int, today: dt.date) -> dt.date | None:
    """A day and month without a year: the next occurrence on or after today, unless it fell in
    the last RECENT_PAST_DAYS days (then that recent one, so "Feb 27" never jumps a year)."""
    candidates = [
        d for y in range(today.year - 1, today.year + 5) if (d := safe_date(y, month, day))
    ]
    past = [d for d in candidates if d < today]
    if past and (today - past[-1]).days <= RECENT_PAST_DAYS:
        return past[-1]
    future = [d for d in candidates if d >= today]
    return future[0] if future else None


def resolve_month(month: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """A month without a year: this month, the coming one, or one that ended recently."""
    this_year = month_range(today.year, month)
    if this_year[1] >= today or (today - this_year[1]).days <= RECENT_PAST_DAYS:
        return this_year
    return month_range(today.year + 1, month)


def resolve_ordinal(day: int, today: dt.date) -> dt.date | None:
    """ "the 20th": this month unless already passed, else the next month that has that day."""
    for months in range(4):
        start = add_months(today.replace(day=1), months)
        candidate = safe_date(start.year, start.month, day)
        if candidate and candidate >= today:
            return candidate
    return None


def resolve_weekday(weekday: int, today: dt.date, modifier: str | None) -> dt.date:
    """`on`/no modifier: the first one after today; `this`: in this week (today counts) else the
    coming one; `next`: the one in next week; `last`: the latest before today."""
    ahead = (weekday - today.weekday()) % 7
    if modifier == "last":
        return today - dt.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if modifier == "next":
        return week_of(today)[0] + dt.timedelta(days=7 + weekday)
    if modifier == "this":
        return today + dt.timedelta(days=ahead)
    return today + dt.timedelta(days=ahead or 7)


def resolve_numeric(month: int, day: int, year: int | None, today: dt.date) -> dt.date | None:
    if year is None:
        return resolve_day_month(month, day, today)
    if year < 100:
        year += 2000
    return safe_date(year, month, day)
