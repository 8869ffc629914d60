"""Identifiers, weights, drive types, test types, dyno names and statuses found in free text."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline import entities, vocab_match
from tests.agent.offline_fixtures import DYNO_NAMES, TEST_TYPES


@pytest.mark.parametrize(
    ("text", "vin"),
    [
        ("Book VIN 1FTFW1E50PFA12345 for a brake test", "1FTFW1E50PFA12345"),
        ("vin 1ftfw1e50pfa12345", "1FTFW1E50PFA12345"),
        ("check 5YJ3E1EA7KF317000 please", "5YJ3E1EA7KF317000"),
        ("VIN:1HGCM82633A004352.", "1HGCM82633A004352"),
        ("VIN 1FTFW1E5OPFA12345", None),  # an O is never in a VIN
        ("VIN 12345", None),
        ("internationalizers", None),
        ("1FTFW1E50PFA123456", None),  # 18 characters
    ],
)
def test_vins_are_17_characters_without_i_o_q(text: str, vin: str | None) -> None:
    assert entities.extract_vin(text) == vin


@pytest.mark.parametrize(
    ("text", "invalid"),
    [
        ("VIN 1FTFW1E5OPFA12345", "1FTFW1E5OPFA12345"),
        ("vin 12345", "12345"),
        ("book 1FTFW1E5QPFA12345 for brake", "1FTFW1E5QPFA12345"),
        ("VIN 1FTFW1E50PFA12345", None),
        ("book vehicle 5", None),
    ],
)
def test_something_given_as_a_vin_that_is_not_one_is_reported(
    text: str, invalid: str | None
) -> None:
    assert entities.extract_invalid_vin(text) == invalid


@pytest.mark.parametrize(
    ("text", "vehicle_id"),
    [
        ("vehicle 42", 42),
        ("vehicle #42", 42),
        ("Vehicle # 42", 42),
        ("car #23", 23),
        ("car 23", 23),
        ("vehicle id 7", 7),
        ("vehicle_id=7", 7),
        ("vehicle no. 9", 9),
        ("truck 11", 11),
        ("show vehicle 5's bookings", 5),
        ("vehicle 4800 lbs", None),
        ("booking 17", None),
        ("a vehicle for a brake test", None),
    ],
)
def test_vehicle_ids(text: str, vehicle_id: int | None) -> None:
    assert entities.extract_vehicle_id(text) == vehicle_id


@pytest.mark.parametrize(
    ("text", "allocation_id"),
    [
        ("cancel booking 17", 17),
        ("allocation #17", 17),
        ("reservation 17", 17),
        ("booking id 8", 8),
        ("Allocation No. 3", 3),
        ("vehicle 17", None),
        ("cancel my booking", None),
    ],
)
def test_allocation_ids(text: str, allocation_id: int | None) -> None:
    assert entities.extract_allocation_id(text) == allocation_id


@pytest.mark.parametrize(
    ("text", "bare"),
    [("cancel #12", 12), ("cancel 12", 12), ("move 4 to Friday", 4), ("cancel it", None)],
)
def test_bare_ids_are_available_once_the_intent_is_known(text: str, bare: int | None) -> None:
    assert entities.extract_bare_id(text) == bare


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("4800 lb", 4800),
        ("4,800 lbs", 4800),
        ("4800 pounds", 4800),
        ("4.8k lbs", 4800),
        ("4.8k", 4800),
        ("4.8K pounds", 4800),
        ("2200 kg", 4850),
        ("2,200 kilograms", 4850),
        ("a 4800-lb truck", 4800),
        ("weighing 5200", 5200),
        ("weight of 6,100", 6100),
        ("GVWR 12k", 12000),
        ("12,500lbs", 12500),
        ("150k mileage", None),  # a bare "k" number above any vehicle weight
        ("4k cert", None),
        ("over 10,000 lbs", None),  # a class bound, not a weight
        ("vehicle 42", None),
        ("on the 4th", None),
    ],
)
def test_weights_are_pounds(text: str, pounds: int | None) -> None:
    assert entities.extract_weight_lbs(text) == pounds


@pytest.mark.parametrize(
    ("text", "weight_class"),
    [
        ("<10k", "<10K"),
        ("under 10k", "<10K"),
        ("over 10,000 lbs", ">10K"),
        ("> 10K", ">10K"),
        ("4800 lbs", None),
    ],
)
def test_weight_classes(text: str, weight_class: str | None) -> None:
    assert entities.extract_weight_class(text) == weight_class


@pytest.mark.parametrize(
    ("text", "drive"),
    [
        ("2WD", "2WD"),
        ("AWD", "AWD"),
        ("4WD", "4WD"),
        ("a 4x4 truck", "4WD"),
        ("4X2", "2WD"),
        ("fwd sedan", "2WD"),
        ("RWD", "2WD"),
        ("RWD/AWD", "AWD"),
        ("awd/fwd", "AWD"),
        ("all-wheel drive", "AWD"),
        ("all wheel drive", "AWD"),
        ("four wheel drive", "4WD"),
        ("4-wheel-drive", "4WD"),
        ("two-wheel drive", "2WD"),
        ("front wheel drive", "2WD"),
        ("2 wd", "2WD"),
        ("a brake test", None),
        ("a 4x truck", None),
    ],
)
def test_drive_types_map_to_the_lab_vocabulary(text: str, drive: str | None) -> None:
    assert entities.extract_drive_type(text) == drive


@pytest.mark.parametrize(
    ("text", "test_type"),
    [
        ("brake test", "brake"),
        ("Brake", "brake"),
        ("brakes", "brake"),
        ("an emissions test", "emissions"),
        ("emission test", "emissions"),
        ("150k", "150k mileage"),
        ("150K Mileage", "150k mileage"),
        ("150k miles", "150k mileage"),
        ("4k cert", "4k certification"),
        ("the 4k", "4k certification"),
        ("4K certification", "4k certification"),
        ("durability", "durability"),
        ("not cert durability", "not cert-durability"),
        ("not-cert-durability run", "not cert-durability"),
        ("coast down", "coastdown"),
        ("evaporative", "evap"),
        ("EVAP", "evap"),
        ("a noise test", None),
        ("braking distance", None),
    ],
)
def test_test_types_come_from_the_live_vocabulary(text: str, test_type: str | None) -> None:
    assert vocab_match.extract_test_type(text, TEST_TYPES) == test_type


def test_a_short_form_shared_by_two_test_types_is_not_used() -> None:
    vocabulary = ["4k certification", "4k mileage"]
    assert vocab_match.extract_test_type("4k", vocabulary) is None
    assert vocab_match.extract_test_type("4k mileage", vocabulary) == "4k mileage"


def test_an_empty_vocabulary_matches_nothing() -> None:
    assert vocab_match.extract_test_type("brake test", []) is None
    assert vocab_match.extract_dyno("MPG 3", []) is None


def test_an_unknown_test_type_is_reported_by_name() -> None:
    assert vocab_match.extract_unknown_test_type("book a noise test") == "noise"
    assert vocab_match.extract_unknown_test_type("book a quick test") is None


@pytest.mark.parametrize(
    ("text", "dyno"),
    [
        ("what's on MPG 3", "MPG 3"),
        ("mpg 3", "MPG 3"),
        ("MPG3", "MPG 3"),
        ("mpg-3", "MPG 3"),
        ("MPG 10", "MPG 10"),
        ("trp 1", "TRP #1"),
        ("TRP#1", "TRP #1"),
        ("TRP #1", "TRP #1"),
        ("Track", "Track"),
        ("on the track", "Track"),
        ("track dyno", "Track"),
        ("keep track of it", None),
        ("MPG 31", None),
        ("MPG 4", None),
    ],
)
def test_dyno_names_in_any_spacing_or_case(text: str, dyno: str | None) -> None:
    assert vocab_match.extract_dyno(text, DYNO_NAMES) == dyno


@pytest.mark.parametrize(
    ("text", "dyno_id"), [("dyno 3", 3), ("dyno #12", 12), ("dyno id 4", 4), ("MPG 3", None)]
)
def test_dynos_by_number(text: str, dyno_id: int | None) -> None:
    assert entities.extract_dyno_id(text) == dyno_id


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("scheduled tests", "scheduled"),
        ("upcoming bookings", "scheduled"),
        ("which are running", "running"),
        ("in progress", "running"),
        ("completed tests", "completed"),
        ("finished", "completed"),
        ("cancelled bookings", "cancelled"),
        ("canceled", "cancelled"),
        ("delayed tests", "delayed"),
        ("overdue", "delayed"),
        ("cancel booking 17", None),
        ("book vehicle 5", None),
    ],
)
def test_statuses(text: str, status: str | None) -> None:
    assert entities.extract_status(text) == status


@pytest.mark.parametrize(
    ("text", "include"),
    [
        ("list dynos including disabled", True),
        ("show disabled dynos too", True),
        ("list dynos", False),
        ("dynos that are not disabled", False),
    ],
)
def test_disabled_dynos_are_included_only_when_asked(text: str, include: bool) -> None:
    assert entities.mentions_disabled(text) is include
