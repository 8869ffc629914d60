"""The offline model's language identifier: the five languages, short lab messages, no guessing."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline.language import conversation_language, detect


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Fahrzeug 5 buchen Bremstest", "de"),
        ("storniere Buchung 17 bitte", "de"),
        ("cancela la reserva 33", "es"),
        ("necesito el vehiculo 14 para emisiones mañana", "es"),
        ("agendar veículo 7 amanhã", "pt"),
        ("preciso do veiculo 9 por 3 dias", "pt"),
        ("réserver le véhicule 12 lundi", "fr"),
        ("annule ma resa stp", "fr"),
        ("bk vhcl 9 brak test nxt monday", "en"),
        ("maintenance on VTS #3 tomorrow", "en"),
        ("emissions for vehicle 5", "en"),
        ("check VIN 1FTFW1E50PFA12345", "en"),
    ],
)
def test_a_short_lab_message_is_read_in_its_language(message: str, language: str):
    assert detect(message) == language


@pytest.mark.parametrize(
    "message", ["yes", "ok", "sí", "#40", "2026-03-09", "17.03.", "MPG 3", "5"]
)
def test_ids_dates_and_bare_answers_have_no_language_of_their_own(message: str):
    assert detect(message) is None


def test_a_message_without_a_language_keeps_the_conversations():
    assert conversation_language(["Buche einen Bremstest", "5", "2026-03-09"]) == "de"
    assert conversation_language(["cancela mi reserva", "#33"]) == "es"


def test_the_latest_message_with_a_language_wins_and_english_is_the_default():
    assert conversation_language(["Storniere meine Buchung", "sorry, cancel booking 17"]) == "en"
    assert conversation_language(["#40", "yes"]) == "en"
    assert conversation_language([]) == "en"


@pytest.mark.parametrize("message", ["banana", "flibbertigibbet", "blorp fizzle wug"])
def test_an_unknown_word_or_gibberish_is_no_evidence(message: str):
    assert detect(message) is None


@pytest.mark.parametrize(
    ("message", "language"),
    [("danke", "de"), ("gracias", "es"), ("obrigado", "pt"), ("merci", "fr"), ("help", "en")],
)
def test_one_known_word_is_enough(message: str, language: str):
    assert detect(message) == language


def test_vocabulary_names_are_ignored():
    assert detect("emissions MPG 3 brake", ignore=("emissions", "brake")) is None
