"""Notes and references from the command line: `--note`/`--ref` when booking, `dyno note` to set,
add to or clear them, `dyno allocations --search` to find them; errors name the flags."""

from __future__ import annotations

import datetime as dt
import json

from tests.cli.conftest import Dyno
from tests.conftest import TODAY

LATER = TODAY + dt.timedelta(days=40)  # past the demo's bookings: every vehicle is free


def test_notes_are_set_when_booking_edited_later_and_found_by_search(dyno_demo: Dyno) -> None:
    vin = str(dyno_demo.scalar("SELECT vin FROM vehicles WHERE drive_type = '2WD' ORDER BY id"))
    made = dyno_demo(
        "allocate", "--vin", vin, "-t", "brake", "--start", str(LATER), "--days", "2",
        "--note", "waiting for tyres", "--ref", "WO-4471", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    booking = json.loads(made.stdout)["allocation"]
    assert (booking["notes"], booking["reference"]) == ("waiting for tyres", "WO-4471")

    added = dyno_demo("note", str(booking["id"]), "--note", "tyres arrived", "--append")
    assert added.exit_code == 0, added.output
    assert "[WO-4471]" in added.stdout and "note: waiting for tyres\ntyres arrived" in added.stdout
    refused = dyno_demo("note", str(booking["id"]), "--ref", "WO-9", "--append")
    assert refused.exit_code == 1 and "already has the reference 'WO-4471'" in refused.output

    found = dyno_demo("allocations", "--search", "TYRES")
    assert found.exit_code == 0, found.output
    assert f"#{booking['id']}" in found.stdout and "1 of 1 allocation(s)." in found.stdout
    cleared = dyno_demo("note", str(booking["id"]), "--note", "", "--json")
    assert json.loads(cleared.stdout)["notes"] is None
    assert "0 of 0" in dyno_demo("allocations", "-q", "tyres").stdout


def test_a_bad_reference_is_refused_naming_the_flag_and_nothing_is_booked(dyno_demo: Dyno) -> None:
    before = dyno_demo.scalar("SELECT count(*) FROM allocations")
    vin = str(dyno_demo.scalar("SELECT vin FROM vehicles WHERE drive_type = '2WD' ORDER BY id"))
    result = dyno_demo(
        "allocate", "--vin", vin, "-t", "brake", "--start", str(LATER), "--days", "2",
        "--ref", "WO<1>",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--ref" in result.output and "reference" in result.output
    assert "Value error" not in result.output
    assert dyno_demo.scalar("SELECT count(*) FROM allocations") == before
    bell = dyno_demo("note", "1", "--note", "ring\x07")
    assert bell.exit_code == 2 and "--note" in bell.output and "U+0007" in bell.output
    assert dyno_demo("note", "1").exit_code == 2
