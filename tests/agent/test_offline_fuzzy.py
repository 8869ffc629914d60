"""Typos and abbreviations, matched with rapidfuzz: test types, dyno names and the nouns before an
id, in five languages (today pinned to Monday 2026-03-02)."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline.entities import find_allocation_id, find_vehicle_id
from dyno_agent.agent.offline.parse import parse_request
from dyno_agent.agent.offline.vocab_match import find_dynos, find_test_types
from tests.agent.offline_fixtures import TEST_TYPES, TODAY

DYNOS = ["MPG 1", "MPG 3", "MPG 24", "TRP #1", "VTS 3", "Track"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("book vehicle 9 for emisions next week", "emissions"),
        ("a brak test on Monday", "brake"),
        ("durabilty run", "durability"),
        ("coastdwn", "coastdown"),
        ("Emissionen für Fahrzeug 9", "emissions"),
        ("prueba de emisiones", "emissions"),
        ("teste de emissões", "emissions"),
        ("essai d'émissions", "emissions"),
    ],
)
def test_misspelt_or_foreign_test_types_match(text: str, name: str) -> None:
    assert [found for found, _ in find_test_types(text, TEST_TYPES)] == [name]


@pytest.mark.parametrize("text", ["take a break", "book vehicle 3 for a noise test"])
def test_words_that_are_not_test_types_stay_out(text: str) -> None:
    assert find_test_types(text, TEST_TYPES) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("who has MGP 24 next Thursday?", "MPG 24"), ("tpr 1", "TRP #1"), ("vst 3", "VTS 3")],
)
def test_dyno_names_with_one_letter_wrong_match(text: str, name: str) -> None:
    assert [found for found, _ in find_dynos(text, DYNOS)] == [name]


@pytest.mark.parametrize("text", ["its 3 days", "the 3", "day 3"])
def test_other_words_with_a_number_are_not_dynos(text: str) -> None:
    assert find_dynos(text, DYNOS) == []


@pytest.mark.parametrize(
    "text",
    ["book vhcl 9", "vehical 9", "Fahrzeug 9 buchen", "el vehículo 9", "o veículo 9", "véhicule 9"],
)
def test_loose_vehicle_nouns_give_the_vehicle(text: str) -> None:
    found = find_vehicle_id(text)
    assert found is not None and found[0] == 9
    assert find_allocation_id(text) is None


@pytest.mark.parametrize(
    "text",
    ["cancel bookng 33", "Buchung 33 stornieren", "cancelar la reserva 33", "réservation 33"],
)
def test_loose_booking_nouns_give_the_booking(text: str) -> None:
    found = find_allocation_id(text)
    assert found is not None and found[0] == 33
    assert find_vehicle_id(text) is None


def test_a_request_full_of_typos_is_understood() -> None:
    parsed = parse_request("book vhcl 9 for a brak test tomorrow for 2 days", TODAY, TEST_TYPES, [])
    assert (parsed.entities.vehicle_id, parsed.entities.test_type, parsed.days) == (9, "brake", 2)
