"""`dyno availability --vin/--tag`: the vehicle's drive and weight class stand in for the flags."""

from __future__ import annotations

import json

from tests.cli.conftest import Dyno
from tests.cli.test_booking import LATER, vin_of


def test_availability_for_a_vin_uses_the_vehicles_drive_and_weight_class(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "4WD", ">10K")
    result = dyno_demo(
        "availability", "-t", "coastdown", "--vin", vin.lower(), "--start", str(LATER),
        "--days", "1", "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["drive_type"], body["weight_class"]) == ("4WD", ">10K")
    assert [d["name"] for d in body["free"]] == ["Track"]


def test_availability_needs_a_vehicle_or_its_drive(dyno_demo: Dyno):
    neither = dyno_demo("availability", "-t", "brake", "--start", str(LATER), "--days", "1")
    assert neither.exit_code == 2 and "--vin or --tag" in neither.stderr
    unknown = dyno_demo(
        "availability", "-t", "brake", "--vin", "1FTFW1E50PFA00000", "--start", str(LATER),
        "--days", "1",
    )  # fmt: skip
    assert unknown.exit_code == 1 and "No vehicle with VIN" in unknown.stderr


def test_a_vehicle_booked_in_the_window_gets_its_own_booking_first(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    when = ("--start", str(LATER), "--days", "2")
    booked = dyno_demo("allocate", "--vin", vin, "-t", "brake", *when)
    assert booked.exit_code == 0, booked.output
    shown = dyno_demo("availability", "-t", "brake", "--vin", vin, *when)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("Vehicle ") and f"is already booked from {LATER}" in shown.stdout
    assert "no dyno can take it in this window" in shown.stdout
    assert "free:" not in shown.stdout
