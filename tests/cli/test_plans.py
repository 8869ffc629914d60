"""`dyno plan` on a copy of the demo database: a preview books nothing, --commit books the plan
with no overlap (checked in SQL), and only a power user may commit."""

from __future__ import annotations

import datetime as dt
import json

from tests.cli.conftest import Dyno
from tests.conftest import TODAY
from tests.planning.plans_data import OVERLAPS_SQL

START = str(TODAY + dt.timedelta(days=3))


def add_requests(dyno: Dyno) -> list[int]:
    vehicles = dyno.rows("SELECT id FROM vehicles ORDER BY id LIMIT 2")
    ids = []
    for (vehicle_id,), step in zip(
        vehicles * 2, ["0K-5K", "0K-5K", "5K-75K", "5K-75K"], strict=True
    ):
        result = dyno(
            "requests", "add", "--vehicle", str(vehicle_id), "-t", "150K Mileage", "--step", step,
            "--days", "20", "--earliest", START, "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        ids.append(json.loads(result.stdout)["id"])
    return ids


def test_plan_previews_and_prints_the_summary_and_assignments(dyno_demo: Dyno):
    ids = add_requests(dyno_demo)
    bookings = dyno_demo.scalar("SELECT count(*) FROM allocations")
    result = dyno_demo("plan", "--horizon", "120", "--time-limit", "2")
    assert result.exit_code == 0, result.output
    assert "4 of 4 placed, 0 unplaced" in result.stdout
    assert "Assignments:" in result.stdout and "Preview only" in result.stdout
    for request_id in ids:
        assert f"#{request_id} " in result.stdout
    assert dyno_demo.scalar("SELECT count(*) FROM allocations") == bookings
    assert dyno_demo.scalar("SELECT status FROM plans") == "preview"


def test_plan_commit_books_every_assignment_without_overlaps(dyno_demo: Dyno):
    ids = add_requests(dyno_demo)
    result = dyno_demo("plan", "--horizon", "120", "--time-limit", "2", "--commit", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["commit"]["booked"] == 4 and body["plan"]["summary"]["placed"] == 4
    assert dyno_demo.scalar(OVERLAPS_SQL) == 0
    booked = dyno_demo.rows(
        "SELECT r.id, a.dyno_id, a.start_date FROM test_requests r "
        "JOIN allocations a ON a.id = r.allocation_id WHERE r.status = 'booked' ORDER BY r.id"
    )
    assert [row[0] for row in booked] == ids
    planned = {
        a["request_id"]: (a["dyno_id"], a["start_date"]) for a in body["plan"]["assignments"]
    }
    assert {r: (d, s.isoformat()) for r, d, s in booked} == planned
    assert dyno_demo.scalar("SELECT status FROM plans") == "committed"


def test_only_a_power_user_may_commit_a_plan(dyno_demo: Dyno):
    add_requests(dyno_demo)
    email = dyno_demo.scalar("SELECT email FROM users WHERE role = 'user' LIMIT 1")
    bookings = dyno_demo.scalar("SELECT count(*) FROM allocations")
    result = dyno_demo("--as", str(email), "plan", "--time-limit", "1", "--commit")
    assert result.exit_code == 1
    assert "power_user" in result.stderr
    assert dyno_demo.scalar("SELECT count(*) FROM allocations") == bookings
    assert dyno_demo.scalar("SELECT count(*) FROM test_requests WHERE status = 'booked'") == 0


def test_plan_refuses_a_time_limit_over_the_setting(dyno_demo: Dyno):
    result = dyno_demo("plan", "--time-limit", "100000")
    assert result.exit_code == 2 and "time_limit_s" in result.stderr
