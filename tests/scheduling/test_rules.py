"""Compatibility follows the conjunctive rules exactly, wildcards included."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling import rules
from dyno_agent.scheduling.models import Dyno
from tests.factories import make_dyno
from tests.scheduling.workbook import ATDL, MPG_1_6, MPG_22_28, TRP, VTS


async def names(session: AsyncSession, test: str, drive: str, weight: str) -> set[str]:
    return {d.name for d in await rules.compatible_dynos(session, test, drive, weight)}


@pytest.mark.parametrize("weight", ["<10K", ">10K"])
async def test_150k_mileage_awd_runs_on_mpg_1_to_6_and_trp_only(
    session: AsyncSession, workbook_dynos: dict[str, Dyno], weight: str
):
    assert await names(session, "150k mileage", "AWD", weight) == set(MPG_1_6 + TRP)


async def test_150k_mileage_2wd_light_also_admits_mpg_22_to_28_vts_and_atdl(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    expected = set(MPG_1_6 + MPG_22_28 + VTS + TRP + ATDL)
    assert await names(session, "150k mileage", "2WD", "<10K") == expected


async def test_150k_mileage_2wd_heavy_excludes_mpg_22_to_28_and_atdl(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    assert await names(session, "150k mileage", "2WD", ">10K") == set(MPG_1_6 + VTS + TRP)


async def test_wildcard_rules_match_every_drive_and_weight(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    for drive in ("2WD", "AWD", "4WD"):
        for weight in ("<10K", ">10K"):
            assert await names(session, "evap", drive, weight) == {"MPG 1", "MPG 2"}


async def test_no_rule_for_4wd_means_no_dyno(session: AsyncSession, workbook_dynos):
    assert await names(session, "150k mileage", "4WD", "<10K") == set()


async def test_rules_are_not_three_independent_sets(session: AsyncSession):
    # Each value below appears in one of the dyno's rules, but never all in the same rule.
    dyno = await make_dyno(
        session, "Mixed", rules=[("brake", "AWD", "any"), ("emissions", "2WD", "<10K")]
    )
    assert await rules.is_compatible(session, dyno.id, "emissions", "2WD", "<10K")
    assert await rules.is_compatible(session, dyno.id, "brake", "AWD", ">10K")
    assert not await rules.is_compatible(session, dyno.id, "emissions", "AWD", "<10K")
    assert not await rules.is_compatible(session, dyno.id, "emissions", "2WD", ">10K")
    assert not await rules.is_compatible(session, dyno.id, "brake", "2WD", "<10K")


async def test_pressure_is_higher_for_dynos_other_tests_depend_on(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    ids = [workbook_dynos[n].id for n in ("MPG 1", "MPG 3", "MPG 22", "ATDL #1")]
    pressure = await rules.pressures(session, ids, "150k mileage")
    mpg1, mpg3, mpg22, atdl1 = (pressure[i] for i in ids)
    # MPG 1 is one of two dynos for evap and not cert-durability: the most needed elsewhere.
    assert mpg1 > mpg3 > mpg22
    # ATDL #1 does 4k cert only for 2WD <10K, where 23 dynos share the load.
    assert atdl1 == pytest.approx(mpg22)


async def test_disabled_dynos_do_not_count_as_supply(session: AsyncSession):
    only = await make_dyno(session, "Only", rules=[("brake", "any", "any"), ("evap", "any", "any")])
    spare = await make_dyno(session, "Spare", rules=[("evap", "any", "any")], enabled=False)
    pressure = await rules.pressures(session, [only.id], "brake")
    # 6 (drive, weight) combinations of evap, each served by one enabled dyno.
    assert pressure[only.id] == pytest.approx(6.0)
    assert spare.id not in pressure
