"""`dyno db`, `dyno users`, `dyno demo`, `dyno serve` and the shared error output."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.script import ScriptDirectory

from dyno_agent.cli import serve as serve_module
from dyno_agent.config import get_settings
from dyno_agent.db.migrate import alembic_config
from tests.cli.conftest import Dyno


def test_db_upgrade_current_and_downgrade_walk_the_schema(dyno_blank: Dyno):
    assert "empty" in dyno_blank("db", "current").stdout

    upgraded = dyno_blank("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    head = ScriptDirectory.from_config(alembic_config("unused")).get_current_head()
    assert head and head in upgraded.stdout
    assert "up to date" in dyno_blank("db", "current").stdout
    assert dyno_blank.scalar("SELECT count(*) FROM dynos") == 0

    downgraded = dyno_blank("db", "downgrade", "base")
    assert downgraded.exit_code == 0, downgraded.output
    assert "empty" in downgraded.stdout
    assert dyno_blank.scalar("SELECT to_regclass('public.dynos')") is None


def test_db_upgrade_to_an_unknown_revision_is_an_error_not_a_traceback(dyno_blank: Dyno):
    result = dyno_blank("db", "upgrade", "nope")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_commands_on_a_database_without_schema_say_to_upgrade(dyno_blank: Dyno):
    result = dyno_blank("users", "create", "a@lab.test", "--password", "long-enough-1")

    assert result.exit_code == 1
    assert "dyno db upgrade" in result.stderr


def test_users_create_stores_the_user_with_its_role(dyno: Dyno):
    result = dyno(
        "users", "create", "Boss@Lab.test", "--role", "admin", "--password", "long-enough-1",
        "--name", "The Boss",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "boss@lab.test (admin)" in result.stdout
    assert dyno.scalar("SELECT role FROM users WHERE email = 'boss@lab.test'") == "admin"


def test_users_create_prompts_for_the_password_twice(dyno: Dyno):
    result = dyno("users", "create", "eng@lab.test", input="long-enough-1\nlong-enough-1\n")

    assert result.exit_code == 0, result.output
    assert dyno.scalar("SELECT role FROM users WHERE email = 'eng@lab.test'") == "user"


def test_users_create_refuses_a_taken_email_with_exit_1(dyno: Dyno):
    dyno("users", "create", "eng@lab.test", "--password", "long-enough-1")
    result = dyno("users", "create", "ENG@lab.test", "--password", "long-enough-2")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: A user with this email already exists.")
    assert dyno.scalar("SELECT count(*) FROM users") == 1


def test_users_create_refuses_a_short_password_with_exit_2(dyno: Dyno):
    result = dyno("users", "create", "eng@lab.test", "--password", "short")

    assert result.exit_code == 2
    assert "at least 8 characters" in result.stderr
    assert dyno.scalar("SELECT count(*) FROM users") == 0


def test_demo_load_loads_once_and_prints_the_logins(dyno_blank: Dyno):
    first = dyno_blank("demo", "load")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded. (3 users, 23 dynos" in first.stdout
    assert "engineer@demo.local" in first.stdout and "demo1234" in first.stdout

    second = dyno_blank("demo", "load")
    assert second.exit_code == 0
    assert "already loaded" in second.stdout
    assert dyno_blank.scalar("SELECT count(*) FROM vehicles") == 60


def test_demo_load_refuses_a_database_holding_other_data(dyno: Dyno):
    dyno("users", "create", "eng@lab.test", "--password", "long-enough-1")
    result = dyno("demo", "load")

    assert result.exit_code == 1
    assert "not the demo dataset" in result.stderr
    assert dyno.scalar("SELECT count(*) FROM dynos") == 0


def test_today_option_sets_the_today_setting(dyno: Dyno):
    result = dyno("--today", "2030-01-15", "db", "current")

    assert result.exit_code == 0, result.output
    assert get_settings().today == dt.date(2030, 1, 15)


def test_a_malformed_today_is_a_usage_error(dyno: Dyno):
    result = dyno("--today", "15/01/2030", "db", "current")

    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Capture what `serve` would hand to uvicorn instead of blocking on a real server."""
    calls: dict = {}
    monkeypatch.setattr(
        serve_module.uvicorn, "run", lambda app, **kwargs: calls.update(app=app, **kwargs)
    )
    # The process-wide logging set-up of a real server would outlive this test.
    monkeypatch.setattr("dyno_agent.observability.logging.configure_logging", lambda settings: None)
    return calls


def test_serve_demo_migrates_loads_and_prints_urls_and_logins(dyno_blank: Dyno, served: dict):
    result = dyno_blank("serve", "--demo", "--port", "8765", "--today", "2026-03-02")

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8765/api/v1" in result.stdout
    assert "http://127.0.0.1:8765/docs" in result.stdout
    assert "admin@demo.local" in result.stdout and "power_user" in result.stdout
    assert served["port"] == 8765 and served["host"] == "127.0.0.1"
    # Each worker builds the app from the settings with this factory.
    assert served["app"] == "dyno_agent.app:served_app" and served["factory"] is True
    assert served["workers"] == 1
    # Idle connections outlive a proxy's upstream keep-alive (nginx 60 s).
    assert served["timeout_keep_alive"] == 75
    assert dyno_blank.scalar("SELECT value FROM app_meta WHERE key = 'dataset'") == "demo"
    assert get_settings().today == dt.date(2026, 3, 2)


def test_serve_demo_leaves_a_database_with_other_data_alone(dyno: Dyno, served: dict):
    dyno("users", "create", "eng@lab.test", "--password", "long-enough-1")
    result = dyno("serve", "--demo")

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: ")
    assert "demo1234" not in result.stdout
    assert dyno.scalar("SELECT count(*) FROM dynos") == 0
    assert "app" in served
