"""Weights written in kilograms or tonnes, in five languages, become pounds for the tools."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline.entities import find_weight_lbs
from dyno_agent.agent.offline.parse import parse_request
from tests.agent.offline_fixtures import TEST_TYPES, TODAY


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("a 2.5 t vehicle", 5512),
        ("a 2.2 tonne SUV", 4850),
        ("1.8 metric tons", 3968),
        ("ein Fahrzeug mit 2,5 t", 5512),
        ("2 Tonnen", 4409),
        ("2,1 toneladas", 4630),
        ("un véhicule de 1,8 tonnes", 3968),
        ("1.500 kg", 3307),
        ("2000 kilogramos", 4409),
        ("1800 quilogramas", 3968),
    ],
)
def test_metric_weights_become_pounds(text: str, pounds: int) -> None:
    found = find_weight_lbs(text)
    assert found is not None and found[0] == pounds


@pytest.mark.parametrize("text", ["3 tons", "in 3 days", "T1", "Q3"])
def test_ambiguous_or_non_weights_stay_out(text: str) -> None:
    assert find_weight_lbs(text) is None


def test_a_search_by_tonnes_carries_pounds() -> None:
    parsed = parse_request(
        "find a dyno for a 2.5 t AWD vehicle for an emissions test tomorrow for 2 days",
        TODAY,
        TEST_TYPES,
        [],
    )
    assert (parsed.entities.weight_lbs, parsed.entities.drive_type) == (5512, "AWD")
