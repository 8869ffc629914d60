"""The evaluation set's `language:` expectation: a text reply must be in the request's language."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from dyno_agent.agent.evaluation import EvalFileError, Expectation, parse_cases, score
from tests.agent.conftest import call


def test_language_is_read_with_clarify_refuse_and_say():
    raw = {
        "cases": [
            {"id": "a", "user": "x", "expect": {"clarify": ["vehicle"], "language": "de"}},
            {"id": "b", "user": "x", "expect": {"refuse": True, "language": "es"}},
            {"id": "c", "user": "x", "expect": {"say": ["MPG"], "language": "fr"}},
        ]
    }
    cases = parse_cases(raw).cases

    assert [c.turns[0].expect.language for c in cases if c.turns[0].expect] == ["de", "es", "fr"]
    assert [c.turns[0].expect.kind for c in cases if c.turns[0].expect] == [
        "clarify",
        "refuse",
        "say",
    ]


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"clarify": ["vehicle"], "language": "xx"}, "unknown language 'xx'"),
        ({"tool": "list_dynos", "language": "de"}, "use it with clarify, refuse or say"),
    ],
)
def test_an_unknown_language_or_one_on_a_tool_call_is_refused(expect: dict, message: str):
    with pytest.raises(EvalFileError, match=message):
        parse_cases({"cases": [{"id": "c", "user": "x", "expect": expect}]})


@pytest.mark.parametrize(
    ("reply", "language", "ok"),
    [
        ("Welches Fahrzeug? Gib seine Nummer (z. B. Fahrzeug 42) oder die VIN an.", "de", True),
        ("Which vehicle? Give its id (e.g. vehicle 42) or VIN.", "de", False),
        ("¿Qué vehículo? Indica su número (p. ej. vehículo 42) o el VIN.", "es", True),
        ("Qual veículo? Informe o número (ex.: veículo 42) ou o VIN.", "pt", True),
        ("Quel véhicule ? Donne son numéro (par ex. véhicule 42) ou son VIN.", "fr", True),
        ("Which vehicle? Give its id (e.g. vehicle 42) or VIN.", "en", True),
    ],
)
def test_a_question_in_another_language_than_expected_fails(reply: str, language: str, ok: bool):
    expect = Expectation("clarify", fields=("vehicle",), language=language)

    verdict = score(expect, AIMessage(content=reply))

    assert verdict.ok is ok
    assert ok or "expected de" in verdict.reason


@pytest.mark.parametrize(
    ("reply", "language"),
    [
        ("Das kann ich leider nicht: ich helfe nur beim Prüfstandsplan.", "de"),
        ("Lo siento, no puedo ayudar con eso: solo trabajo con el calendario.", "es"),
        ("Desculpe, não posso ajudar com isso: só trabalho com a agenda.", "pt"),
        ("Désolé, je ne peux pas t'aider : je ne travaille que sur le planning.", "fr"),
    ],
)
def test_a_refusal_in_another_language_declines(reply: str, language: str):
    assert score(Expectation("refuse", language=language), AIMessage(content=reply)).ok


def test_a_table_of_tool_data_does_not_decide_the_replys_language():
    reply = "El vehículo 7 tiene 1 reserva:\n\n| Booking | Vehicle | Test |\n| --- | --- | --- |\n"
    reply += "| #88 | 1FTFW1E50PFA10007 | emissions scheduled brake test on the dyno |"

    assert score(Expectation("say", patterns=("#88",), language="es"), AIMessage(reply)).ok


def test_a_tool_call_is_scored_without_a_language():
    verdict = score(Expectation("refuse", language="de"), call("list_dynos", {}))

    assert not verdict.ok and "list_dynos" in verdict.reason
