"""Whole requests: intent, entities, resolved dates and what the model must ask for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dyno_agent.agent.offline import Intent, ParsedRequest, parse_request
from tests.agent.offline_fixtures import DYNO_NAMES, TEST_TYPES, TODAY, d


def parse(text: str) -> ParsedRequest:
    return parse_request(text, TODAY, TEST_TYPES, DYNO_NAMES)


def test_the_issue_example_booking_by_vin() -> None:
    p = parse("Book VIN 1FTFW1E50PFA12345 for a brake test next Monday for 3 days")
    assert p.intent is Intent.BOOK
    assert p.entities.vin == "1FTFW1E50PFA12345"
    assert p.entities.vehicle_id is None
    assert p.entities.test_type == "brake"
    assert (p.start_date, p.end_date, p.days) == (d(3, 9), d(3, 11), 3)
    assert p.missing == ()


def test_the_done_when_example_booking_by_vehicle_id() -> None:
    p = parse("Book vehicle 5 for a brake test next Monday for 2 days")
    assert p.intent is Intent.BOOK
    assert (p.entities.vehicle_id, p.entities.test_type) == (5, "brake")
    assert (p.start_date, p.days) == (d(3, 9), 2)
    assert p.entities.backup is None  # unsaid: the tool's default applies
    assert p.missing == ()


def test_the_issue_example_dyno_schedule() -> None:
    p = parse("what's on MPG 3 next week?")
    assert p.intent is Intent.DYNO_SCHEDULE
    assert p.entities.dyno == "MPG 3"
    assert (p.start_date, p.end_date) == (d(3, 9), d(3, 15))
    assert p.missing == ()


def test_the_issue_example_cancel() -> None:
    p = parse("cancel booking 17")
    assert (p.intent, p.entities.allocation_id, p.missing) == (Intent.CANCEL, 17, ())


FIELDS = ("vehicle_id", "vin", "allocation_id", "weight_lbs", "drive_type", "test_type", "dyno")


@pytest.mark.parametrize(
    ("text", "intent", "expected", "start", "end", "days"),
    [
        (
            "Book vehicle 5 for a brake test on 4/1 for 3 days",
            Intent.BOOK,
            {"vehicle_id": 5, "test_type": "brake"},
            d(4, 1),
            d(4, 3),
            3,
        ),
        (
            "book vehicle 42 for emissions 2026-04-01 to 2026-04-05",
            Intent.BOOK,
            {"vehicle_id": 42, "test_type": "emissions"},
            d(4, 1),
            d(4, 5),
            5,
        ),
        (
            "Schedule vehicle 7 for a coastdown test March 10-14",
            Intent.BOOK,
            {"vehicle_id": 7, "test_type": "coastdown"},
            d(3, 10),
            d(3, 14),
            5,
        ),
        (
            "Reserve VIN 1FTFW1E50PFA12345 for emissions from 3/10 to 3/12",
            Intent.BOOK,
            {"vin": "1FTFW1E50PFA12345"},
            d(3, 10),
            d(3, 12),
            3,
        ),
        (
            "May I book vehicle 5 for a brake test on May 4 for 2 days?",
            Intent.BOOK,
            {"vehicle_id": 5},
            d(5, 4),
            d(5, 5),
            2,
        ),
        (
            "book vehicle 5 for a brake test starting the 20th for ten days",
            Intent.BOOK,
            {"vehicle_id": 5},
            d(3, 20),
            d(3, 29),
            10,
        ),
        (
            "book car #23 for the 4k cert in two weeks for a week",
            Intent.BOOK,
            {"vehicle_id": 23, "test_type": "4k certification"},
            d(3, 16),
            d(3, 22),
            7,
        ),
        (
            "Book vehicle 12 for emissions on Monday March 9 for three days",
            Intent.BOOK,
            {"vehicle_id": 12},
            d(3, 9),
            d(3, 11),
            3,
        ),
        (
            "Book vehicle 5 for a brake test, 4.8k lbs AWD, tomorrow for 1 day",
            Intent.BOOK,
            {"weight_lbs": 4800, "drive_type": "AWD"},
            d(3, 3),
            d(3, 3),
            1,
        ),
        (
            "book vehicle 3 for durability from Monday until Friday",
            Intent.BOOK,
            {"test_type": "durability"},
            d(3, 9),
            d(3, 13),
            5,
        ),
        (
            "book vehicle 6 for the not cert durability test for the next 3 days",
            Intent.BOOK,
            {"test_type": "not cert-durability"},
            d(3, 2),
            d(3, 4),
            3,
        ),
        (
            "which dynos can do emissions for a 4,800 lb AWD from March 10 to March 14",
            Intent.FIND_AVAILABILITY,
            {"weight_lbs": 4800, "drive_type": "AWD", "test_type": "emissions"},
            d(3, 10),
            d(3, 14),
            5,
        ),
        (
            "find a dyno for a 2200 kg 4x4 truck for emissions next week",
            Intent.FIND_AVAILABILITY,
            {"weight_lbs": 4850, "drive_type": "4WD"},
            d(3, 9),
            d(3, 15),
            None,
        ),
        (
            "Any dyno available for a 5000 lb FWD brake test on Monday for 3 days?",
            Intent.FIND_AVAILABILITY,
            {"drive_type": "2WD"},
            d(3, 9),
            d(3, 11),
            3,
        ),
        (
            "move booking 17 to Friday",
            Intent.RESCHEDULE,
            {"allocation_id": 17},
            d(3, 6),
            None,
            None,
        ),
        (
            "reschedule booking 17 from March 10 to March 14",
            Intent.RESCHEDULE,
            {"allocation_id": 17},
            d(3, 14),
            None,
            None,
        ),
        (
            "push booking 9 back to next Wednesday for 4 days",
            Intent.RESCHEDULE,
            {"allocation_id": 9},
            d(3, 11),
            d(3, 14),
            4,
        ),
        (
            "What is running on TRP #1 today?",
            Intent.DYNO_SCHEDULE,
            {"dyno": "TRP #1"},
            TODAY,
            TODAY,
            None,
        ),
        (
            "what's on mpg3 between March 10 and March 20",
            Intent.DYNO_SCHEDULE,
            {"dyno": "MPG 3"},
            d(3, 10),
            d(3, 20),
            11,
        ),
        (
            "How busy was MPG 3 last month?",
            Intent.UTILIZATION,
            {"dyno": "MPG 3"},
            d(2, 1),
            d(2, 28),
            None,
        ),
        ("utilization in May", Intent.UTILIZATION, {}, d(5, 1), d(5, 31), None),
        ("any conflicts next week?", Intent.CONFLICTS, {}, d(3, 9), d(3, 15), None),
        ("maintenance on the 20th?", Intent.MAINTENANCE, {}, d(3, 20), None, None),
        ("where is vehicle 42 booked?", Intent.CHECK_VEHICLE, {"vehicle_id": 42}, None, None, None),
        ("tell me about dyno 4", Intent.GET_DYNO, {"dyno": "4"}, None, None, None),
    ],
)
def test_requests_are_parsed_into_tool_arguments(
    text: str,
    intent: Intent,
    expected: dict[str, Any],
    start: dt.date | None,
    end: dt.date | None,
    days: int | None,
) -> None:
    p = parse(text)
    assert p.intent is intent
    assert {key: getattr(p.entities, key) for key in expected} == expected
    assert (p.start_date, p.end_date, p.days) == (start, end, days)
    assert p.missing == ()


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Book a brake test next Monday for 3 days", ("vehicle",)),
        ("book vehicle 5 for a brake test", ("start_date", "duration")),
        ("book vehicle 5 for a brake test next Monday", ("duration",)),
        ("book vehicle 5 for a brake test next week", ("duration",)),
        ("book vehicle 5 for a brake test in May", ("duration",)),
        ("book vehicle 5 next Monday for 2 days", ("test_type",)),
        ("Book vehicle 5 for a noise test next Monday for 2 days", ("test_type",)),
        ("book something", ("vehicle", "test_type", "start_date", "duration")),
        ("book VIN 1FTFW1E5OPFA12345 for brake tomorrow for 2 days", ("vehicle",)),
        ("book vehicle 5 for a brake test until March 20", ("start_date",)),
        ("cancel it", ("allocation_id",)),
        ("cancel vehicle 5's booking", ("allocation_id",)),
        ("move booking 17", ("start_date",)),
        ("reschedule it to next Monday", ("allocation_id",)),
        ("what's on MPG 3?", ("start_date",)),
        ("is anything free for an AWD next week?", ("test_type", "weight")),
        ("find a dyno for emissions", ("weight", "drive_type", "start_date")),
        ("show the utilization report", ("start_date",)),
        ("is my vehicle booked?", ("vehicle",)),
        ("when is my truck scheduled?", ("vehicle",)),
        ("check VIN 12345", ("vehicle",)),
    ],
)
def test_what_is_missing_is_named_instead_of_guessed(text: str, missing: tuple[str, ...]) -> None:
    assert parse(text).missing == missing


def test_a_vague_vehicle_question_asks_which_vehicle() -> None:
    p = parse("what is booked for my car?")
    assert (p.intent, p.missing) == (Intent.CHECK_VEHICLE, ("vehicle",))


def test_a_vin_with_a_forbidden_letter_is_reported_not_used() -> None:
    p = parse("book VIN 1FTFW1E5OPFA12345 for brake tomorrow for 2 days")
    assert (p.entities.vin, p.entities.invalid_vin) == (None, "1FTFW1E5OPFA12345")


def test_an_unknown_test_type_is_named_for_the_reply() -> None:
    p = parse("Book vehicle 5 for a noise test next Monday for 2 days")
    assert (p.entities.test_type, p.entities.unknown_test_type) == (None, "noise")


def test_backup_windows_travel_with_the_booking() -> None:
    p = parse("Book car #23 for 150k next Monday for 4 days, flexible by 3 days")
    assert (p.entities.backup, p.entities.max_backup_days) == (True, 3)
    assert (p.entities.test_type, p.days) == ("150k mileage", 4)
    plain = parse("book vehicle 5 for brake next Monday for 2 days with backup")
    assert (plain.entities.backup, plain.entities.max_backup_days) == (True, None)
    none = parse("book vehicle 5 for brake next Monday for 2 days, no backup")
    assert none.entities.backup is False


def test_an_end_before_the_start_is_a_problem_not_a_negative_length() -> None:
    p = parse("book vehicle 5 for brake from 2026-03-20 to 2026-03-10")
    assert p.problems == ("end_before_start",)
    assert p.days is None


def test_a_dyno_name_number_is_not_read_as_an_id_or_a_date() -> None:
    p = parse("cancel the booking on TRP #1")
    assert p.entities.dyno == "TRP #1"
    assert p.entities.allocation_id is None
    assert p.missing == ("allocation_id",)


def test_a_bare_number_after_cancel_is_the_allocation() -> None:
    assert parse("cancel #12").entities.allocation_id == 12


@pytest.mark.parametrize(
    ("text", "status"),
    [("show delayed tests", "delayed"), ("which tests are in progress?", "running")],
)
def test_tests_by_status_carry_the_status(text: str, status: str) -> None:
    p = parse(text)
    assert (p.intent, p.entities.status, p.missing) == (Intent.TESTS_BY_STATUS, status, ())


def test_list_dynos_may_include_disabled_ones() -> None:
    assert parse("list dynos including disabled").entities.include_disabled is True
    assert parse("list dynos").entities.include_disabled is False


@pytest.mark.parametrize(
    "text", ["delete all bookings", "drop table allocations", "write me a poem", "hello"]
)
def test_refusals_and_small_talk_need_nothing(text: str) -> None:
    assert parse(text).missing == ()


def test_the_same_request_parses_the_same_way_every_time() -> None:
    text = "Book VIN 1FTFW1E50PFA12345 for a brake test next Monday for 3 days"
    assert parse(text) == parse(text)


def test_relative_dates_follow_the_given_today() -> None:
    p = parse_request("book vehicle 5 for brake tomorrow for 2 days", d(12, 31), TEST_TYPES, [])
    assert (p.start_date, p.end_date) == (d(1, 1, 2027), d(1, 2, 2027))
