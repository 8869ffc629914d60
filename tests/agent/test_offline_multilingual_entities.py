"""Test types, drive types, statuses, lengths and weeks in German, Spanish, Portuguese and French,
and a date followed by a length."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline import entities
from dyno_agent.agent.offline.date_tokens import find_date_tokens
from dyno_agent.agent.offline.durations import extract_duration
from dyno_agent.agent.offline.parse import parse_request
from dyno_agent.agent.offline.vocab_match import extract_test_type
from tests.agent.offline_fixtures import DYNO_NAMES, TEST_TYPES, TODAY, d


@pytest.mark.parametrize(
    ("text", "test_type"),
    [
        ("ein Bremstest am Montag", "brake"),
        ("prueba de frenos", "brake"),
        ("teste de freios", "brake"),
        ("essai de freinage", "brake"),
        ("Abgastest morgen", "emissions"),
        ("emisiones el martes", "emissions"),
        ("Verdunstung", "evap"),
        ("durabilidad desde el lunes", "durability"),
        ("un essai d'endurance", "durability"),
        ("Ausrolltest am 12.", "coastdown"),
        ("durabilty run", "durability"),
    ],
)
def test_test_types_are_read_in_other_languages(text: str, test_type: str) -> None:
    assert extract_test_type(text, TEST_TYPES) == test_type


def test_free_in_german_is_not_a_brake_test() -> None:
    assert extract_test_type("welche Prüfstände sind frei für Abgas", TEST_TYPES) == "emissions"


@pytest.mark.parametrize(
    ("text", "drive"),
    [
        ("Allrad, 2 t", "AWD"),
        ("tracción total", "AWD"),
        ("tração integral", "AWD"),
        ("Heckantrieb", "2WD"),
        ("tracción delantera", "2WD"),
        ("propulsion", "2WD"),
    ],
)
def test_drive_types_are_read_in_other_languages(text: str, drive: str) -> None:
    found = entities.find_drive_type(text)
    assert found is not None and found[0] == drive


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("welche Tests laufen", "running"),
        ("pruebas en curso", "running"),
        ("a reserva 45 está concluída", "completed"),
        ("quais testes estão atrasados", "delayed"),
        ("les essais en retard", "delayed"),
        ("Buchung 12 ist storniert", "cancelled"),
    ],
)
def test_statuses_are_read_in_other_languages(text: str, status: str) -> None:
    assert entities.extract_status(text) == status


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("für 3 Tage", 3),
        ("durante 5 días", 5),
        ("por 2 dias", 2),
        ("pendant 4 jours", 4),
        ("2 Wochen", 14),
        ("veh 6 emissions 3/23 5d", 5),
        ("push booking 12 to April 6 and make it 5 days", 5),
    ],
)
def test_lengths_are_read_in_other_languages_and_abbreviated(text: str, days: int) -> None:
    assert extract_duration(text) == days


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("nächste Woche", d(3, 9), d(3, 15)),
        ("la semana que viene", d(3, 9), d(3, 15)),
        ("semana que vem", d(3, 9), d(3, 15)),
        ("la semaine prochaine", d(3, 9), d(3, 15)),
        ("diese Woche", d(3, 2), d(3, 8)),
        ("el mes pasado", d(2, 1), d(2, 28)),
    ],
)
def test_weeks_and_months_are_read_in_other_languages(
    text: str, first: object, last: object
) -> None:
    (token,) = find_date_tokens(text, TODAY)
    assert (token.first, token.last, token.kind) == (first, last, "period")


def test_an_id_before_a_foreign_date_is_not_a_range() -> None:
    (token,) = find_date_tokens("mueve la reserva 31 al 25 de marzo", TODAY)
    assert (token.first, token.last) == (d(3, 25), None)


@pytest.mark.parametrize(
    "text",
    ["book vehicle 5, 9 march brake 2 days", "book vehicle 5 on 9 march for brake, 2 days"],
)
def test_a_date_followed_by_a_length_books_that_length_from_that_date(text: str) -> None:
    parsed = parse_request(text, TODAY, TEST_TYPES, DYNO_NAMES)
    assert (parsed.start_date, parsed.days, parsed.end_date) == (d(3, 9), 2, d(3, 10))
