"""The offline model answers in the language of the request: the message catalogue is complete,
and questions, refusals and answers from tool results come out in English, German, Spanish,
Portuguese or French, with ids, dyno names and dates as they are."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from dyno_agent.agent.evaluation import FIELD_WORDS, reply_language
from dyno_agent.agent.offline import replies
from dyno_agent.agent.offline.catalogue import MESSAGES, WORDS
from dyno_agent.agent.offline.language import LANGUAGES
from dyno_agent.agent.offline.messages import speaking
from dyno_agent.agent.offline.parse import parse_request
from tests.agent.offline_model_fixtures import (
    CONTEXT,
    DYNOS,
    TEST_TYPES,
    TODAY,
    allocation,
    failed,
    ok,
    reply,
)

OFFLINE = Path(__file__).parents[2] / "src" / "dyno_agent" / "agent" / "offline"
# The same request in each language (what the user said before the tool ran).
ASKED = {
    "en": "what about booking 17 and vehicle 5?",
    "de": "was ist mit Buchung 17 und Fahrzeug 5?",
    "es": "¿qué pasa con la reserva 17 y el vehículo 5?",
    "pt": "e a reserva 17 e o veículo 5?",
    "fr": "et la réservation 17 et le véhicule 5 ?",
}
DYNO = {"id": 3, "name": "MPG 3", "facility": "MPG"}
BLOCKED = [{"dyno": "VTS #1", "reason": "busy", "detail": "booked #12"}]
RESULTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("cancel_allocation", {"allocation_id": 17}, ok({"allocation": allocation()})),
    ("reschedule_allocation", {"allocation_id": 17}, ok({"allocation": allocation()})),
    ("auto_allocate_vehicle", {"vehicle_id": 5}, ok({"allocation": allocation(), "shift_days": 2})),
    ("get_allocation", {"allocation_id": 17}, ok({"allocation": allocation()})),
    (
        "check_vehicle_allocation",
        {"vehicle_id": 5},
        ok({"vehicle": {"id": 5, "vin": "1FTFW1E50PFA12345"}, "allocations": [allocation()]}),
    ),
    (
        "find_available_dynos",
        {},
        ok(
            {
                "test_type": "brake",
                "drive_type": "AWD",
                "weight_class": "<10K",
                "start_date": "2026-03-09",
                "end_date": "2026-03-10",
                "free": [
                    {"name": "VTS #1", "facility": "VTS"},
                    {"name": "VTS #2", "facility": "VTS"},
                ],
            }
        ),
    ),
    (
        "find_available_dynos",
        {},
        ok(
            {
                "test_type": "brake",
                "drive_type": "AWD",
                "weight_class": "<10K",
                "start_date": "2026-03-09",
                "end_date": "2026-03-10",
                "free": [],
                "blocked": [{"dyno": {"name": "VTS #1"}, "reason": "maintenance", "detail": "x"}],
                "earliest_start": "2026-03-12",
                "earliest_dyno": {"name": "VTS #2"},
            }
        ),
    ),
    ("detect_conflicts", {"start_date": "2026-03-09"}, ok({"conflicts": []})),
    (
        "maintenance_check",
        {},
        ok(
            {
                "date": "2026-03-09",
                "dynos": [
                    {"dyno": DYNO, "status": "maintenance", "reason": "calibration"},
                    {"dyno": {"name": "MPG 4"}, "status": "available"},
                ],
            }
        ),
    ),
    ("get_tests_by_status", {"status": "delayed"}, ok({"total": 1, "allocations": [allocation()]})),
    ("completed_tests_count", {}, ok({"completed": 12})),
    ("my_allocations", {}, ok({"total": 0, "allocations": []})),
    (
        "get_dyno_schedule",
        {},
        ok(
            {
                "dyno": DYNO,
                "start_date": "2026-03-09",
                "end_date": "2026-03-13",
                "allocations": [allocation()],
                "maintenance": [],
            }
        ),
    ),
    (
        "utilization_report",
        {},
        ok({"start_date": "2026-03-01", "end_date": "2026-03-31", "overall": 0.42, "dynos": []}),
    ),
    (
        "get_dyno",
        {"dyno": "MPG 3"},
        ok(
            {
                "dyno": {
                    **DYNO,
                    "enabled": True,
                    "rules": [{"test_type": "brake", "drive_type": "AWD", "weight_class": "<10K"}],
                }
            }
        ),
    ),
    ("list_dynos", {}, ok({"dynos": [{**DYNO, "enabled": True}]})),
    ("cancel_allocation", {"allocation_id": 17}, failed("declined", "The user declined.")),
    ("cancel_allocation", {"allocation_id": 99}, failed("allocation_not_found", "Not found")),
    (
        "auto_allocate_vehicle",
        {"vehicle_id": 5, "test_type": "brake", "days_to_complete": 2},
        failed(
            "no_capacity",
            "No dyno is free",
            test_type="brake",
            blocked=BLOCKED,
            start_date="2026-03-09",
            end_date="2026-03-10",
            earliest_start="2026-03-12",
            earliest_dyno="VTS #2",
        ),
    ),
]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_has_every_language_and_formats_with_its_fields():
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGUAGES), key
        names = set().union(*(_fields(text) for text in entry.values()))
        for language, text in entry.items():
            assert text.format(**dict.fromkeys(names, "x")), (key, language)
    for key, forms in WORDS.items():
        assert set(forms) == set(LANGUAGES), key
        assert len({len(words) for words in forms.values()}) == 1, key


def test_every_key_the_offline_model_says_is_in_the_catalogue():
    used: set[str] = set()
    for path in OFFLINE.glob("*.py"):
        used |= set(re.findall(r"""\bsay\(\s*["']([\w.]+)["']""", path.read_text()))
        used |= set(re.findall(r"""\bwords\(\s*["']([\w.]+)["']""", path.read_text()))
    assert used, "no say(...) calls found"
    assert used - set(MESSAGES) - set(WORDS) == set()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "args", "body"), RESULTS, ids=lambda v: v if isinstance(v, str) else ""
)
async def test_an_answer_from_a_tool_result_is_in_the_language_of_the_request(
    language: str, name: str, args: dict[str, Any], body: dict[str, Any]
):
    call = AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "call_1"}])
    result = ToolMessage(content=json.dumps(body), tool_call_id="call_1", name=name)

    message = await reply(ASKED[language], call, result)

    assert message.tool_calls == []
    assert reply_language(str(message.content)) == language, message.content


