"""`dyno maintenance add`: refused over bookings (named by dyno, vehicle and dates), or with
`--move-bookings` the moves are shown, confirmed, and done together."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, pool, text

from tests.cli.conftest import Dyno

SETUP = """
INSERT INTO dynos (id, name, facility) VALUES (1, 'MPG 1', 'MPG'), (2, 'MPG 2', 'MPG');
INSERT INTO dyno_rules (dyno_id, test_type, drive_type, weight_class)
VALUES (1, 'brake', 'any', 'any'), (2, 'brake', 'any', 'any');
INSERT INTO vehicles (id, tag, drive_type, weight_class) VALUES
    (1, 'TAG-A', '2WD', '<10K'), (2, 'TAG-B', '2WD', '<10K');
INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date) VALUES
    (1, 1, 'brake', '2030-01-10', '2030-01-12'), (2, 2, 'brake', '2030-01-10', '2030-01-11');
"""
ADD = ("maintenance", "add", "MPG 1", "--start", "2030-01-10", "--end", "2030-01-11")


@pytest.fixture
def lab(dyno: Dyno) -> Dyno:
    engine = create_engine(dyno.url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        for statement in SETUP.split(";"):
            if statement.strip():
                conn.execute(text(statement))
    engine.dispose()
    return dyno


def placed(dyno: Dyno) -> list[tuple]:
    return [
        tuple(r) for r in dyno.rows("SELECT dyno_id, start_date::text FROM allocations ORDER BY id")
    ]


def test_maintenance_over_a_booking_is_refused_naming_dyno_vehicle_and_dates(lab: Dyno):
    result = lab(*ADD)
    assert result.exit_code == 1
    assert "error: MPG 1 is booked" in result.stderr
    assert "TAG-A (brake) 2030-01-10 to 2030-01-12" in result.stderr
    assert "--move-bookings" in result.stderr
    assert lab.scalar("SELECT count(*) FROM maintenance_windows") == 0


def test_move_bookings_shows_the_moves_and_declining_changes_nothing(lab: Dyno):
    result = lab(*ADD, "--move-bookings", input="n\n")
    assert result.exit_code == 1
    assert (
        "#1     TAG-A (brake): MPG 1 2030-01-10 to 2030-01-12 -> MPG 1 2030-01-12 to 2030-01-14"
        in result.stdout
    )
    assert lab.scalar("SELECT count(*) FROM maintenance_windows") == 0
    assert placed(lab)[0] == (1, "2030-01-10")


def test_move_bookings_confirmed_moves_them_and_adds_the_window(lab: Dyno):
    result = lab(*ADD, "--move-bookings", "--yes", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["applied"] is True and [m["to_dyno"] for m in body["moves"]] == ["MPG 1"]
    assert lab.scalar("SELECT count(*) FROM maintenance_windows") == 1
    assert placed(lab)[0] == (1, "2030-01-12")
