"""Dates as lab staff write them, in five languages, today pinned to Monday 2026-03-02: weekdays
with "next", "in N days", day-and-month dates (dateparser), and the exact rules for parts of a
month, weeks of a month, halves and quarters, offsets from a weekday and day-first numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from dyno_agent.agent.offline import extract_dates
from dyno_agent.agent.offline.parse import parse_request
from tests.agent.offline_fixtures import TODAY, d


def _days(text: str) -> tuple[dt.date | None, dt.date | None]:
    spec = extract_dates(text, TODAY)
    return spec.start, spec.end


@pytest.mark.parametrize(
    "text",
    [
        "nächsten Montag",
        "am nächsten Montag",
        "el próximo lunes",
        "el lunes que viene",
        "lundi prochain",
        "le lundi prochain",
        "próxima segunda",
        "na próxima segunda-feira",
    ],
)
def test_next_weekday_in_other_languages(text: str) -> None:
    assert _days(text) == (d(3, 9), None)


@pytest.mark.parametrize("text", ["am Freitag", "el viernes", "vendredi", "sexta-feira"])
def test_a_bare_weekday_in_other_languages_is_the_coming_one(text: str) -> None:
    assert _days(text) == (d(3, 6), None)


@pytest.mark.parametrize(
    "text",
    ["in drei Tagen", "en tres días", "dentro de 3 días", "em três dias", "dans trois jours"],
)
def test_in_n_days_in_other_languages(text: str) -> None:
    assert _days(text) == (d(3, 5), None)


@pytest.mark.parametrize(
    "text", ["am 17. März", "el 17 de marzo", "no dia 17 de março", "le 17 mars", "17.03."]
)
def test_day_and_month_in_other_languages(text: str) -> None:
    assert _days(text) == (d(3, 17), None)


@pytest.mark.parametrize(
    "text",
    [
        "vom 17.03. bis 20.03.",
        "del 17 al 20 de marzo",
        "de 17 a 20 de março",
        "du 17 au 20 mars",
        "17.-20. März",
    ],
)
def test_ranges_in_other_languages(text: str) -> None:
    start, end = _days(text)
    assert end == d(3, 20)
    assert start in (d(3, 16), d(3, 17))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("early May", d(5, 1), d(5, 10)),
        ("mid-May", d(5, 11), d(5, 20)),
        ("late May", d(5, 21), d(5, 31)),
        ("the end of May", d(5, 21), d(5, 31)),
        ("the first week of April", d(4, 1), d(4, 7)),
        ("the last week of April", d(4, 24), d(4, 30)),
        ("H2", d(7, 1), d(12, 31)),
        ("Q3", d(7, 1), d(9, 30)),
        ("Q2 2027", d(4, 1, 2027), d(6, 30, 2027)),
        ("im Mai", d(5, 1), d(5, 31)),
        ("en mayo", d(5, 1), d(5, 31)),
        ("em maio", d(5, 1), d(5, 31)),
    ],
)
def test_periods_are_what_they_say(text: str, first: dt.date, last: dt.date) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end, spec.period) == (first, last, True)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("a week from Friday", d(3, 13)),
        ("two days after Wednesday", d(3, 6)),
    ],
)
def test_offsets_from_a_day(text: str, day: dt.date) -> None:
    assert _days(text) == (day, None)


@pytest.mark.parametrize(("text"), ["vehicle 3.5 t", "booking #17.03", "version 1.2.3"])
def test_numbers_that_are_not_dates_stay_out(text: str) -> None:
    assert _days(text) == (None, None)


def test_a_booking_with_a_day_first_range_gets_its_days() -> None:
    parsed = parse_request(
        "book vehicle 9 for a brake test 17.03.-20.03.", TODAY, ["brake", "emissions"], []
    )
    assert (parsed.start_date, parsed.end_date, parsed.days) == (d(3, 17), d(3, 20), 4)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("übermorgen", d(3, 4)),
        ("pasado mañana", d(3, 4)),
        ("depois de amanhã", d(3, 4)),
        ("après-demain", d(3, 4)),
        ("heute", TODAY),
        ("hoy", TODAY),
        ("amanhã", d(3, 3)),
        ("demain", d(3, 3)),
    ],
)
def test_named_days_in_other_languages(text: str, day: dt.date) -> None:
    assert _days(text) == (day, None)


@pytest.mark.parametrize(
    "text", ["in zwei Wochen", "en dos semanas", "em duas semanas", "dans deux semaines"]
)
def test_in_n_weeks_in_other_languages(text: str) -> None:
    assert _days(text) == (d(3, 16), None)
