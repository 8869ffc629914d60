"""Repeat patterns read from plain English and German, bounded in length."""

from __future__ import annotations

import datetime as dt

import pytest

from dyno_agent.errors import InvalidPattern, SeriesTooLong
from dyno_agent.series.pattern import occurrence_dates, occurrence_length, parse_pattern
from tests.conftest import TODAY

D = dt.date


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("every monday for 6 weeks", [D(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(6)]),
        ("jeden Montag für 4 Wochen", [D(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(4)]),
        (
            "every mon and thu for 2 weeks",
            [D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 9), D(2026, 3, 12)],
        ),
        (
            "every 2 weeks for 8 weeks",
            [D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 30), D(2026, 4, 13)],
        ),
        ("alle 2 Wochen 3 mal", [D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 30)]),
        (
            "first week of each month until 2026-05-31",
            [D(2026, 3, 2), D(2026, 4, 6), D(2026, 5, 4)],
        ),
        ("erste Woche jedes Monats 2 mal", [D(2026, 3, 2), D(2026, 4, 6)]),
        ("first friday of each month for 3 months", [D(2026, 3, 6), D(2026, 4, 3), D(2026, 5, 1)]),
        ("jeden ersten Freitag im Monat 2 mal", [D(2026, 3, 6), D(2026, 4, 3)]),
    ],
)
def test_patterns_give_the_dates_people_mean(text: str, dates: list[dt.date]):
    assert occurrence_dates(parse_pattern(text), TODAY) == dates


def test_occurrence_length_comes_from_the_words_or_first_week_or_one_day():
    assert occurrence_length(parse_pattern("every monday for 6 weeks, 1 day each"), None) == 1
    assert occurrence_length(parse_pattern("jeden Dienstag 3 mal je 2 Tage"), None) == 2
    assert occurrence_length(parse_pattern("first week of each month 3 times"), None) == 5
    assert occurrence_length(parse_pattern("every monday 3 times"), 3) == 3


@pytest.mark.parametrize("text", ["every monday", "blah blah", "every monday until 2026-02-30"])
def test_unreadable_or_unbounded_patterns_are_refused(text: str):
    with pytest.raises(InvalidPattern):
        occurrence_dates(parse_pattern(text), TODAY)


def test_more_occurrences_than_the_limit_are_refused():
    with pytest.raises(SeriesTooLong, match="at most 52"):
        occurrence_dates(parse_pattern("every monday for 60 weeks"), TODAY)
    with pytest.raises(SeriesTooLong):
        occurrence_dates(parse_pattern("every 2 weeks 53 times"), TODAY)
