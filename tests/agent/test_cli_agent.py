"""`dyno ask`, `dyno resume`, `dyno chat` and `dyno eval` with the offline model, on a migrated
scratch database holding a small lab (today pinned to 2026-03-02; the default user is its admin)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dyno_agent.auth.models import Role
from dyno_agent.cli.main import app
from dyno_agent.config import get_settings
from dyno_agent.db.engine import make_engine, make_session_factory
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Dyno
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle

# The CLI tests' database fixtures: `dyno` (migrated, empty), `dyno_blank` (no schema).
blank_url = cli_fixtures.blank_url
dyno = cli_fixtures.dyno
dyno_blank = cli_fixtures.dyno_blank

BOOK = "Book vehicle 5 for a brake test next Monday for 2 days"
LATER = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def offline_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DYNO_LLM", "offline")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def lab(dyno: Dyno) -> Dyno:
    """An admin (the default user), an engineer, two brake dynos, vehicles 1-6, and two of the
    engineer's scheduled bookings."""

    async def seed() -> None:
        engine = make_engine(dyno.url, pool_size=1)
        try:
            async with make_session_factory(engine)() as session, session.begin():
                await make_user(session, Role.admin, email="admin@lab.test")
                engineer = await make_user(session, Role.user, email="engineer@lab.test")
                await make_dyno(session, "VTS #1", facility="VTS")
                busy = await make_dyno(session, "VTS #2", facility="VTS")
                vehicles = [await make_vehicle(session) for _ in range(6)]
                for offset, vehicle in enumerate(vehicles[:2]):
                    start = LATER + dt.timedelta(days=2 * offset)
                    await make_allocation(session, vehicle, busy, start, start, created_by=engineer)
        finally:
            await engine.dispose()

    asyncio.run(seed())
    return dyno


def events_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def open_bookings(lab: Dyno) -> list[int]:
    return [int(r[0]) for r in lab.rows("SELECT id FROM allocations ORDER BY id")]


def status_of(lab: Dyno, allocation_id: int) -> str:
    return str(lab.scalar("SELECT status FROM allocations WHERE id = :i", i=allocation_id))


# dyno ask ----------------------------------------------------------------------------------------
def test_ask_json_books_the_vehicle_and_prints_the_chat_events(lab: Dyno):
    result = lab("ask", "--json", "--today", "2026-03-02", BOOK)

    assert result.exit_code == 0, result.output
    events = events_of(result.stdout)
    assert kinds(events)[0] == "conversation" and kinds(events)[-1] == "done"
    call = next(e for e in events if e["type"] == "tool_call")
    assert call == {
        "type": "tool_call",
        "name": "auto_allocate_vehicle",
        "args": {
            "vehicle_id": 5,
            "start_date": "2026-03-09",
            "days_to_complete": 2,
            "test_type": "brake",
        },
    }
    outcome = next(e for e in events if e["type"] == "tool_result")
    assert outcome["ok"] is True, outcome
    assert any(e["type"] == "assistant" for e in events)
    booked = lab.rows(
        "SELECT a.start_date, a.end_date, a.test_type, u.email FROM allocations a "
        "JOIN users u ON u.id = a.created_by WHERE a.vehicle_id = 5 AND a.start_date = '2026-03-09'"
    )
    assert [(str(r[0]), str(r[1]), r[2], r[3]) for r in booked] == [
        ("2026-03-09", "2026-03-10", "brake", "admin@lab.test")
    ]
    conversation = uuid.UUID(events[0]["id"])
    title = lab.scalar("SELECT title FROM conversations WHERE id = :i", i=conversation)
    assert "vehicle 5" in str(title)


def test_ask_prints_text_with_tool_lines_for_people(lab: Dyno):
    result = lab("ask", BOOK)

    assert result.exit_code == 0, result.output
    assert "→ auto_allocate_vehicle(vehicle_id=5, " in result.stdout
    assert "← Booked #" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_ask_cancel_asks_for_confirmation_and_changes_nothing(lab: Dyno):
    booking = open_bookings(lab)[0]

    result = lab("ask", "--json", f"cancel allocation {booking}")

    assert result.exit_code == 0, result.output
    events = events_of(result.stdout)
    assert kinds(events)[0] == "conversation" and kinds(events)[-1] == "done"
    confirm = next(e for e in events if e["type"] == "confirm")
    assert confirm["action"] == "cancel_allocation"
    assert confirm["args"] == {"allocation_id": booking}
    assert "tool_result" not in kinds(events)
    assert status_of(lab, booking) == "scheduled"


