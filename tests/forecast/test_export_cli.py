"""`dyno export schedule` on a copy of the demo database: the files it writes, filters, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dyno_agent.forecast import columns as c
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Dyno
from tests.conftest import TODAY
from tests.forecast.export_fixtures import read_csv, read_xlsx

# The CLI tests' fixtures: `dyno demo` on a fresh copy of a demo database (today pinned).
demo_template = cli_fixtures.demo_template
dyno_demo = cli_fixtures.dyno_demo

ACTIVE = "a.status IN ('scheduled', 'delayed', 'running', 'completed')"


def test_the_workbook_holds_every_active_booking_and_a_sheet_per_facility(
    dyno_demo: Dyno, tmp_path: Path
):
    target = tmp_path / "schedule.xlsx"

    result = dyno_demo("export", "schedule", "--xlsx", str(target))

    assert result.exit_code == 0, result.output
    bookings = dyno_demo.rows(
        "SELECT d.facility, d.name, a.start_date FROM allocations a "
        f"JOIN dynos d ON d.id = a.dyno_id WHERE {ACTIVE} ORDER BY a.start_date, d.name, a.id"
    )
    assert f"Wrote {len(bookings)} row(s) to {target}." in result.output
    sheets = read_xlsx(target.read_bytes())
    main = sheets.pop(c.FORECAST_SHEET)
    assert [(r[c.FACILITY], r[c.ESTIMATED_START].date()) for r in main] == [
        (facility, start) for facility, _, start in bookings
    ]
    assert sorted(sheets) == sorted({facility for facility, _, _ in bookings})
    for facility, rows in sheets.items():
        assert rows == [r for r in main if r[c.FACILITY] == facility]


def test_the_csv_takes_the_facility_and_date_filters(dyno_demo: Dyno, tmp_path: Path):
    target = tmp_path / "mpg.csv"
    start, end = TODAY, TODAY + dt.timedelta(days=14)

    result = dyno_demo(
        "export", "schedule", "--csv", str(target), "--facility", "mpg",
        "--from", str(start), "--to", str(end),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    expected = dyno_demo.scalar(
        f"SELECT count(*) FROM allocations a JOIN dynos d ON d.id = a.dyno_id WHERE {ACTIVE} "
        "AND d.facility = 'MPG' AND a.end_date >= :s AND a.start_date <= :e",
        s=start,
        e=end,
    )
    rows = read_csv(target.read_text())
    assert 0 < len(rows) == expected
    assert {r[c.FACILITY] for r in rows} == {"MPG"}
    assert all(r[c.ESTIMATED_START] <= str(end) for r in rows)


def test_it_needs_exactly_one_file_and_a_writable_place(dyno_demo: Dyno, tmp_path: Path):
    neither = dyno_demo("export", "schedule")
    both = dyno_demo("export", "schedule", "--xlsx", "a.xlsx", "--csv", "a.csv")
    nowhere = dyno_demo("export", "schedule", "--csv", str(tmp_path / "missing" / "a.csv"))
    backwards = dyno_demo(
        "export", "schedule", "--csv", str(tmp_path / "b.csv"), "--from", "2026-03-05",
        "--to", "2026-03-04",
    )  # fmt: skip

    assert (neither.exit_code, both.exit_code) == (2, 2)
    assert "give either --xlsx FILE or --csv FILE" in neither.output
    assert nowhere.exit_code == 1 and "cannot write" in nowhere.output
    assert backwards.exit_code == 2 and "--to is before --from" in backwards.output
    assert not (tmp_path / "b.csv").exists()
