"""Booking windows: whole days, inclusive. Validation shared by search, booking and moves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dyno_agent.config import get_settings
from dyno_agent.errors import InvalidInput
from dyno_agent.inputs import MAX_DATE, MIN_DATE, RANGE_MESSAGE
from dyno_agent.scheduling import clock


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, days: int) -> Window:
        delta = dt.timedelta(days=days)
        return Window(self.start + delta, self.end + delta)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return start <= self.end and end >= self.start


def booking_window(
    start_date: dt.date,
    *,
    days: int | None = None,
    end_date: dt.date | None = None,
    allow_past: bool = False,
) -> Window:
    """A validated window from a start and either a day count or an inclusive end date."""
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        if day is not None and not MIN_DATE <= day <= MAX_DATE:
            raise InvalidInput(f"{name} {RANGE_MESSAGE}.", field=name, value=day.isoformat())
    if days is None and end_date is None:
        raise InvalidInput("Give days_to_complete or end_date.", field="days_to_complete")
    if days is not None:
        if days < 1:
            raise InvalidInput("days_to_complete must be at least 1.", field="days_to_complete")
        computed_end = start_date + dt.timedelta(days=days - 1)
        if end_date is not None and end_date != computed_end:
            raise InvalidInput(
                f"end_date {end_date} does not match {days} day(s) from {start_date}.",
                field="end_date",
            )
        end_date = computed_end
    assert end_date is not None
    if end_date < start_date:
        raise InvalidInput(
            f"end_date {end_date} is before start_date {start_date}.", field="end_date"
        )
    window = Window(start_date, end_date)
    limit = get_settings().max_booking_days
    if window.days > limit:
        raise InvalidInput(
            f"A booking can last at most {limit} days; this one is {window.days}.",
            field="days_to_complete",
            max_days=limit,
        )
    today = clock.today()
    if not allow_past and start_date < today:
        raise InvalidInput(
            f"start_date {start_date} is in the past (today is {today}).",
            field="start_date",
            today=today.isoformat(),
        )
    return window