def test_ask_cancel_in_text_mode_says_how_to_answer_later(lab: Dyno):
    booking = open_bookings(lab)[0]

    result = lab("ask", f"cancel allocation {booking}")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("? ") >= 1
    assert "dyno resume" in result.stderr and "--approve" in result.stderr
    assert status_of(lab, booking) == "scheduled"


def test_ask_yes_approves_and_cancels(lab: Dyno):
    booking = open_bookings(lab)[0]

    result = lab("ask", "--json", "--yes", f"cancel allocation {booking}")

    assert result.exit_code == 0, result.output
    events = events_of(result.stdout)
    assert kinds(events)[-1] == "done"
    assert "confirm" in kinds(events)
    outcome = next(e for e in events if e["type"] == "tool_result")
    assert (outcome["name"], outcome["ok"]) == ("cancel_allocation", True)
    assert status_of(lab, booking) == "cancelled"


def test_resume_approve_and_reject_answer_the_pending_confirmation(lab: Dyno):
    first, second = open_bookings(lab)
    asked = [
        events_of(lab("ask", "--json", f"cancel allocation {n}").stdout) for n in (first, second)
    ]
    approve_id, reject_id = (events[0]["id"] for events in asked)

    approved = lab("resume", approve_id, "--approve", "--json")
    rejected = lab("resume", reject_id, "--reject")

    assert approved.exit_code == 0, approved.output
    assert rejected.exit_code == 0, rejected.output
    outcome = next(e for e in events_of(approved.stdout) if e["type"] == "tool_result")
    assert outcome["ok"] is True
    assert (status_of(lab, first), status_of(lab, second)) == ("cancelled", "scheduled")
    assert "← ✗ declined" in rejected.stdout
    again = lab("resume", approve_id, "--approve")
    assert again.exit_code == 1
    assert "waiting for a confirmation" in again.stderr


def test_ask_as_an_unknown_user_is_an_error(lab: Dyno):
    result = lab("ask", "--user", "nobody@lab.test", BOOK)

    assert result.exit_code == 1
    assert result.stderr.startswith("error: No user with email nobody@lab.test")
    assert lab.scalar("SELECT count(*) FROM conversations") == 0


def test_ask_as_a_named_user_books_in_their_name(lab: Dyno):
    result = lab("ask", "--json", "--user", "Engineer@Lab.test", BOOK)

    assert result.exit_code == 0, result.output
    owner = lab.scalar("SELECT u.email FROM conversations c JOIN users u ON u.id = c.owner_id")
    assert owner == "engineer@lab.test"


def test_ask_in_an_unknown_conversation_is_an_error(lab: Dyno):
    result = lab("ask", "--conversation", str(uuid.uuid4()), BOOK)

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


def test_ask_continues_a_conversation(lab: Dyno):
    first = events_of(lab("ask", "--json", "Book a brake test next Monday for 2 days").stdout)
    conversation = first[0]["id"]

    result = lab("ask", "--json", "--conversation", conversation, "vehicle 5")

    events = events_of(result.stdout)
    assert events[0] == {"type": "conversation", "id": conversation}
    call = next(e for e in events if e["type"] == "tool_call")
    assert call["args"]["vehicle_id"] == 5 and call["args"]["start_date"] == "2026-03-09"


def test_ask_on_a_database_without_schema_says_to_upgrade(dyno_blank: Dyno):
    result = dyno_blank("ask", BOOK)

    assert result.exit_code == 1
    assert "dyno db upgrade" in result.stderr
    assert "Traceback" not in result.output


