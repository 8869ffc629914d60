"""The demo dataset: what it holds, that it is the same every time, and when it refuses to load."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import openpyxl
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.audit.models import AuditEntry
from dyno_agent.auth.models import User
from dyno_agent.auth.passwords import verify_password
from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo import DEMO_PASSWORD, DemoStatus, load_demo
from dyno_agent.demo.fleet import generate_vehicles
from dyno_agent.demo.workbook import DYNO_NAMES
from dyno_agent.forecast import columns as c
from dyno_agent.scheduling import vocab
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationEvent,
    AppMeta,
    Dyno,
    MaintenanceWindow,
    Vehicle,
)
from dyno_agent.scheduling.vocab import VIN_PATTERN
from tests.conftest import create_scratch_database
from tests.factories import make_user, make_vehicle
from tests.forecast.conftest import WORKBOOK

STATUSES = {"scheduled", "delayed", "running", "completed", "cancelled"}


async def count(session: AsyncSession, model) -> int:  # type: ignore[no-untyped-def]
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_demo_holds_the_workbook_dynos_sixty_vehicles_three_users_and_every_status(
    session: AsyncSession, pinned_today: dt.date
):
    summary = await load_demo(session)

    assert summary.status is DemoStatus.loaded
    names = set(await session.scalars(select(Dyno.name)))
    assert names == set(DYNO_NAMES) and len(names) == 23
    assert await count(session, Vehicle) == 60
    emails = {u.email: u.role for u in await session.scalars(select(User))}
    assert emails == {
        "admin@demo.local": "admin",
        "manager@demo.local": "power_user",
        "engineer@demo.local": "user",
    }
    statuses = Counter(await session.scalars(select(Allocation.status)))
    assert set(statuses) == STATUSES
    assert summary.counts["allocations"] == statuses.total() >= 50
    assert (await session.get(AppMeta, "dataset")).value == "demo"


async def test_demo_bookings_sit_around_today_with_statuses_that_match_their_dates(
    session: AsyncSession, pinned_today: dt.date
):
    await load_demo(session)
    rows = (await session.scalars(select(Allocation))).all()

    assert min(a.start_date for a in rows) >= pinned_today - dt.timedelta(days=28)
    assert max(a.end_date for a in rows) <= pinned_today + dt.timedelta(days=35)
    for a in rows:
        if a.status == "completed":
            assert a.end_date < pinned_today
        elif a.status == "running":
            assert a.start_date <= pinned_today <= a.end_date
        elif a.status in ("scheduled", "delayed"):
            assert a.start_date > pinned_today


async def test_every_demo_booking_is_allowed_by_the_rules_of_its_dyno(session: AsyncSession):
    await load_demo(session)
    incompatible = await session.scalar(
        text(
            """
            SELECT count(*) FROM allocations a JOIN vehicles v ON v.id = a.vehicle_id
            WHERE NOT EXISTS (
                SELECT 1 FROM dyno_rules r
                WHERE r.dyno_id = a.dyno_id AND r.test_type = a.test_type
                  AND r.drive_type IN (v.drive_type, 'any')
                  AND r.weight_class IN (v.weight_class, 'any'))
            """
        )
    )
    assert incompatible == 0


async def test_demo_vehicles_have_valid_vins_with_check_digits_and_every_drive_type(
    session: AsyncSession,
):
    from dyno_agent.demo.fleet import vin_check_digit

    await load_demo(session)
    vehicles = (await session.scalars(select(Vehicle))).all()

    assert all(
        VIN_PATTERN.fullmatch(v.vin) and v.vin[8] == vin_check_digit(v.vin) for v in vehicles
    )
    assert {v.drive_type for v in vehicles} == {"2WD", "AWD", "4WD"}
    assert {v.weight_class for v in vehicles} == {"<10K", ">10K"}
    assert all(3_500 <= v.weight_lbs <= 14_000 for v in vehicles)


async def test_vin_check_digit_matches_a_known_vin():
    from dyno_agent.demo.fleet import vin_check_digit

    assert vin_check_digit("11111111111111111") == "1"
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"


async def test_demo_keeps_the_workbook_maintenance_and_adds_windows_ahead(
    session: AsyncSession, pinned_today: dt.date
):
    await load_demo(session)
    windows = (
        await session.execute(
            select(Dyno.name, MaintenanceWindow.start_date, MaintenanceWindow.end_date).join(
                Dyno, Dyno.id == MaintenanceWindow.dyno_id
            )
        )
    ).all()

    assert ("MPG 1", dt.date(2024, 9, 30), dt.date(2024, 12, 5)) in windows
    assert sum(start > pinned_today for _, start, _ in windows) >= 2


async def test_demo_bookings_are_audited_as_imported(session: AsyncSession):
    await load_demo(session)
    channels = set(
        await session.scalars(
            select(AllocationEvent.channel).where(AllocationEvent.action == "insert")
        )
    )
    assert channels == {"import"}


async def test_every_demo_row_is_audited_as_imported(session: AsyncSession):
    await load_demo(session)
    rows = (await session.execute(select(AuditEntry.table_name, AuditEntry.channel))).all()
    tables = {table for table, _ in rows}
    assert tables == {"users", "dynos", "dyno_rules", "maintenance_windows", "vehicles"}
    assert {channel for _, channel in rows} == {"import"}


async def test_demo_users_log_in_with_the_demo_password(session: AsyncSession):
    await load_demo(session)
    user = await session.scalar(select(User).where(User.email == "engineer@demo.local"))
    assert await verify_password(DEMO_PASSWORD, user.password_hash)


async def test_loading_the_demo_twice_changes_nothing(session: AsyncSession):
    first = await load_demo(session)
    second = await load_demo(session)

    assert second.status is DemoStatus.already_loaded
    assert second.counts == first.counts
    assert await count(session, Vehicle) == 60


async def test_demo_refuses_a_database_with_other_users(session: AsyncSession):
    await make_user(session, email="someone@lab.test")
    summary = await load_demo(session)

    assert summary.status is DemoStatus.refused
    assert await count(session, Dyno) == 0
    assert await count(session, User) == 1


async def test_demo_refuses_a_database_with_other_vehicles(session: AsyncSession):
    await make_vehicle(session)
    summary = await load_demo(session)

    assert summary.status is DemoStatus.refused
    assert await count(session, Vehicle) == 1


async def test_150k_mileage_rules_are_conjunctive(session: AsyncSession):
    await load_demo(session)

    async def dynos_for(drive: str, weight: str) -> set[str]:
        rows = await session.scalars(
            text(
                "SELECT DISTINCT d.name FROM dyno_rules r JOIN dynos d ON d.id = r.dyno_id "
                "WHERE r.test_type = '150k mileage' AND r.drive_type IN (:d, 'any') "
                "AND r.weight_class IN (:w, 'any')"
            ),
            {"d": drive, "w": weight},
        )
        return set(rows)

    mpg_low = {f"MPG {n}" for n in range(1, 7)}
    trp = {"TRP #1", "TRP #2", "TRP #3"}
    assert await dynos_for("AWD", "<10K") == mpg_low | trp
    assert await dynos_for("AWD", ">10K") == mpg_low | trp
    assert await dynos_for("4WD", ">10K") == mpg_low | trp
    assert await dynos_for("2WD", "<10K") == (
        mpg_low
        | trp
        | {f"MPG {n}" for n in range(22, 29)}
        | {"VTS #1", "VTS #2", "VTS #3", "ATDL #1", "ATDL #2", "ATDL #3"}
    )


async def _load_and_snapshot(url: URL) -> tuple[list[tuple], list[tuple]]:
    engine = make_engine(url, pool_size=2)
    try:
        async with make_session_factory(engine)() as session:
            await load_demo(session)
            await session.commit()
            vehicles = (
                await session.execute(
                    select(
                        Vehicle.vin,
                        Vehicle.program,
                        Vehicle.weight_lbs,
                        Vehicle.drive_type,
                        Vehicle.powerpack,
                    ).order_by(Vehicle.id)
                )
            ).all()
            allocations = (
                await session.execute(
                    select(
                        Vehicle.vin,
                        Dyno.name,
                        Allocation.test_type,
                        Allocation.start_date,
                        Allocation.end_date,
                        Allocation.status,
                    )
                    .join(Vehicle, Vehicle.id == Allocation.vehicle_id)
                    .join(Dyno, Dyno.id == Allocation.dyno_id)
                    .order_by(Allocation.id)
                )
            ).all()
            return [tuple(r) for r in vehicles], [tuple(r) for r in allocations]
    finally:
        await engine.dispose()


async def test_two_loads_into_two_databases_give_identical_data(server_url: URL):
    snapshots = []
    for _ in range(2):
        url, admin = create_scratch_database(server_url, "dyno_demo")
        try:
            migrate.upgrade(url)
            snapshots.append(await _load_and_snapshot(url))
        finally:
            drop_database(admin, url.database or "")

    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) == 60 and len(snapshots[0][1]) >= 50


def test_the_demo_fleet_uses_tags_the_lab_s_workbook_does_not() -> None:
    workbook = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    rows = workbook[c.FORECAST_SHEET].iter_rows(min_row=5, values_only=True)
    header = [c.header_key(str(v)) if v else "" for v in next(rows)]
    column = header.index(c.header_key(c.TAG))
    workbook_tags = {str(row[column]).strip().upper() for row in rows if row[column]}
    demo_tags = [spec.tag for spec in generate_vehicles()]
    assert [vocab.normalize_tag(tag) for tag in demo_tags] == demo_tags
    assert demo_tags[0] == "DEMO-001" and not set(demo_tags) & workbook_tags
