"""Load the demo dataset into an empty database, once; never into one holding other data."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import lru_cache

import anyio.to_thread
from sqlalchemy import exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role, User
from dyno_agent.auth.passwords import hash_password_sync
from dyno_agent.demo.catalog import rules_by_dyno
from dyno_agent.demo.fleet import generate_vehicles
from dyno_agent.demo.plan import allocation_plan, maintenance_plan
from dyno_agent.demo.workbook import facility_of
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.dynos import create_dyno
from dyno_agent.scheduling.maintenance import add_maintenance
from dyno_agent.scheduling.models import (
    Allocation,
    AppMeta,
    Dyno,
    MaintenanceWindow,
    Vehicle,
)
from dyno_agent.scheduling.schemas.dynos import DynoCreate, RuleIn
from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate
from dyno_agent.scheduling.schemas.vehicles import VehicleCreate
from dyno_agent.scheduling.vehicles import create_vehicle

DATASET_KEY = "dataset"
DATASET_DEMO = "demo"
DEMO_PASSWORD = "demo1234"
DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("admin@demo.local", Role.admin, "Demo Admin"),
    ("manager@demo.local", Role.power_user, "Demo Manager"),
    ("engineer@demo.local", Role.user, "Demo Engineer"),
)
# Serialises concurrent loads (two `serve --demo` starting together); any constant works.
_LOCK_KEY = 0x44_59_4E_4F


class DemoStatus(enum.StrEnum):
    loaded = "loaded"
    already_loaded = "already_loaded"
    refused = "refused"


@dataclass(frozen=True)
class DemoSummary:
    status: DemoStatus
    message: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """The database holds the demo (just loaded or from before), so its logins work."""
        return self.status is not DemoStatus.refused


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    return hash_password_sync(DEMO_PASSWORD)  # bcrypt is slow on purpose: hash once


async def load_demo(session: AsyncSession) -> DemoSummary:
    """Load the dataset; a no-op if it is already there, refused if other data is present.

    Flushes only; the caller commits (one transaction, so a failure leaves nothing behind)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    marker = await session.get(AppMeta, DATASET_KEY)
    if marker is not None and marker.value == DATASET_DEMO:
        return DemoSummary(
            DemoStatus.already_loaded, "Demo data already loaded.", await _counts(session)
        )
    if marker is not None or await _holds_data(session):
        return DemoSummary(
            DemoStatus.refused,
            "The database already holds data that is not the demo dataset; "
            "the demo was not loaded.",
        )

    # Everything the loader writes is audited as an import (the caller's actor is kept).
    await session.execute(text("SELECT set_config('dyno.channel', 'import', true)"))
    today = clock.today()
    owners = await _create_users(session)
    dyno_ids = await _create_dynos(session)
    for window in maintenance_plan(today):
        data = MaintenanceCreate(start_date=window.start, end_date=window.end, reason=window.reason)
        await add_maintenance(session, dyno_ids[window.dyno], data)
    specs = generate_vehicles()
    vehicle_ids = [
        (await create_vehicle(session, VehicleCreate(**spec.__dict__))).id for spec in specs
    ]
    # Past-dated bookings cannot go through the booking engine; they are imported as they are.
    for planned in allocation_plan(specs, today, tuple(owners)):
        session.add(
            Allocation(
                vehicle_id=vehicle_ids[planned.vehicle],
                dyno_id=dyno_ids[planned.dyno],
                test_type=planned.test_type,
                start_date=planned.start,
                end_date=planned.end,
                status=planned.status,
                created_by=owners[planned.owner],
            )
        )
    session.add(AppMeta(key=DATASET_KEY, value=DATASET_DEMO))
    await session.flush()
    return DemoSummary(DemoStatus.loaded, "Demo data loaded.", await _counts(session))


async def _holds_data(session: AsyncSession) -> bool:
    query = select(exists(select(User.id)) | exists(select(Vehicle.id)) | exists(select(Dyno.id)))
    return bool(await session.scalar(query))


async def _create_users(session: AsyncSession) -> dict[str, int]:
    """The demo accounts; returns the ids of those who book (everyone but the admin)."""
    password_hash = await anyio.to_thread.run_sync(_demo_password_hash)
    users = [
        User(email=email, role=role.value, full_name=name, password_hash=password_hash)
        for email, role, name in DEMO_USERS
    ]
    session.add_all(users)
    await session.flush()
    return {user.email: user.id for user in users if user.role != Role.admin}


async def _create_dynos(session: AsyncSession) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, rules in rules_by_dyno().items():
        data = DynoCreate(
            name=name,
            facility=facility_of(name),
            available_from=None,
            available_to=None,
            notes=None,
            rules=[RuleIn(test_type=t, drive_type=d, weight_class=w) for t, d, w in rules],
        )
        ids[name] = (await create_dyno(session, data)).id
    return ids


async def _counts(session: AsyncSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, model in (
        ("users", User),
        ("dynos", Dyno),
        ("maintenance_windows", MaintenanceWindow),
        ("vehicles", Vehicle),
        ("allocations", Allocation),
    ):
        counts[label] = await session.scalar(select(func.count()).select_from(model)) or 0
    return counts
