"""Reports: conflicts, dyno state on a day, counts and utilisation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent import errors
from dyno_agent.scheduling import reports
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle

D = TODAY + dt.timedelta(days=7)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


class TestConflicts:
    async def test_a_clean_schedule_has_none(self, session: AsyncSession):
        dyno = await make_dyno(session)
        await make_allocation(session, await make_vehicle(session), dyno, D, day(3))
        assert await reports.detect_conflicts(session) == []

    async def test_finds_what_changed_after_booking(self, session: AsyncSession):
        disabled = await make_dyno(session, "Gone")
        reruled = await make_dyno(session, "Reruled")
        vehicle = await make_vehicle(session)
        a = await make_allocation(session, vehicle, disabled, D, day(1))
        b = await make_allocation(session, await make_vehicle(session), reruled, day(2), day(4))
        unplaced = await make_allocation(session, await make_vehicle(session), None, day(5), day(6))
        await session.execute(
            text("UPDATE dynos SET enabled = false WHERE id = :id"), {"id": disabled.id}
        )
        await session.execute(
            text("UPDATE dyno_rules SET test_type = 'emissions' WHERE dyno_id = :id"),
            {"id": reruled.id},
        )
        found = {(c.kind, tuple(c.allocation_ids)) for c in await reports.detect_conflicts(session)}
        assert found == {
            ("dyno_disabled", (a.id,)),
            ("incompatible", (b.id,)),
            ("unplaced", (unplaced.id,)),
        }

    async def test_range_limits_what_is_reported(self, session: AsyncSession):
        vehicle = await make_vehicle(session)
        await make_allocation(session, vehicle, None, day(20), day(21))
        assert await reports.detect_conflicts(session, D, day(10)) == []
        assert len(await reports.detect_conflicts(session, day(15), day(25))) == 1

    async def test_finished_and_cancelled_bookings_are_ignored(self, session: AsyncSession):
        dyno = await make_dyno(session, enabled=False)
        await make_allocation(session, await make_vehicle(session), dyno, D, D, status="completed")
        await make_allocation(session, await make_vehicle(session), dyno, D, D, status="cancelled")
        assert await reports.detect_conflicts(session) == []

    async def test_end_before_start_is_invalid(self, session: AsyncSession):
        with pytest.raises(errors.InvalidInput):
            await reports.detect_conflicts(session, day(5), day(1))


async def test_maintenance_check_says_why_each_dyno_is_unavailable(session: AsyncSession):
    await make_dyno(session, "Free")
    await make_dyno(session, "Off", enabled=False)
    await make_dyno(session, "New", available_from=day(30))
    serviced = await make_dyno(session, "Serviced")
    await make_maintenance(session, serviced, D, day(2), reason="roller swap")
    states = {
        s.dyno.name: (s.status, s.reason) for s in await reports.maintenance_check(session, day(1))
    }
    assert states["Free"] == ("available", None)
    assert states["Off"][0] == "disabled"
    assert states["New"][0] == "outside_window"
    assert states["Serviced"] == ("maintenance", f"Maintenance {D} to {day(2)}: roller swap.")
    today_states = {s.dyno.name: s.status for s in await reports.maintenance_check(session)}
    assert today_states["Serviced"] == "available"  # default day is today, before the window


async def test_counts_by_status_and_test_type(session: AsyncSession):
    dyno = await make_dyno(session, rules=[("brake", "any", "any"), ("emissions", "any", "any")])
    for n, (status, test) in enumerate(
        [
            ("completed", "brake"),
            ("completed", "emissions"),
            ("running", "brake"),
            ("cancelled", "brake"),
        ]
    ):
        await make_allocation(
            session,
            await make_vehicle(session),
            dyno,
            day(n),
            day(n),
            status=status,
            test_type=test,
        )
    result = await reports.counts(session)
    assert result.by_status == {
        "scheduled": 0,
        "delayed": 0,
        "running": 1,
        "completed": 2,
        "cancelled": 1,
        "held": 0,
        "requested": 0,
    }
    assert result.by_test_type == {
        "brake": {"completed": 1, "running": 1, "cancelled": 1},
        "emissions": {"completed": 1},
    }
    assert result.total == 4
    assert await reports.completed_tests_count(session) == 2
    completed, total = await reports.tests_by_status(session, "completed")
    assert total == 2 and {a.status for a in completed} == {"completed"}


async def test_utilization_is_booked_days_over_available_days(session: AsyncSession):
    busy = await make_dyno(session, "Busy")
    late = await make_dyno(session, "Late", available_from=day(5))
    off = await make_dyno(session, "Off", enabled=False)
    await make_maintenance(session, busy, day(8), day(9))
    await make_allocation(session, await make_vehicle(session), busy, day(-2), day(3))  # 4 days in
    await make_allocation(session, await make_vehicle(session), busy, day(5), day(5))
    await make_allocation(
        session, await make_vehicle(session), busy, day(6), day(6), status="cancelled"
    )
    await make_allocation(session, await make_vehicle(session), late, day(5), day(9))
    rows = {r.dyno.name: r for r in await reports.utilization(session, D, day(9))}
    assert (rows["Busy"].available_days, rows["Busy"].booked_days) == (8, 5)
    assert rows["Busy"].maintenance_days == 2
    assert rows["Busy"].utilization == pytest.approx(5 / 8, abs=1e-4)
    assert (rows["Late"].available_days, rows["Late"].booked_days) == (5, 5)
    assert rows["Late"].utilization == 1.0
    assert rows["Off"].available_days == 0 and rows["Off"].utilization is None
    assert off.id in {r.dyno.id for r in rows.values()}
