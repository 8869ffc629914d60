"""`dyno import forecast FILE`: the summary and problem table, exit codes, --json."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy.engine import URL

from dyno_agent.db.engine import make_engine, make_session_factory
from tests.cli.conftest import Dyno
from tests.forecast.conftest import WORKBOOK, make_lab


def add_lab(url: URL) -> None:
    async def load() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with make_session_factory(engine)() as session:
                await make_lab(session)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(load())


def test_dry_run_prints_a_summary_and_the_problems_then_the_import_runs_once(dyno: Dyno) -> None:
    add_lab(dyno.url)
    dry = dyno("import", "forecast", str(WORKBOOK), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "591 rows, 582 valid, 9 invalid." in dry.output
    assert "478 vehicles, 566 requests, 16 allocations" in dry.output
    assert "lasts 160 days" in dry.output  # the problem table: row 77
    assert dyno.scalar("SELECT count(*) FROM vehicles") == 0

    blocked = dyno("import", "forecast", str(WORKBOOK))
    assert blocked.exit_code == 1
    assert "9 of 591 row(s) are invalid; nothing was imported" in blocked.output
    assert dyno.scalar("SELECT count(*) FROM test_requests") == 0

    done = dyno("import", "forecast", str(WORKBOOK), "--skip-invalid", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["created"] == {"vehicles": 478, "requests": 566, "allocations": 16}
    assert dyno.scalar("SELECT count(*) FROM test_requests") == 566
    assert dyno.scalar("SELECT count(*) FROM audit_log WHERE channel = 'import'") > 566

    again = dyno("import", "forecast", str(WORKBOOK), "--skip-invalid")
    assert again.exit_code == 0, again.output
    assert "Created: 0 vehicles, 0 requests, 0 allocations." in again.output
    assert "Unchanged: 582." in again.output


def test_a_file_that_is_not_a_workbook_exits_with_an_error(dyno: Dyno, tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    result = dyno("import", "forecast", str(bad), "--dry-run")
    assert result.exit_code == 2
    assert "is not an .xlsx workbook" in result.output
