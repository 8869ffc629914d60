"""Dates, ranges and durations in English, with today pinned to Monday 2026-03-02."""

from __future__ import annotations

import datetime as dt

import pytest

from dyno_agent.agent.offline import extract_backup, extract_dates, extract_duration
from tests.agent.offline_fixtures import TODAY, d


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("March 10", d(3, 10)),
        ("on March 10th", d(3, 10)),
        ("Mar. 10", d(3, 10)),
        ("10 March", d(3, 10)),
        ("the 10th of March", d(3, 10)),
        ("March 10, 2027", d(3, 10, 2027)),
        ("2026-04-01", d(4, 1)),
        ("2027/01/15", d(1, 15, 2027)),
        ("4/1", d(4, 1)),
        ("4/1/2026", d(4, 1)),
        ("12/24/26", d(12, 24)),
        ("today", TODAY),
        ("tomorrow", d(3, 3)),
        ("the day after tomorrow", d(3, 4)),
        ("yesterday", d(3, 1)),
        ("next Monday", d(3, 9)),
        ("next friday", d(3, 13)),
        ("on Monday", d(3, 9)),
        ("on Wednesday", d(3, 4)),
        ("Friday", d(3, 6)),
        ("this Friday", d(3, 6)),
        ("this Monday", TODAY),
        ("last Friday", d(2, 27)),
        ("Tuesday next week", d(3, 10)),
        ("in two weeks", d(3, 16)),
        ("in 3 days", d(3, 5)),
        ("in a week", d(3, 9)),
        ("in twenty-one days", d(3, 23)),
        ("in a month", d(4, 2)),
        ("3 days from now", d(3, 5)),
        ("the 20th", d(3, 20)),
        ("the 2nd", TODAY),
        ("the 1st", d(4, 1)),
        ("on the 31st", d(3, 31)),
        ("Feb 27", d(2, 27)),  # a recent past date stays in this year
        ("January 5", d(1, 5)),
        ("June 1", d(6, 1)),
        ("Nov 20", d(11, 20)),  # more than three months ago: the coming one
        ("Monday, March 9", d(3, 9)),
    ],
)
def test_a_single_date_is_resolved_against_today(text: str, start: dt.date) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end) == (start, None)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("next week", d(3, 9), d(3, 15)),
        ("this week", d(3, 2), d(3, 8)),
        ("last week", d(2, 23), d(3, 1)),
        ("the week after next", d(3, 16), d(3, 22)),
        ("the week of March 11", d(3, 9), d(3, 15)),
        ("in May", d(5, 1), d(5, 31)),
        ("May", d(5, 1), d(5, 31)),
        ("in March", d(3, 1), d(3, 31)),
        ("in February", d(2, 1), d(2, 28)),
        ("in September 2027", d(9, 1, 2027), d(9, 30, 2027)),
        ("next month", d(4, 1), d(4, 30)),
        ("this month", d(3, 1), d(3, 31)),
        ("in the next 2 weeks", d(3, 2), d(3, 15)),
    ],
)
def test_named_periods_are_whole_weeks_or_months(text: str, start: dt.date, end: dt.date) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end, spec.period) == (start, end, True)
    assert spec.span_days is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("from March 10 to March 14", d(3, 10), d(3, 14)),
        ("from March 10 to 14", d(3, 10), d(3, 14)),
        ("between 2026-04-01 and 2026-04-05", d(4, 1), d(4, 5)),
        ("March 10-14", d(3, 10), d(3, 14)),
        ("March 10 through 14", d(3, 10), d(3, 14)),
        ("10-14 March", d(3, 10), d(3, 14)),
        ("4/1-4/5", d(4, 1), d(4, 5)),
        ("from 3/10 to 3/12", d(3, 10), d(3, 12)),
        ("Feb 27 to Mar 3", d(2, 27), d(3, 3)),
        ("March 30-2", d(3, 30), d(4, 2)),
        ("the 28th to the 3rd", d(3, 28), d(4, 3)),
        ("from the 10th to the 14th of March", d(3, 10), d(3, 14)),
        ("from Monday until Friday", d(3, 9), d(3, 13)),
        ("from Friday to Tuesday", d(3, 6), d(3, 10)),
        ("Dec 20 - Jan 3", d(12, 20, 2025), d(1, 3)),  # the holidays just gone
        ("from tomorrow until next Friday", d(3, 3), d(3, 13)),
        ("for the next 3 days", d(3, 2), d(3, 4)),
    ],
)
def test_explicit_ranges_have_a_start_and_an_inclusive_end(
    text: str, start: dt.date, end: dt.date
) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end, spec.period) == (start, end, False)
    assert spec.span_days == (end - start).days + 1


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("until March 20", None, d(3, 20)),
        ("by Friday", None, d(3, 6)),
        ("starting March 10", d(3, 10), None),
        ("move it to Friday", d(3, 6), None),
        ("March 10 and March 20", d(3, 10), None),  # "and" joins a range only after "between"
    ],
)
def test_open_ends_keep_only_what_was_said(
    text: str, start: dt.date | None, end: dt.date | None
) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "book vehicle 5 for a brake test",
        "what's on MPG 3?",
        "vehicle 42 weighs 4,800 lbs",
        "May I book something?",
        "we march on",
        "for 3 days",
        "booking 17",
        "VIN 1FTFW1E50PFA12345",
        "24/7 support",
        "the 45th",
        "February 30",
    ],
)
def test_no_date_is_guessed_when_none_is_given(text: str) -> None:
    spec = extract_dates(text, TODAY)
    assert (spec.start, spec.end) == (None, None)


