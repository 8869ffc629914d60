"""Compatibility: which dynos may run a test for a drive type and weight class.

Rules are conjunctive rows (test type, drive type or `any`, weight class or `any`) per dyno, so the
answer is exact: a dyno qualifies only if one of its rows matches all three at once. The lookup is a
single query on the `ix_dyno_rules_lookup` index.

Preference among compatible dynos ("pressure"): for each other (test type, drive, weight
class) combination a dyno can serve, add 1 / (number of enabled dynos that can serve it). A dyno
whose other capabilities are rare (e.g. MPG 1, one of only two dynos for `evap`) gets a high
pressure; the engine picks the lowest, so scarce dynos stay free for the tests only they can run.
Ties go to the lower id.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Exists, Select, SQLColumnExpression, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Dyno, DynoRule
from dyno_agent.scheduling.vocab import ANY


def compatible_dyno_ids(test_type: str, drive_type: str, weight_class: str) -> Select[int]:
    """Ids of dynos with a rule matching all three values (normalised inputs)."""
    return (
        select(DynoRule.dyno_id)
        .where(
            DynoRule.test_type == test_type,
            DynoRule.drive_type.in_((drive_type, ANY)),
            DynoRule.weight_class.in_((weight_class, ANY)),
        )
        .distinct()
    )


def allows(
    dyno_id: SQLColumnExpression[int | None],
    test_type: SQLColumnExpression[str],
    drive_type: SQLColumnExpression[str],
    weight_class: SQLColumnExpression[str],
) -> Exists:
    """True where the dyno has a rule matching all three; for checking many rows in one query
    (e.g. every open booking of a vehicle against its dyno's rules)."""
    return (
        select(DynoRule.id)
        .where(
            DynoRule.dyno_id == dyno_id,
            DynoRule.test_type == test_type,
            DynoRule.drive_type.in_((drive_type, ANY)),
            DynoRule.weight_class.in_((weight_class, ANY)),
        )
        .exists()
    )


async def compatible_dynos(
    session: AsyncSession, test_type: str, drive_type: str, weight_class: str
) -> list[Dyno]:
    ids = compatible_dyno_ids(test_type, drive_type, weight_class)
    rows = await session.scalars(select(Dyno).where(Dyno.id.in_(ids)).order_by(Dyno.id))
    return list(rows)


async def is_compatible(
    session: AsyncSession, dyno_id: int, test_type: str, drive_type: str, weight_class: str
) -> bool:
    query = compatible_dyno_ids(test_type, drive_type, weight_class).where(
        DynoRule.dyno_id == dyno_id
    )
    return (await session.scalar(select(query.exists()))) or False


_PRESSURE_SQL = text(
    """
    WITH combos AS (
        SELECT DISTINCT r.dyno_id, r.test_type, d.drive, w.weight_class
        FROM dyno_rules r
        JOIN dynos dy ON dy.id = r.dyno_id AND dy.enabled
        CROSS JOIN unnest(ARRAY['2WD', 'AWD', '4WD']) AS d(drive)
        CROSS JOIN unnest(ARRAY['<10K', '>10K']) AS w(weight_class)
        WHERE r.drive_type IN (d.drive, 'any') AND r.weight_class IN (w.weight_class, 'any')
    ),
    supply AS (
        SELECT test_type, drive, weight_class, count(*) AS dynos
        FROM combos GROUP BY test_type, drive, weight_class
    )
    SELECT c.dyno_id,
           coalesce(sum(1.0 / s.dynos) FILTER (WHERE c.test_type <> :test_type), 0) AS pressure
    FROM combos c JOIN supply s USING (test_type, drive, weight_class)
    WHERE c.dyno_id = ANY(:dyno_ids)
    GROUP BY c.dyno_id
    """
)


async def pressures(
    session: AsyncSession, dyno_ids: Sequence[int], test_type: str
) -> dict[int, float]:
    """How much other tests need each dyno (see module docstring); missing ids count as 0."""
    if not dyno_ids:
        return {}
    rows = await session.execute(
        _PRESSURE_SQL, {"dyno_ids": list(dyno_ids), "test_type": test_type}
    )
    return {dyno_id: float(pressure) for dyno_id, pressure in rows}
