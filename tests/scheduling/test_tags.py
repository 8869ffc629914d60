"""Tags and placeholder keys are normalised once; the workbook's TBD texts key placeholders by their
occurrence, so the same sheet gives the same keys; messages name a vehicle by its tag."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput, VehicleNotFound
from dyno_agent.scheduling import vehicles, vocab
from tests.factories import make_vehicle


@pytest.mark.parametrize(
    ("given", "stored"),
    [("312w028", "312W028"), ("  312W  028 ", "312W 028"), ("A/B-1.2", "A/B-1.2")],
)
def test_tags_are_stored_upper_case_with_single_spaces(given: str, stored: str):
    assert vocab.normalize_tag(given) == stored


@pytest.mark.parametrize(
    "text", ["TBD-2027 P702", "TBD - 2027 S650", "tbd-2029 p768", "  TBD  - 2028 P833"]
)
def test_the_workbooks_tbd_texts_are_placeholders_not_tags(text: str):
    assert vocab.is_placeholder_tag(text)
    with pytest.raises(InvalidInput):
        vocab.normalize_tag(text)


def test_placeholder_keys_count_the_rows_carrying_the_same_text():
    assert vocab.placeholder_key("TBD - 2027  s650", 3) == "TBD - 2027 S650#3"
    assert vocab.placeholder_key("TBD-2027 P702", 47) == "TBD-2027 P702#47"
    assert not vocab.is_placeholder_tag("312W028")
    with pytest.raises(InvalidInput):
        vocab.placeholder_key("TBD-2027 P702", 0)


async def test_resolve_vehicle_by_tag_vin_or_id_and_they_must_agree(session: AsyncSession):
    vehicle = await make_vehicle(session, tag="312W028")
    assert await vehicles.resolve_vehicle(session, tag=" 312w028 ") is vehicle
    assert await vehicles.resolve_vehicle(session, vin=vehicle.vin) is vehicle
    assert await vehicles.resolve_vehicle(session, vehicle.id, vehicle.vin, "312W028") is vehicle
    with pytest.raises(VehicleNotFound):
        await vehicles.resolve_vehicle(session, tag="312W029")
    with pytest.raises(InvalidInput):
        await vehicles.resolve_vehicle(session, vehicle.id, tag="312W029")
    with pytest.raises(InvalidInput):
        await vehicles.resolve_vehicle(session)


async def test_a_vehicle_is_named_by_tag_then_vin_then_placeholder_key(session: AsyncSession):
    placeholder = await make_vehicle(session, placeholder_key="TBD-2027 P702#1")
    assert (placeholder.is_placeholder, placeholder.label) == (True, "TBD-2027 P702#1")
    tagged = await make_vehicle(session, tag="312W028")
    assert (tagged.is_placeholder, tagged.label) == (False, "312W028")


def test_a_vin_being_registered_needs_a_valid_check_digit():
    assert vocab.check_vin("1ftfw1e58pfa00001") == "1FTFW1E58PFA00001"
    with pytest.raises(InvalidInput, match="should be 8"):
        vocab.check_vin("1FTFW1E50PFA00001")
    assert vocab.normalize_vin("1ftfw1e50pfa00001") == "1FTFW1E50PFA00001"  # lookups only normalise
