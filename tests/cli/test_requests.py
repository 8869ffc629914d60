"""`dyno requests ...` on a copy of the demo database: add, show, list, edit, cancel, roles."""

from __future__ import annotations

import datetime as dt
import getpass
import json

from tests.cli.conftest import Dyno
from tests.conftest import TODAY

START = str(TODAY + dt.timedelta(days=40))


def vehicle(dyno: Dyno, n: int = 0) -> tuple[int, str]:
    row = dyno.rows("SELECT id, vin FROM vehicles ORDER BY id OFFSET :n LIMIT 1", n=n)[0]
    return int(row[0]), str(row[1])


def add(dyno: Dyno, *args: str) -> dict:
    result = dyno("requests", "add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_records_an_open_request_by_vin_and_the_audit_says_cli(dyno_demo: Dyno):
    vehicle_id, vin = vehicle(dyno_demo)
    created = add(
        dyno_demo, "--vin", vin.lower(), "-t", "150K Mileage", "--step", "0K - 5K",
        "--days", "30", "--earliest", START, "--priority", "4",
    )  # fmt: skip

    assert (created["vehicle_id"], created["status"]) == (vehicle_id, "open")
    assert (created["test_type"], created["mileage_step"]) == ("150k mileage", "0K-5K")
    assert (created["desired_start"], created["priority"]) == (START, 4)
    audit = dyno_demo.rows(
        "SELECT action, channel, actor_label FROM audit_log "
        "WHERE table_name = 'test_requests' AND row_id = :i",
        i=created["id"],
    )
    assert audit == [("insert", "cli", f"os:{getpass.getuser()}")]


def test_add_and_edit_name_the_vehicle_by_tag(dyno_demo: Dyno):
    (first, tag), (second, other) = (
        tuple(row) for row in dyno_demo.rows("SELECT id, tag FROM vehicles ORDER BY id LIMIT 2")
    )
    created = add(
        dyno_demo, "--tag", str(tag).lower(), "-t", "brake", "--step", "0K-5K",
        "--days", "3", "--earliest", START,
    )  # fmt: skip
    assert created["vehicle_id"] == first
    edited = dyno_demo("requests", "edit", str(created["id"]), "--tag", str(other), "--json")
    assert edited.exit_code == 0, edited.output
    assert json.loads(edited.stdout)["vehicle_id"] == second


def test_show_and_list_print_one_line_per_request_and_filter(dyno_demo: Dyno):
    first, _ = vehicle(dyno_demo)
    _, vin = vehicle(dyno_demo, 1)
    a = add(dyno_demo, "--vehicle", str(first), "-t", "brake", "--step", "P702",
            "--days", "2", "--earliest", START)  # fmt: skip
    b = add(dyno_demo, "--vin", vin, "-t", "150k mileage", "--step", "5K-75K",
            "--days", "60", "--earliest", START, "--priority", "5")  # fmt: skip

    shown = dyno_demo("requests", "show", str(a["id"]))
    assert shown.exit_code == 0, shown.output
    assert f"#{a['id']}" in shown.stdout and "brake" in shown.stdout and "open" in shown.stdout

    listed = dyno_demo("requests", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.strip().endswith("2 of 2 test request(s).")
    by_vin = dyno_demo("requests", "list", "--vin", vin.lower(), "--json")
    assert [r["id"] for r in json.loads(by_vin.stdout)] == [b["id"]]
    by_priority = dyno_demo("requests", "list", "--min-priority", "5", "--json")
    assert [r["id"] for r in json.loads(by_priority.stdout)] == [b["id"]]
    by_step = dyno_demo("requests", "list", "--step", "5k - 75k", "--json")
    assert [r["id"] for r in json.loads(by_step.stdout)] == [b["id"]]


def test_edit_changes_only_the_options_given_and_cancel_is_final(dyno_demo: Dyno):
    vehicle_id, _ = vehicle(dyno_demo)
    created = add(dyno_demo, "--vehicle", str(vehicle_id), "-t", "brake", "--step", "P702",
                  "--days", "2", "--earliest", START, "--notes", "keep")  # fmt: skip

    edited = dyno_demo("requests", "edit", str(created["id"]), "--days", "3", "--json")
    assert edited.exit_code == 0, edited.output
    body = json.loads(edited.stdout)
    assert (body["days"], body["notes"], body["earliest_start"]) == (3, "keep", START)

    cancelled = dyno_demo("requests", "cancel", str(created["id"]))
    assert cancelled.exit_code == 0 and "Cancelled." in cancelled.stdout
    again = dyno_demo("requests", "cancel", str(created["id"]))
    assert again.exit_code == 1 and again.stderr.startswith("error: Test request")
    assert (
        dyno_demo.scalar("SELECT status FROM test_requests WHERE id = :i", i=created["id"])
        == "cancelled"
    )


def test_a_duplicate_is_refused_and_bad_input_exits_with_2(dyno_demo: Dyno):
    vehicle_id, _ = vehicle(dyno_demo)
    args = ("--vehicle", str(vehicle_id), "-t", "brake", "--step", "P702", "--earliest", START)
    add(dyno_demo, *args, "--days", "2")

    duplicate = dyno_demo("requests", "add", *args, "--days", "2")
    assert duplicate.exit_code == 1 and "already has a brake request" in duplicate.stderr
    too_long = dyno_demo("requests", "add", *args, "--days", "500")
    assert too_long.exit_code == 2 and "days" in too_long.stderr
    backwards = dyno_demo(
        "requests", "add", *args[:5], "75K-5K", "--earliest", START, "--days", "2"
    )
    assert backwards.exit_code == 2 and "Mileage step" in backwards.stderr
    assert dyno_demo.scalar("SELECT count(*) FROM test_requests") == 1


def test_an_engineer_may_list_but_not_add(dyno_demo: Dyno):
    vehicle_id, _ = vehicle(dyno_demo)
    refused = dyno_demo(
        "--as", "engineer@demo.local", "requests", "add", "--vehicle", str(vehicle_id),
        "-t", "brake", "--step", "P702", "--days", "2", "--earliest", START,
    )  # fmt: skip
    assert refused.exit_code == 1 and "power_user" in refused.stderr
    listed = dyno_demo("--as", "engineer@demo.local", "requests", "list")
    assert listed.exit_code == 0 and "0 of 0 test request(s)." in listed.stdout


def test_an_unknown_request_is_an_error(dyno_demo: Dyno):
    result = dyno_demo("requests", "show", "999999")
    assert result.exit_code == 1 and "does not exist" in result.stderr
