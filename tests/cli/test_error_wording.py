"""CLI errors name fields by their flags, without pydantic's "Value error," prefix, and an unknown
test type comes with the closest known ones."""

from __future__ import annotations

from tests.cli.conftest import Dyno
from tests.cli.test_booking import LATER, vin_of

WHEN = ("--start", str(LATER), "--days", "2")


def test_a_missing_vehicle_is_named_by_its_flags(dyno: Dyno):
    result = dyno("allocate", "-t", "brake", *WHEN)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: give --vehicle, --tag or --vin"


def test_a_bad_length_names_the_days_flag(dyno: Dyno):
    result = dyno("allocate", "--vehicle", "1", "-t", "brake", "--start", str(LATER), "--days", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --days: ")
    assert "days_to_complete" not in result.stderr


def test_a_missing_weight_names_the_weight_flags(dyno: Dyno):
    result = dyno("availability", "-t", "brake", "--drive", "2WD", *WHEN)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Give --weight or --weight-class.")
    assert "weight_lbs" not in result.stderr and "field: --weight" in result.stderr


def test_export_names_its_own_date_flags(dyno: Dyno, tmp_path):
    out = tmp_path / "x.csv"
    result = dyno(
        "export", "schedule", "--csv", str(out), "--from", "2030-02-02", "--to", "2030-01-01"
    )
    assert result.exit_code == 2
    assert "--to is before --from" in result.stderr


def test_an_unknown_test_type_suggests_the_closest_known_ones(dyno_demo: Dyno):
    vin = vin_of(dyno_demo, "2WD", "<10K")
    result = dyno_demo("allocate", "--vin", vin, "-t", "brke", *WHEN)
    assert result.exit_code == 1
    assert "Did you mean 'brake'?" in result.stderr
    shown = dyno_demo("availability", "-t", "brke", "--vin", vin, *WHEN)
    assert "Did you mean 'brake'?" in shown.stdout