def test_ask_when_the_model_fails_prints_the_error_event_and_exits_1(
    lab: Dyno, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DYNO_LLM", "no_such_provider:some-model")
    get_settings.cache_clear()

    result = lab("ask", "--json", BOOK)

    assert result.exit_code == 1
    events = events_of(result.stdout)
    assert kinds(events)[0] == "conversation" and kinds(events)[-1] == "done"
    assert "error" in kinds(events)
    assert lab.scalar("SELECT count(*) FROM allocations WHERE vehicle_id = 5") == 0


def test_ask_with_an_unreachable_database_is_an_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    get_settings.cache_clear()

    result = CliRunner().invoke(app, ["ask", BOOK])

    assert result.exit_code == 1
    assert result.stderr.startswith("error: database error")
    assert "Traceback" not in result.output


# dyno chat ---------------------------------------------------------------------------------------
def test_chat_answers_each_line_until_exit(lab: Dyno):
    result = lab("chat", input=f"{BOOK}\nwhat day is it?\nexit\n")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("you> ") == 3
    assert "← Booked #" in result.stdout
    assert "2026-03-02" in result.stdout
    assert lab.scalar("SELECT count(*) FROM conversations") == 1


def test_chat_asks_before_cancelling_and_obeys_the_answer(lab: Dyno):
    first, second = open_bookings(lab)

    result = lab("chat", input=f"cancel allocation {first}\ny\ncancel allocation {second}\nn\n")

    assert result.exit_code == 0, result.output  # Ctrl-D (end of input) ends the session
    assert result.stdout.count("Approve?") == 2
    assert (status_of(lab, first), status_of(lab, second)) == ("cancelled", "scheduled")


# dyno eval ---------------------------------------------------------------------------------------
CASES = """
today: 2026-03-02
cases:
  - id: books
    user: Book vehicle 5 for a brake test next Monday for 2 days
    expect: {tool: auto_allocate_vehicle, args: {vehicle_id: 5, start_date: 2026-03-09}}
  - id: wrong-on-purpose
    user: Book vehicle 5 for a brake test next Monday for 2 days
    expect: {tool: auto_allocate_vehicle, args: {vehicle_id: 6}}
"""


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES)
    return path


def test_eval_prints_each_case_and_the_closing_line_last(cases_file: Path):
    result = CliRunner().invoke(app, ["eval", str(cases_file)])

    lines = result.stdout.splitlines()
    assert lines[0] == "PASS  books"
    assert lines[1].startswith("FAIL  wrong-on-purpose  auto_allocate_vehicle: vehicle_id=5")
    assert lines[-1] == "1 passed, 1 failed"
    assert result.exit_code == 1  # 50% is under the default --min-pass 0.9
    assert lines[2].split() == ["category", "passed", "total", "rate", "turns"]
    assert lines[3].split() == ["tool", "1", "2", "50.0%", "1/2"]


def test_eval_on_a_directory_runs_every_yaml_file_in_it(cases_file: Path):
    (cases_file.parent / "more.yaml").write_text(
        "cases:\n  - {id: poem, category: refuse, user: Write me a poem, expect: refuse}\n"
    )
    result = CliRunner().invoke(app, ["eval", str(cases_file.parent), "--min-pass", "0.5"])

    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:3]] == ["books", "wrong-on-purpose", "poem"]
    assert lines[-1] == "2 passed, 1 failed"
    assert result.exit_code == 0, result.output


def test_eval_exit_code_follows_min_pass_and_json_lists_cases(cases_file: Path):
    result = CliRunner().invoke(app, ["eval", str(cases_file), "--json", "--min-pass", "0.5"])

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row.get("id") for row in rows[:2]] == ["books", "wrong-on-purpose"]
    assert rows[-1] == {
        "passed": 1,
        "failed": 1,
        "pass_rate": 0.5,
        "categories": [
            {
                "category": "tool", "passed": 1, "total": 2, "pass_rate": 0.5,
                "turns": 2, "turns_passed": 1,
            }
        ],
    }  # fmt: skip
    assert result.stderr.splitlines()[-1] == "1 passed, 1 failed"


def test_eval_rejects_an_invalid_file_with_exit_2(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("cases:\n  - id: x\n    user: hi\n    expect: {tool: launch_rocket}\n")
    result = CliRunner().invoke(app, ["eval", str(path)])

    assert result.exit_code == 2
    assert "unknown tool 'launch_rocket'" in result.stderr
