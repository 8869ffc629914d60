from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.scheduling.models import Dyno
from tests.factories import make_dyno, make_user
from tests.scheduling.workbook import rules_by_dyno


def actor_of(user: User, channel: Channel = Channel.api) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), channel=channel)


@pytest.fixture
async def workbook_dynos(session: AsyncSession) -> dict[str, Dyno]:
    """The workbook's 23 dynos with their real conjunctive rules."""
    dynos = {}
    for name, rules in rules_by_dyno().items():
        dynos[name] = await make_dyno(session, name, rules=rules, facility=name.split()[0])
    return dynos


@pytest.fixture
async def engineer(session: AsyncSession) -> User:
    return await make_user(session, Role.user)


@pytest.fixture
async def manager(session: AsyncSession) -> User:
    return await make_user(session, Role.power_user)
