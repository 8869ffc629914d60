"""Vehicles: vocabularies normalised on the way in, VINs unique, weight and class kept in step."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import User
from dyno_agent.errors import (
    AlreadyExists,
    InUse,
    InvalidInput,
    PermissionDenied,
    VehicleNotFound,
)
from dyno_agent.scheduling import vehicles
from dyno_agent.scheduling.models import Vehicle
from dyno_agent.scheduling.schemas.vehicles import VehicleCreate, VehicleUpdate
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle, unique_vin
from tests.scheduling.conftest import actor_of

VIN = "1FTFW1E58PFA00001"  # a valid check digit

OPERATOR = Actor.system(Channel.api)  # full rights, like a power user


def create(**fields) -> VehicleCreate:  # type: ignore[no-untyped-def]
    return VehicleCreate(**{"vin": VIN, "drive_type": "2WD", "weight_lbs": 6000, **fields})


async def vehicle_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Vehicle)) or 0


# Creating -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("4X4", "4WD"),
        ("4x4", "4WD"),
        ("RWD/AWD", "AWD"),
        ("awd", "AWD"),
        ("fwd", "2WD"),
        ("RWD", "2WD"),
        (" 4x2 ", "2WD"),
        ("4WD", "4WD"),
    ],
)
async def test_drive_type_synonyms_are_stored_in_the_lab_vocabulary(
    session: AsyncSession, given: str, stored: str
):
    vehicle = await vehicles.create_vehicle(session, create(drive_type=given))
    assert vehicle.drive_type == stored
    assert (
        await session.scalar(select(Vehicle.drive_type).where(Vehicle.id == vehicle.id)) == stored
    )


@pytest.mark.parametrize(
    ("weight", "weight_class"), [(1, "<10K"), (10_000, "<10K"), (10_001, ">10K")]
)
async def test_weight_class_is_derived_from_the_weight(
    session: AsyncSession, weight: int, weight_class: str
):
    vehicle = await vehicles.create_vehicle(session, create(weight_lbs=weight))
    assert vehicle.weight_class == weight_class


async def test_create_normalises_the_vin_and_keeps_the_details(session: AsyncSession):
    vehicle = await vehicles.create_vehicle(
        session,
        create(vin=f"  {VIN.lower()} ", program=" P708 ", build_id="B1", powerpack="3.5L V6"),
    )
    assert vehicle.id is not None
    assert (vehicle.vin, vehicle.program, vehicle.build_id) == (VIN, "P708", "B1")
    assert vehicle.created_at is not None and vehicle.updated_at is not None


async def test_weight_class_alone_is_enough(session: AsyncSession):
    vehicle = await vehicles.create_vehicle(session, create(weight_lbs=None, weight_class="> 10k"))
    assert (vehicle.weight_lbs, vehicle.weight_class) == (None, ">10K")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"vin": "1FTFW1E50PFA0000"}, "vin"),  # 16 characters
        ({"vin": "1FTFW1E50PFA0000I"}, "vin"),  # I is not used in VINs
        ({"drive_type": "6x6"}, "drive_type"),
        ({"weight_lbs": 0}, "weight_lbs"),
        ({"weight_lbs": 80_001}, "weight_lbs"),
        ({"weight_lbs": 12_000, "weight_class": "<10K"}, ""),
        ({"weight_lbs": None}, ""),
        ({"weight_lbs": None, "weight_class": "heavy"}, ""),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_vehicles_are_refused_by_the_schema(fields: dict, field: str):
    with pytest.raises(ValidationError) as caught:
        create(**fields)
    locations = {".".join(str(p) for p in e["loc"]) for e in caught.value.errors()}
    assert field in locations


async def test_a_taken_vin_is_refused_with_the_existing_vehicle(session: AsyncSession):
    first = await vehicles.create_vehicle(session, create())
    with pytest.raises(AlreadyExists) as caught:
        await vehicles.create_vehicle(session, create(vin=VIN.lower(), drive_type="AWD"))
    assert caught.value.details == {"vin": VIN, "vehicle_id": first.id}
    assert await vehicle_count(session) == 1


async def test_the_database_unique_constraint_backs_the_vin_check(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    await vehicles.create_vehicle(session, create())

    async def no_check(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        return None

    monkeypatch.setattr(vehicles, "_ensure_free", no_check)
    with pytest.raises(AlreadyExists):
        await vehicles.create_vehicle(session, create())
    # the savepoint kept the outer transaction usable
    assert await vehicle_count(session) == 1


# Finding ------------------------------------------------------------------------------------------
async def test_get_vehicle_by_id_and_not_found(session: AsyncSession):
    vehicle = await make_vehicle(session)
    assert await vehicles.get_vehicle(session, vehicle.id) is vehicle
    with pytest.raises(VehicleNotFound) as caught:
        await vehicles.get_vehicle(session, vehicle.id + 1000)
    assert caught.value.details == {"vehicle_id": vehicle.id + 1000}


async def test_resolve_vehicle_by_id_by_vin_or_both(session: AsyncSession):
    vehicle = await make_vehicle(session, vin=VIN)
    assert await vehicles.resolve_vehicle(session, vehicle_id=vehicle.id) is vehicle
    assert await vehicles.resolve_vehicle(session, vin=f" {VIN.lower()}") is vehicle
    assert await vehicles.resolve_vehicle(session, vehicle_id=vehicle.id, vin=VIN) is vehicle


async def test_resolve_vehicle_errors(session: AsyncSession):
    vehicle = await make_vehicle(session, vin=VIN)
    other = await make_vehicle(session)
    with pytest.raises(InvalidInput):
        await vehicles.resolve_vehicle(session)
    with pytest.raises(InvalidInput):
        await vehicles.resolve_vehicle(session, vin="  ")
    with pytest.raises(InvalidInput) as caught:
        await vehicles.resolve_vehicle(session, vehicle_id=other.id, vin=VIN)
    assert caught.value.details["vehicle_id"] == other.id
    with pytest.raises(VehicleNotFound) as missing:
        await vehicles.resolve_vehicle(session, vin="1FTFW1E50PFA99999")
    assert missing.value.details == {"vin": "1FTFW1E50PFA99999"}
    with pytest.raises(VehicleNotFound) as missing_id:
        await vehicles.resolve_vehicle(session, vehicle_id=vehicle.id + 1000)
    assert missing_id.value.details == {"vehicle_id": vehicle.id + 1000}


# Listing ------------------------------------------------------------------------------------------
async def test_list_filters_search_and_pages(session: AsyncSession):
    light_awd = await make_vehicle(session, drive_type="AWD", weight_lbs=5000, program="Bronco")
    heavy_4wd = await make_vehicle(session, drive_type="4WD", weight_lbs=15000, program="F-250")
    light_2wd = await make_vehicle(session, drive_type="2WD", weight_lbs=4000, program="Escape")

    items, total = await vehicles.list_vehicles(session)
    assert [v.id for v in items] == [light_awd.id, heavy_4wd.id, light_2wd.id] and total == 3

    items, total = await vehicles.list_vehicles(session, drive_type="4x4")
    assert [v.id for v in items] == [heavy_4wd.id] and total == 1
    items, _ = await vehicles.list_vehicles(session, weight_class="<10k")
    assert {v.id for v in items} == {light_awd.id, light_2wd.id}
    items, _ = await vehicles.list_vehicles(session, q="bron")
    assert [v.id for v in items] == [light_awd.id]
    items, _ = await vehicles.list_vehicles(session, q=heavy_4wd.vin[3:12].lower())
    assert [v.id for v in items] == [heavy_4wd.id]
    items, total = await vehicles.list_vehicles(session, q="%")
    assert (items, total) == ([], 0)  # wildcards in the search are literal

    items, total = await vehicles.list_vehicles(session, limit=2, offset=1)
    assert [v.id for v in items] == [heavy_4wd.id, light_2wd.id] and total == 3
    items, total = await vehicles.list_vehicles(session, limit=2, offset=5)
    assert (items, total) == ([], 3)


async def test_list_refuses_unknown_filter_values(session: AsyncSession):
    with pytest.raises(InvalidInput):
        await vehicles.list_vehicles(session, drive_type="hover")
    with pytest.raises(InvalidInput):
        await vehicles.list_vehicles(session, weight_class="light")


# Updating -----------------------------------------------------------------------------------------
async def test_update_changes_only_the_sent_fields(session: AsyncSession):
    vehicle = await make_vehicle(session, drive_type="2WD", weight_lbs=6000, program="P708")
    before = vehicle.updated_at
    updated = await vehicles.update_vehicle(
        session, OPERATOR, vehicle.id, VehicleUpdate(drive_type="rwd/awd", cert_team="Emissions")
    )
    assert (updated.drive_type, updated.cert_team, updated.program) == ("AWD", "Emissions", "P708")
    assert (updated.weight_lbs, updated.weight_class) == (6000, "<10K")
    assert isinstance(updated.updated_at, dt.datetime) and updated.updated_at >= before


async def test_update_weight_recomputes_the_class(session: AsyncSession):
    vehicle = await make_vehicle(session, weight_lbs=6000)
    updated = await vehicles.update_vehicle(
        session, OPERATOR, vehicle.id, VehicleUpdate(weight_lbs=12000)
    )
    assert (updated.weight_lbs, updated.weight_class) == (12000, ">10K")


async def test_update_class_must_agree_with_the_stored_weight(session: AsyncSession):
    vehicle = await make_vehicle(session, weight_lbs=6000)
    with pytest.raises(InvalidInput):
        await vehicles.update_vehicle(
            session, OPERATOR, vehicle.id, VehicleUpdate(weight_class=">10K")
        )
    # forgetting the weight makes the class free to change
    updated = await vehicles.update_vehicle(
        session, OPERATOR, vehicle.id, VehicleUpdate(weight_lbs=None, weight_class=">10K")
    )
    assert (updated.weight_lbs, updated.weight_class) == (None, ">10K")
    kept = await vehicles.update_vehicle(
        session, OPERATOR, vehicle.id, VehicleUpdate(weight_lbs=None)
    )
    assert kept.weight_class == ">10K"


async def test_update_to_a_taken_vin_is_refused(session: AsyncSession):
    taken = await make_vehicle(session, vin=VIN)
    vehicle = await make_vehicle(session)
    with pytest.raises(AlreadyExists):
        await vehicles.update_vehicle(session, OPERATOR, vehicle.id, VehicleUpdate(vin=VIN.lower()))
    same = await vehicles.update_vehicle(
        session, OPERATOR, taken.id, VehicleUpdate(vin=VIN.lower())
    )
    assert same.vin == VIN


def test_update_schema_refuses_nulls_for_required_fields():
    for field in ("vin", "drive_type"):
        with pytest.raises(ValidationError):
            VehicleUpdate(**{field: None})


async def test_update_unknown_vehicle(session: AsyncSession):
    with pytest.raises(VehicleNotFound):
        await vehicles.update_vehicle(session, OPERATOR, 999_999, VehicleUpdate(program="x"))


# Deleting -----------------------------------------------------------------------------------------
async def test_delete_removes_an_unbooked_vehicle(session: AsyncSession):
    vehicle = await make_vehicle(session)
    await vehicles.delete_vehicle(session, OPERATOR, vehicle.id)
    assert await vehicle_count(session) == 0
    with pytest.raises(VehicleNotFound):
        await vehicles.delete_vehicle(session, OPERATOR, vehicle.id)


@pytest.mark.parametrize("status", ["scheduled", "cancelled"])
async def test_delete_refuses_a_vehicle_with_allocations(session: AsyncSession, status: str):
    vehicle = await make_vehicle(session, vin=unique_vin())
    dyno = await make_dyno(session)
    day = dt.date(2026, 3, 10)
    allocation = await make_allocation(session, vehicle, dyno, day, day, status=status)
    with pytest.raises(InUse) as caught:
        await vehicles.delete_vehicle(session, OPERATOR, vehicle.id)
    assert caught.value.details["allocation_ids"] == [allocation.id]
    assert await vehicle_count(session) == 1


# Booked vehicles ----------------------------------------------------------------------------------
async def test_a_vehicle_with_others_open_bookings_is_changed_only_by_power_users(
    session: AsyncSession, engineer: User, manager: User
):
    owner = await make_user(session)
    vehicle = await make_vehicle(session, program="P708")
    dyno = await make_dyno(session)
    day = dt.date(2026, 3, 10)
    await make_allocation(session, vehicle, dyno, day, day, created_by=owner)

    for call in (
        vehicles.update_vehicle(
            session, actor_of(engineer), vehicle.id, VehicleUpdate(program="x")
        ),
        vehicles.delete_vehicle(session, actor_of(engineer), vehicle.id),
    ):
        with pytest.raises(PermissionDenied):
            await call
    mine = await vehicles.update_vehicle(
        session, actor_of(owner, Channel.agent), vehicle.id, VehicleUpdate(program="owner")
    )
    assert mine.program == "owner"
    managed = await vehicles.update_vehicle(
        session, actor_of(manager), vehicle.id, VehicleUpdate(program="manager")
    )
    assert managed.program == "manager"
