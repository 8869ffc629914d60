"""Mileage steps: the workbook's spellings become one canonical range with its miles, or a label."""

from __future__ import annotations

import pytest

from dyno_agent.errors import InvalidInput
from dyno_agent.requests.steps import MileageStep, parse_mileage_step


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0K - 5K", MileageStep("0K-5K", 0, 5_000)),
        ("5K -75K", MileageStep("5K-75K", 5_000, 75_000)),
        ("75K 150K", MileageStep("75K-150K", 75_000, 150_000)),
        ("75K -112.5K", MileageStep("75K-112.5K", 75_000, 112_500)),
        ("37.5k - 75k", MileageStep("37.5K-75K", 37_500, 75_000)),
        ("0-4K", MileageStep("0K-4K", 0, 4_000)),
        ("20-150K", MileageStep("20K-150K", 20_000, 150_000)),
        ("4K to 10K", MileageStep("4K-10K", 4_000, 10_000)),
    ],
)
def test_workbook_spellings_of_a_range_become_one_canonical_step(given: str, expected):
    assert parse_mileage_step(given) == expected


@pytest.mark.parametrize(
    ("given", "label"), [("P702", "P702"), (" p800  (P702 bev) ", "P800 (P702 BEV)"), ("0", "0")]
)
def test_anything_else_is_an_upper_case_label_without_miles(given: str, label: str):
    step = parse_mileage_step(given)
    assert (step.label, step.from_miles, step.to_miles, step.is_range) == (label, None, None, False)


@pytest.mark.parametrize("given", ["75K-5K", "5K-5K", "", "   ", "X" * 41])
def test_backward_empty_or_overlong_steps_are_invalid(given: str):
    with pytest.raises(InvalidInput):
        parse_mileage_step(given)


def test_ranges_sort_in_the_order_a_vehicle_runs_them():
    steps = [parse_mileage_step(s) for s in ("75K - 150K", "0K - 5K", "5K - 75K")]
    ordered = sorted(steps, key=lambda s: s.from_miles or 0)
    assert [s.label for s in ordered] == ["0K-5K", "5K-75K", "75K-150K"]