def test_the_cues_around_a_range_are_kept_for_the_caller() -> None:
    spec = extract_dates("move booking 17 from March 10 to March 14", TODAY)
    assert (spec.start_cue, spec.end_cue) == ("from", "to")
    assert spec.phrase == "March 10 to March 14"


def test_an_ordinal_already_passed_means_next_month() -> None:
    assert extract_dates("the 20th", dt.date(2026, 3, 25)).start == d(4, 20)
    assert extract_dates("the 31st", dt.date(2026, 4, 2)).start == d(5, 31)


def test_a_range_across_the_year_end_rolls_its_end_into_the_next_year() -> None:
    spec = extract_dates("Dec 20 - Jan 3", dt.date(2026, 11, 15))
    assert (spec.start, spec.end) == (d(12, 20), d(1, 3, 2027))


def test_a_month_name_means_the_coming_one_across_the_year_end() -> None:
    spec = extract_dates("in January", dt.date(2026, 11, 15))
    assert (spec.start, spec.end) == (d(1, 1, 2027), d(1, 31, 2027))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("3 days", 3),
        ("for 2 days", 2),
        ("a week", 7),
        ("for a week", 7),
        ("two weeks", 14),
        ("10 days", 10),
        ("1 day", 1),
        ("a day", 1),
        ("one day", 1),
        ("thirty days", 30),
        ("twenty-one days", 21),
        ("twenty one days", 21),
        ("fifteen days", 15),
        ("a 3-day test", 3),
        ("a couple of days", 2),
        ("for a fortnight", 14),
        ("5 working days", 5),
        ("next Monday for 3 days", 3),
        ("in two weeks for 3 days", 3),
        ("allow a backup of 5 days, for 2 days", 2),
    ],
)
def test_durations_are_counted_in_days(text: str, days: int) -> None:
    assert extract_duration(text) == days


@pytest.mark.parametrize(
    "text",
    [
        "in 3 days",
        "in two weeks",
        "next 2 weeks",
        "within the next 3 days",
        "up to 4 days later",
        "flexible by 3 days",
        "3 days ago",
        "book vehicle 5 next Monday",
        "next week",
        "postpone booking 9 by a week",
    ],
)
def test_relative_dates_and_backup_windows_are_not_durations(text: str) -> None:
    assert extract_duration(text) is None


@pytest.mark.parametrize(
    ("text", "allowed", "max_days"),
    [
        ("with backup", True, None),
        ("with a backup", True, None),
        ("allow a backup of 5 days", True, 5),
        ("backup up to 2 weeks", True, 14),
        ("flexible by 3 days", True, 3),
        ("we're flexible", True, None),
        ("up to 4 days later", True, 4),
        ("3 days of slack", True, 3),
        ("it can slip 2 days", True, 2),
        ("no backup", False, None),
        ("without a backup", False, None),
        ("for 3 days next Monday", None, None),
    ],
)
def test_backup_windows(text: str, allowed: bool | None, max_days: int | None) -> None:
    backup = extract_backup(text)
    assert (backup.allowed, backup.max_days) == (allowed, max_days)