async def test_ids_dyno_names_and_dates_stay_as_they_are():
    call = AIMessage(content="", tool_calls=[{"name": "cancel_allocation", "args": {}, "id": "c"}])
    result = ToolMessage(content=json.dumps(ok({"allocation": allocation()})), tool_call_id="c")

    message = await reply(ASKED["de"], call, result)

    assert message.content == (
        "Storniert: Buchung #17: brake-Test für VIN 1FTFW1E50PFA12345 auf **MPG 3**, "
        "2026-03-09 bis 2026-03-10 (2 Tage, scheduled)."
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("request_text", "field"),
    [
        ("Book a brake test next Monday for 2 days", "vehicle"),
        ("Book vehicle 5 for a brake test", "start_date"),
        ("cancel a booking", "allocation_id"),
        ("Book vehicle 5 next Monday for 2 days", "test_type"),
        ("which dynos are free for a brake test next week?", "weight"),
    ],
)
def test_a_clarifying_question_asks_for_the_field_in_the_language(
    language: str, request_text: str, field: str
):
    parsed = parse_request(request_text, TODAY, TEST_TYPES, DYNOS)
    assert field in parsed.missing

    with speaking(language):  # type: ignore[arg-type]
        question = replies.clarifying_question(parsed, CONTEXT)

    assert reply_language(question) == language, question
    assert "?" in question
    assert re.search(FIELD_WORDS[field], question, re.IGNORECASE), question


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusal_help_and_not_understood_are_in_the_language(language: str):
    with speaking(language):  # type: ignore[arg-type]
        texts = [
            replies.refusal(CONTEXT),
            replies.help_reply("", CONTEXT),
            replies.unknown_reply(CONTEXT),
            replies.sql_out_of_scope(CONTEXT),
        ]
    assert [reply_language(text) for text in texts] == [language] * 4


async def test_a_message_without_words_is_answered_in_the_conversations_language():
    call = AIMessage(content="", tool_calls=[{"name": "cancel_allocation", "args": {}, "id": "c"}])
    result = ToolMessage(content=json.dumps(ok({"allocation": allocation()})), tool_call_id="c")
    answered = await reply("Storniere Buchung 17", call, result)

    message = await reply("Storniere Buchung 17", call, result, answered, HumanMessage("???"))

    assert str(message.content).startswith("Ich bin Dyno Agent, der Planungsassistent des Labors")


async def test_english_answers_are_unchanged():
    call = AIMessage(content="", tool_calls=[{"name": "cancel_allocation", "args": {}, "id": "c"}])
    result = ToolMessage(content=json.dumps(ok({"allocation": allocation()})), tool_call_id="c")

    message = await reply(ASKED["en"], call, result)

    assert message.content == (
        "Cancelled booking #17: a brake test for VIN 1FTFW1E50PFA12345 on **MPG 3**, "
        "2026-03-09 to 2026-03-10 (2 days, scheduled)."
    )
