from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.requests import service
from dyno_agent.requests.models import TestRequest
from dyno_agent.requests.schemas import TestRequestCreate
from dyno_agent.scheduling.models import Vehicle
from tests.conftest import TODAY
from tests.factories import make_user, make_vehicle

START = TODAY + dt.timedelta(days=10)


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), channel=Channel.api)


@pytest.fixture
async def manager(session: AsyncSession) -> User:
    return await make_user(session, Role.power_user)


@pytest.fixture
async def engineer(session: AsyncSession) -> User:
    return await make_user(session, Role.user)


@pytest.fixture
async def vehicle(session: AsyncSession) -> Vehicle:
    return await make_vehicle(session)


async def make_request(
    session: AsyncSession,
    actor: Actor,
    vehicle: Vehicle,
    *,
    test_type: str = "150k mileage",
    step: str = "0K-5K",
    days: int = 7,
    earliest: dt.date = START,
    **extra: object,
) -> TestRequest:
    data = TestRequestCreate(
        vehicle_id=vehicle.id,
        test_type=test_type,
        mileage_step=step,
        days=days,
        earliest_start=earliest,
        **extra,  # type: ignore[arg-type]
    )
    return await service.create_request(session, actor, data)
