"""Booking and report commands, on a copy of the demo database (today pinned to 2026-03-02)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dyno_agent.scheduling import clock
from tests.cli.conftest import Dyno
from tests.conftest import TODAY

LATER = TODAY + dt.timedelta(days=40)  # past the demo's bookings: every vehicle is free
VTS_TRP = {"VTS #1", "VTS #2", "VTS #3", "TRP #1", "TRP #2", "TRP #3"}


def vin_of(dyno: Dyno, drive: str, weight_class: str) -> str:
    return str(
        dyno.scalar(
            "SELECT vin FROM vehicles WHERE drive_type = :d AND weight_class = :w ORDER BY id",
            d=drive,
            w=weight_class,
        )
    )


def test_allocate_books_a_compatible_dyno_and_the_audit_says_cli(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    result = dyno_demo(
        "allocate", "--vin", vin.lower(), "-t", "Brake", "--start", str(LATER), "--days", "3",
        "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["message"] == "Allocated in requested window."
    allocation = body["allocation"]
    assert allocation["dyno"]["name"] in VTS_TRP
    assert (allocation["status"], allocation["days"]) == ("scheduled", 3)
    channel = dyno_demo.scalar(
        "SELECT channel FROM allocation_events WHERE allocation_id = :i AND action = 'insert'",
        i=allocation["id"],
    )
    assert channel == "cli"


def test_allocate_prints_the_booking_and_message_as_text(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "4WD", ">10K")
    result = dyno_demo(
        "allocate", "--vin", vin, "-t", "coastdown", "--start", str(LATER), "--days", "1"
    )

    assert result.exit_code == 0, result.output
    assert "Track" in result.stdout and vin in result.stdout
    assert "Allocated in requested window." in result.stdout


def test_allocate_an_incompatible_test_fails_with_the_reason_and_books_nothing(dyno_demo: Dyno):
    before = dyno_demo.scalar("SELECT count(*) FROM allocations")
    vin = vin_of(dyno_demo, "2WD", ">10K")
    result = dyno_demo(
        "allocate", "--vin", vin, "-t", "emissions", "--start", str(LATER), "--days", "2"
    )

    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: No dyno is compatible with emissions for a 2WD vehicle of class >10K."
    )
    assert "Traceback" not in result.output
    assert dyno_demo.scalar("SELECT count(*) FROM allocations") == before


def test_allocate_starting_in_the_past_is_invalid_input(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    result = dyno_demo(
        "allocate", "--vin", vin, "-t", "brake", "--start", str(TODAY - dt.timedelta(days=1)),
        "--days", "2",
    )  # fmt: skip

    assert result.exit_code == 2
    assert "in the past" in result.stderr


def test_allocate_without_a_vehicle_is_invalid_input(dyno_demo: Dyno):
    result = dyno_demo("allocate", "-t", "brake", "--start", str(LATER), "--days", "2")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: give --vehicle, --tag or --vin")


def test_book_on_a_dyno_that_cannot_run_the_test_says_why(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    result = dyno_demo(
        "book", "Track", "--vin", vin, "-t", "brake", "--start", str(LATER), "--days", "2"
    )

    assert result.exit_code == 1
    assert "Track cannot run brake" in result.stderr


def test_book_reschedule_status_and_cancel_follow_the_lifecycle(
    dyno_demo: Dyno, monkeypatch: pytest.MonkeyPatch
):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    booked = dyno_demo(
        "book", "VTS #1", "--vin", vin, "-t", "brake", "--start", str(LATER), "--days", "2",
        "--json",
    )  # fmt: skip
    assert booked.exit_code == 0, booked.output
    allocation_id = str(json.loads(booked.stdout)["id"])

    moved = dyno_demo("reschedule", allocation_id, "--start", str(LATER + dt.timedelta(days=5)))
    assert moved.exit_code == 0, moved.output
    row = dyno_demo.rows(
        "SELECT start_date, end_date FROM allocations WHERE id = :i", i=allocation_id
    )
    assert tuple(row[0]) == (LATER + dt.timedelta(days=5), LATER + dt.timedelta(days=6))

    early = dyno_demo("status", allocation_id, "running")
    assert early.exit_code == 1
    assert f"starts on {LATER + dt.timedelta(days=5)}" in early.stderr
    monkeypatch.setattr(clock, "today", lambda: LATER + dt.timedelta(days=6))
    assert dyno_demo("status", allocation_id, "running").exit_code == 0
    actual = dyno_demo.scalar(
        "SELECT actual_start_date FROM allocations WHERE id = :i", i=allocation_id
    )
    assert actual == LATER + dt.timedelta(days=6)
    backwards = dyno_demo("status", allocation_id, "scheduled")
    assert backwards.exit_code == 1
    assert "cannot become scheduled" in backwards.stderr

    cancelled = dyno_demo("cancel", allocation_id)
    assert cancelled.exit_code == 0, cancelled.output
    status = dyno_demo.scalar("SELECT status FROM allocations WHERE id = :i", i=allocation_id)
    assert status == "cancelled"


def test_commands_on_an_unknown_allocation_say_it_does_not_exist(dyno_demo: Dyno):
    result = dyno_demo("cancel", "999999")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: Allocation 999999 does not exist.")


def test_availability_lists_the_free_dynos(dyno_demo: Dyno):
    args = ("availability", "-t", "coastdown", "--drive", "4x4", "--weight", "5000")
    as_json = dyno_demo(*args, "--start", str(LATER), "--days", "1", "--json")
    as_text = dyno_demo(*args, "--start", str(LATER), "--end", str(LATER))

    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.stdout)
    assert body["compatible"] is True and body["drive_type"] == "4WD"
    assert [d["name"] for d in body["free"]] == ["Track"]
    assert "1 dyno(s) free: Track." in as_text.stdout


def test_availability_needs_an_end_or_a_length(dyno_demo: Dyno):
    result = dyno_demo("availability", "-t", "brake", "--drive", "AWD", "--start", str(LATER))

    assert result.exit_code == 2
    assert "--end or --days" in result.stderr


def test_allocations_filters_by_status_and_vin(dyno_demo: Dyno):
    running = dyno_demo("allocations", "--status", "running", "--json")
    assert running.exit_code == 0, running.output
    rows = json.loads(running.stdout)
    expected = dyno_demo.scalar("SELECT count(*) FROM allocations WHERE status = 'running'")
    assert len(rows) == expected > 0
    assert {r["status"] for r in rows} == {"running"}

    vin = rows[0]["vehicle"]["vin"]
    by_vin = dyno_demo("allocations", "--vin", vin.lower())
    assert by_vin.exit_code == 0, by_vin.output
    lines = by_vin.stdout.strip().splitlines()
    assert all(vin in line for line in lines[:-1]) and lines[-1].endswith("allocation(s).")


def test_conflicts_finds_none_in_the_demo(dyno_demo: Dyno):
    result = dyno_demo("conflicts", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_utilization_covers_every_dyno(dyno_demo: Dyno):
    result = dyno_demo("utilization", "--start", str(TODAY), "--end", str(TODAY), "--json")

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len(body["dynos"]) == 23
    running = dyno_demo.scalar(
        "SELECT count(*) FROM allocations WHERE status = 'running' AND dyno_id IS NOT NULL"
    )
    assert sum(row["booked_days"] for row in body["dynos"]) == running
    text = dyno_demo("utilization")
    assert text.exit_code == 0 and "overall" in text.stdout


# `dyno approvals`: mark a dyno, a user's booking there waits, a power user decides.
DEMO_ENGINEER, DEMO_MANAGER = "engineer@demo.local", "manager@demo.local"


def test_a_request_on_an_approval_dyno_is_listed_refused_to_users_and_decided(dyno_demo: Dyno):
    assert dyno_demo("--as", DEMO_ENGINEER, "approvals", "dyno", "VTS #1", "--on").exit_code == 1
    marked = dyno_demo("approvals", "dyno", "VTS #1", "--on")
    assert marked.exit_code == 0 and "VTS #1 needs approval." in marked.stdout
    vin = dyno_demo.scalar(
        "SELECT vin FROM vehicles WHERE drive_type = '2WD' AND weight_class = '<10K' ORDER BY id"
    )
    booked = dyno_demo(
        "--as", DEMO_ENGINEER, "book", "VTS #1", "--vin", str(vin), "-t", "brake",
        "--start", str(LATER), "--days", "3",
    )  # fmt: skip
    assert booked.exit_code == 0, booked.output
    assert "awaits a power user's approval" in booked.stdout
    allocation_id = int(dyno_demo.scalar("SELECT max(id) FROM allocations"))

    queue = dyno_demo("approvals", "list", "--json")
    assert [r["allocation_id"] for r in json.loads(queue.stdout)] == [allocation_id]
    assert "1 request(s) waiting." in dyno_demo("approvals", "list").stdout

    denied = dyno_demo("--as", DEMO_ENGINEER, "approvals", "approve", str(allocation_id))
    assert denied.exit_code == 1 and "power user" in denied.stderr
    assert dyno_demo("approvals", "reject", str(allocation_id)).exit_code == 2  # no --reason

    rejected = dyno_demo(
        "--as", DEMO_MANAGER, "approvals", "reject", str(allocation_id), "-r", "needs calibration"
    )
    assert rejected.exit_code == 0, rejected.output
    assert "rejected" in rejected.stdout and "needs calibration" in rejected.stdout
    assert dyno_demo.rows(
        "SELECT status, approval, approval_reason FROM allocations WHERE id = :i", i=allocation_id
    ) == [("cancelled", "rejected", "needs calibration")]
