"""Small factories for test data. Each flushes and returns the ORM object."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role, User
from dyno_agent.auth.passwords import hash_password_sync
from dyno_agent.auth.tokens import create_access_token
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule, MaintenanceWindow, Vehicle
from dyno_agent.scheduling.vocab import weight_class_for

_counter = itertools.count(1)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PASSWORD = "correct-horse-1"
_PASSWORD_HASH = hash_password_sync(PASSWORD)  # hashed once: bcrypt is slow on purpose
TEST_SECRET = "test-secret-" + "x" * 32


def unique_vin() -> str:
    rng = random.Random(next(_counter) * 7919)
    return "1FT" + "".join(rng.choice(_VIN_CHARS) for _ in range(14))


async def make_user(
    session: AsyncSession, role: Role = Role.user, email: str | None = None
) -> User:
    user = User(
        email=email or f"user{next(_counter)}@lab.test",
        password_hash=_PASSWORD_HASH,
        role=role.value,
        full_name="Test User",
    )
    session.add(user)
    await session.flush()
    return user


def token_for(user: User, secret: str = TEST_SECRET, minutes: int = 30) -> str:
    return create_access_token(user.id, secret, minutes, version=user.token_version)


def auth_header(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user)}"}


async def make_vehicle(
    session: AsyncSession,
    *,
    drive_type: str = "2WD",
    weight_lbs: int | None = 6000,
    weight_class: str | None = None,
    vin: str | None = None,
    program: str | None = "P708",
    tag: str | None = None,
    placeholder_key: str | None = None,
) -> Vehicle:
    vin = vin or (None if placeholder_key else unique_vin())
    vehicle = Vehicle(
        tag=tag or (None if placeholder_key else vin),
        placeholder_key=placeholder_key,
        vin=vin,
        program=program,
        drive_type=drive_type,
        weight_lbs=weight_lbs,
        weight_class=weight_class or weight_class_for(weight_lbs or 1),
    )
    session.add(vehicle)
    await session.flush()
    return vehicle


async def make_dyno(
    session: AsyncSession,
    name: str | None = None,
    *,
    rules: list[tuple[str, str, str]] = (("brake", "any", "any"),),  # type: ignore[assignment]
    facility: str = "MPG",
    enabled: bool = True,
    available_from: dt.date | None = None,
    available_to: dt.date | None = None,
) -> Dyno:
    """A dyno with rules given as (test_type, drive_type, weight_class) triples."""
    dyno = Dyno(
        name=name or f"Dyno {next(_counter)}",
        facility=facility,
        enabled=enabled,
        available_from=available_from,
        available_to=available_to,
        supported_test_types=sorted({r[0] for r in rules}),
        supported_drives=sorted({r[1] for r in rules}),
        supported_weight_classes=sorted({r[2] for r in rules}),
    )
    session.add(dyno)
    await session.flush()
    for test_type, drive, weight in rules:
        session.add(
            DynoRule(dyno_id=dyno.id, test_type=test_type, drive_type=drive, weight_class=weight)
        )
    await session.flush()
    return dyno


async def make_maintenance(
    session: AsyncSession, dyno: Dyno, start: dt.date, end: dt.date, reason: str = "service"
) -> MaintenanceWindow:
    window = MaintenanceWindow(dyno_id=dyno.id, start_date=start, end_date=end, reason=reason)
    session.add(window)
    await session.flush()
    return window


async def make_allocation(
    session: AsyncSession,
    vehicle: Vehicle,
    dyno: Dyno | None,
    start: dt.date,
    end: dt.date,
    *,
    test_type: str = "brake",
    status: str = "scheduled",
    created_by: User | None = None,
) -> Allocation:
    allocation = Allocation(
        vehicle_id=vehicle.id,
        dyno_id=dyno.id if dyno else None,
        test_type=test_type,
        start_date=start,
        end_date=end,
        status=status,
        created_by=created_by.id if created_by else None,
    )
    session.add(allocation)
    await session.flush()
    return allocation
