"""`dyno approvals`: mark a dyno, a user's booking there waits, a power user decides."""

from __future__ import annotations

import datetime as dt
import json

from tests.cli.conftest import Dyno
from tests.conftest import TODAY

LATER = TODAY + dt.timedelta(days=40)  # past the demo's bookings
ENGINEER, MANAGER = "engineer@demo.local", "manager@demo.local"


def test_a_request_on_an_approval_dyno_is_listed_refused_to_users_and_decided(dyno_demo: Dyno):
    assert dyno_demo("--as", ENGINEER, "approvals", "dyno", "VTS #1", "--on").exit_code == 1
    marked = dyno_demo("approvals", "dyno", "VTS #1", "--on")
    assert marked.exit_code == 0 and "VTS #1 needs approval." in marked.stdout
    vin = dyno_demo.scalar(
        "SELECT vin FROM vehicles WHERE drive_type = '2WD' AND weight_class = '<10K' ORDER BY id"
    )
    booked = dyno_demo(
        "--as", ENGINEER, "book", "VTS #1", "--vin", str(vin), "-t", "brake",
        "--start", str(LATER), "--days", "3",
    )  # fmt: skip
    assert booked.exit_code == 0, booked.output
    assert "awaits a power user's approval" in booked.stdout
    allocation_id = int(dyno_demo.scalar("SELECT max(id) FROM allocations"))

    queue = dyno_demo("approvals", "list", "--json")
    assert [r["allocation_id"] for r in json.loads(queue.stdout)] == [allocation_id]
    assert "1 request(s) waiting." in dyno_demo("approvals", "list").stdout

    denied = dyno_demo("--as", ENGINEER, "approvals", "approve", str(allocation_id))
    assert denied.exit_code == 1 and "power user" in denied.stderr
    assert dyno_demo("approvals", "reject", str(allocation_id)).exit_code == 2  # no --reason

    rejected = dyno_demo(
        "--as", MANAGER, "approvals", "reject", str(allocation_id), "-r", "needs calibration"
    )
    assert rejected.exit_code == 0, rejected.output
    assert "rejected" in rejected.stdout and "needs calibration" in rejected.stdout
    assert dyno_demo.rows(
        "SELECT status, approval, approval_reason FROM allocations WHERE id = :i", i=allocation_id
    ) == [("cancelled", "rejected", "needs calibration")]
