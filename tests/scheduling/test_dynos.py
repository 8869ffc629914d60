"""Dynos and rules: rules normalised, duplicates collapsed, summaries recomputed, loose names."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role
from dyno_agent.errors import AlreadyExists, DynoNotFound, InUse, InvalidInput, PermissionDenied
from dyno_agent.scheduling import dynos
from dyno_agent.scheduling.models import Dyno, DynoRule, MaintenanceWindow
from dyno_agent.scheduling.schemas.dynos import DynoCreate, DynoUpdate, RuleIn
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle

DAY = dt.date(2026, 3, 10)

OPERATOR = Actor.system(Channel.api)  # full rights, like a power user


def rule(test_type: str, drive: str, weight: str) -> RuleIn:
    return RuleIn(test_type=test_type, drive_type=drive, weight_class=weight)


async def stored_rules(session: AsyncSession, dyno_id: int) -> set[tuple[str, str, str]]:
    rows = await session.execute(
        select(DynoRule.test_type, DynoRule.drive_type, DynoRule.weight_class).where(
            DynoRule.dyno_id == dyno_id
        )
    )
    return {tuple(row) for row in rows}  # type: ignore[misc]


def keys(dyno: Dyno) -> set[tuple[str, str, str]]:
    return {(r.test_type, r.drive_type, r.weight_class) for r in dyno.rules}


# Rules and their summary --------------------------------------------------------------------------
def test_rule_input_is_normalised():
    assert rule("  150K   Mileage ", "4x4", "< 10k").key() == ("150k mileage", "4WD", "<10K")
    assert rule("Brake", "ANY", " Any ").key() == ("brake", "any", "any")
    assert rule("brake", "rwd/awd", ">10K").key() == ("brake", "AWD", ">10K")


@pytest.mark.parametrize(
    "fields",
    [
        {"test_type": " ", "drive_type": "AWD", "weight_class": "any"},
        {"test_type": "brake", "drive_type": "6x6", "weight_class": "any"},
        {"test_type": "brake", "drive_type": "AWD", "weight_class": "medium"},
        {"test_type": "brake", "drive_type": "AWD"},
    ],
)
def test_bad_rules_are_refused(fields: dict):
    with pytest.raises(ValidationError):
        RuleIn(**fields)


def test_summarize_expands_wildcards_into_the_vocabulary():
    summary = dynos.summarize_rules(
        [
            rule("emissions", "any", "<10K"),
            rule("brake", "4WD", "any"),
            rule("brake", "AWD", "<10K"),
        ]
    )
    assert summary == (["<10K", ">10K"], ["2WD", "AWD", "4WD"], ["brake", "emissions"])
    assert dynos.summarize_rules([rule("evap", "AWD", ">10K")]) == (([">10K"], ["AWD"], ["evap"]))
    assert dynos.summarize_rules([]) == ([], [], [])


# Creating -----------------------------------------------------------------------------------------
async def test_create_stores_rules_once_and_summarises_them(session: AsyncSession):
    dyno = await dynos.create_dyno(
        session,
        DynoCreate(
            name=" MPG 3 ",
            facility="MPG",
            available_from=dt.date(2026, 1, 1),
            rules=[
                rule("Brake", "2WD", "<10K"),
                rule("brake", "fwd", "<10k"),  # the same rule spelled differently
                rule("Emissions", "AWD", "any"),
            ],
        ),
    )
    assert dyno.name == "MPG 3" and dyno.enabled is True
    assert keys(dyno) == {("brake", "2WD", "<10K"), ("emissions", "AWD", "any")}
    assert await stored_rules(session, dyno.id) == keys(dyno)
    assert dyno.supported_test_types == ["brake", "emissions"]
    assert dyno.supported_drives == ["2WD", "AWD"]
    assert dyno.supported_weight_classes == ["<10K", ">10K"]
    assert dyno.created_at is not None


async def test_names_are_unique_ignoring_case_and_spaces(session: AsyncSession):
    existing = await make_dyno(session, "MPG 3")
    with pytest.raises(AlreadyExists) as caught:
        await dynos.create_dyno(session, DynoCreate(name="mpg3", facility="MPG"))
    assert caught.value.details["dyno_id"] == existing.id
    assert await session.scalar(select(func.count()).select_from(Dyno)) == 1


def test_commissioning_window_must_be_in_order():
    with pytest.raises(ValidationError):
        DynoCreate(
            name="X", facility="Y", available_from=DAY, available_to=DAY - dt.timedelta(days=1)
        )
    DynoCreate(name="X", facility="Y", available_from=DAY, available_to=DAY)
    with pytest.raises(ValidationError):
        DynoCreate(name=" ", facility="Y")
    with pytest.raises(ValidationError):
        DynoUpdate(name=None)


# Finding ------------------------------------------------------------------------------------------
async def test_get_dyno_loads_its_rules(session: AsyncSession):
    made = await make_dyno(session, rules=[("brake", "any", "any"), ("evap", "AWD", "<10K")])
    dyno = await dynos.get_dyno(session, made.id)
    assert keys(dyno) == {("brake", "any", "any"), ("evap", "AWD", "<10K")}
    with pytest.raises(DynoNotFound) as caught:
        await dynos.get_dyno(session, made.id + 1000)
    assert caught.value.details == {"dyno_id": made.id + 1000}


@pytest.mark.parametrize(
    ("ref", "name"),
    [("mpg 3", "MPG 3"), ("MPG3", "MPG 3"), (" Mpg  3 ", "MPG 3"), ("trp#1", "TRP #1")],
)
async def test_resolve_dyno_by_name_ignores_case_and_spaces(
    session: AsyncSession, ref: str, name: str
):
    for each in ("MPG 3", "MPG 30", "TRP #1"):
        await make_dyno(session, each)
    dyno = await dynos.resolve_dyno(session, ref)
    assert dyno.name == name
    assert keys(dyno) == {("brake", "any", "any")}  # rules loaded


async def test_resolve_dyno_by_id_as_int_or_digits(session: AsyncSession):
    dyno = await make_dyno(session, "MPG 3")
    assert await dynos.resolve_dyno(session, dyno.id) is dyno
    assert await dynos.resolve_dyno(session, f" {dyno.id} ") is dyno
    with pytest.raises(DynoNotFound):
        await dynos.resolve_dyno(session, dyno.id + 1000)


async def test_resolve_dyno_suggests_close_names(session: AsyncSession):
    for each in ("MPG 3", "MPG 4", "TRP #1", "VTS 2"):
        await make_dyno(session, each)
    with pytest.raises(DynoNotFound) as caught:
        await dynos.resolve_dyno(session, "MPG 33")
    assert caught.value.details["ref"] == "MPG 33"
    assert "MPG 3" in caught.value.details["suggestions"]
    assert "VTS 2" not in caught.value.details["suggestions"]
    with pytest.raises(DynoNotFound) as partial:
        await dynos.resolve_dyno(session, "trp")
    assert partial.value.details["suggestions"] == ["TRP #1"]


async def test_list_dynos_filters(session: AsyncSession):
    mpg = await make_dyno(session, "MPG 1", facility="MPG", rules=[("brake", "any", "any")])
    off = await make_dyno(
        session, "MPG 2", facility="MPG", enabled=False, rules=[("evap", "AWD", "any")]
    )
    trp = await make_dyno(session, "TRP 1", facility="TRP", rules=[("evap", "2WD", "<10K")])
    assert [d.id for d in await dynos.list_dynos(session)] == [mpg.id, off.id, trp.id]
    assert [d.id for d in await dynos.list_dynos(session, include_disabled=False)] == [
        mpg.id,
        trp.id,
    ]
    assert [d.id for d in await dynos.list_dynos(session, facility=" mpg ")] == [mpg.id, off.id]
    listed = await dynos.list_dynos(session, test_type="  EVAP ")
    assert [d.id for d in listed] == [off.id, trp.id]
    assert keys(listed[1]) == {("evap", "2WD", "<10K")}


async def test_test_type_vocabulary_is_distinct_and_sorted(session: AsyncSession):
    await make_dyno(session, rules=[("evap", "AWD", "any"), ("brake", "2WD", "any")])
    await make_dyno(session, rules=[("brake", "any", "any"), ("150k mileage", "any", "<10K")])
    assert await dynos.test_type_vocabulary(session) == ["150k mileage", "brake", "evap"]


# Updating and replacing rules ---------------------------------------------------------------------
async def test_replacing_rules_rewrites_rows_and_recomputes_the_summary(session: AsyncSession):
    made = await make_dyno(session, rules=[("brake", "2WD", "<10K"), ("evap", "AWD", "<10K")])
    dyno = await dynos.replace_rules(
        session,
        OPERATOR,
        made.id,
        [
            rule("brake", "2WD", "<10K"),
            rule("Emissions", "any", ">10K"),
            rule("emissions", "ANY", ">10k"),
        ],
    )
    expected = {("brake", "2WD", "<10K"), ("emissions", "any", ">10K")}
    assert keys(dyno) == expected
    assert await stored_rules(session, made.id) == expected
    assert dyno.supported_test_types == ["brake", "emissions"]
    assert dyno.supported_drives == ["2WD", "AWD", "4WD"]
    assert dyno.supported_weight_classes == ["<10K", ">10K"]
    arrays = (
        await session.execute(
            text("SELECT supported_test_types FROM dynos WHERE id = :id"), {"id": made.id}
        )
    ).scalar_one()
    assert arrays == ["brake", "emissions"]

    # the same set again is a no-op, not a unique violation
    again = await dynos.replace_rules(session, OPERATOR, made.id, [rule("brake", "2WD", "<10K")])
    assert keys(again) == {("brake", "2WD", "<10K")}
    cleared = await dynos.replace_rules(session, OPERATOR, made.id, [])
    assert (keys(cleared), cleared.supported_test_types, cleared.supported_drives) == (
        set(),
        [],
        [],
    )
    assert await stored_rules(session, made.id) == set()


async def test_update_changes_fields_and_optionally_the_rules(session: AsyncSession):
    made = await make_dyno(session, "MPG 9", rules=[("brake", "any", "any")])
    before = made.updated_at
    dyno = await dynos.update_dyno(
        session, OPERATOR, made.id, DynoUpdate(name="MPG 9A", enabled=False, notes="rollers worn")
    )
    assert (dyno.name, dyno.enabled, dyno.notes) == ("MPG 9A", False, "rollers worn")
    assert keys(dyno) == {("brake", "any", "any")}
    assert dyno.updated_at >= before

    dyno = await dynos.update_dyno(
        session, OPERATOR, made.id, DynoUpdate(rules=[rule("evap", "4x4", ">10K")])
    )
    assert keys(dyno) == {("evap", "4WD", ">10K")}
    assert (dyno.supported_drives, dyno.supported_weight_classes) == (["4WD"], [">10K"])
    assert dyno.name == "MPG 9A"


async def test_update_errors(session: AsyncSession):
    await make_dyno(session, "MPG 1")
    dyno = await make_dyno(session, "MPG 2", available_from=DAY)
    with pytest.raises(AlreadyExists):
        await dynos.update_dyno(session, OPERATOR, dyno.id, DynoUpdate(name="mpg1"))
    with pytest.raises(InvalidInput):  # before the stored available_from
        await dynos.update_dyno(
            session, OPERATOR, dyno.id, DynoUpdate(available_to=DAY - dt.timedelta(days=1))
        )
    with pytest.raises(DynoNotFound):
        await dynos.update_dyno(session, OPERATOR, dyno.id + 1000, DynoUpdate(notes="x"))
    with pytest.raises(DynoNotFound):
        await dynos.replace_rules(session, OPERATOR, dyno.id + 1000, [])
    renamed = await dynos.update_dyno(session, OPERATOR, dyno.id, DynoUpdate(name="mpg 2"))
    assert renamed.name == "mpg 2"  # its own name, respelled


async def test_list_rules_is_sorted_and_needs_the_dyno(session: AsyncSession):
    dyno = await make_dyno(session, rules=[("evap", "AWD", "any"), ("brake", "any", "<10K")])
    listed = await dynos.list_rules(session, dyno.id)
    assert [(r.test_type, r.drive_type) for r in listed] == [("brake", "any"), ("evap", "AWD")]
    with pytest.raises(DynoNotFound):
        await dynos.list_rules(session, dyno.id + 1000)


# Deleting -----------------------------------------------------------------------------------------
async def test_delete_removes_the_dyno_and_its_rules(session: AsyncSession):
    dyno = await make_dyno(session, rules=[("brake", "any", "any"), ("evap", "AWD", "any")])
    dyno_id = dyno.id
    await dynos.delete_dyno(session, OPERATOR, dyno_id)
    for model in (Dyno, DynoRule):
        assert await session.scalar(select(func.count()).select_from(model)) == 0
    with pytest.raises(DynoNotFound):
        await dynos.delete_dyno(session, OPERATOR, dyno_id)


async def test_delete_refuses_a_dyno_with_maintenance_unless_forced(session: AsyncSession):
    dyno = await make_dyno(session)
    window = await make_maintenance(session, dyno, DAY, DAY, reason="rollers")
    dyno_id, window_id = dyno.id, window.id

    with pytest.raises(InUse) as caught:
        await dynos.delete_dyno(session, OPERATOR, dyno_id)
    assert "maintenance window" in caught.value.message
    assert caught.value.details["maintenance"] == [
        {"id": window_id, "start_date": "2026-03-10", "end_date": "2026-03-10", "reason": "rollers"}
    ]
    assert await session.get(MaintenanceWindow, window_id) is not None

    engineer = Actor(user_id=None, role=Role.user, channel=Channel.api)
    with pytest.raises(PermissionDenied):
        await dynos.delete_dyno(session, engineer, dyno_id, force=True)

    await dynos.delete_dyno(session, OPERATOR, dyno_id, force=True)
    for model in (Dyno, MaintenanceWindow):
        assert await session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize("status", ["scheduled", "cancelled"])
async def test_delete_refuses_a_dyno_with_allocations(session: AsyncSession, status: str):
    dyno = await make_dyno(session)
    allocation = await make_allocation(
        session, await make_vehicle(session), dyno, DAY, DAY, status=status
    )
    with pytest.raises(InUse) as caught:
        await dynos.delete_dyno(session, OPERATOR, dyno.id)
    assert caught.value.details["allocation_ids"] == [allocation.id]
    assert await session.scalar(select(func.count()).select_from(Dyno)) == 1
