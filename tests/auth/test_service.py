"""auth.service: the rules every edge (API, CLI, agent) shares about users."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dyno_agent.auth import service
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.db.errors import translate
from dyno_agent.errors import (
    AlreadyExists,
    Conflict,
    InvalidCredentials,
    InvalidInput,
    PermissionDenied,
)
from tests.factories import PASSWORD, make_user

ADMIN = Actor.system(Channel.api)


# Normalisation ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("admin@demo.local", "admin@demo.local"),
        ("  Manager@DEMO.Local ", "manager@demo.local"),
        ("Someone@Example.COM", "someone@example.com"),
        ("tech@lab.test", "tech@lab.test"),
    ],
)
def test_emails_are_validated_and_lower_cased(raw: str, stored: str) -> None:
    assert service.normalise_email(raw) == stored


@pytest.mark.parametrize(
    "raw", ["not-an-email", "a@b", "@demo.local", "a@local", "a@.local", "a b@demo.local"]
)
def test_garbage_emails_are_invalid_input(raw: str) -> None:
    with pytest.raises(InvalidInput):
        service.normalise_email(raw)


def test_passwords_need_8_chars_and_fit_in_72_bytes() -> None:
    assert service.check_password("x" * 8) == "x" * 8
    assert service.check_password("ü" * 36) == "ü" * 36  # 72 bytes
    for bad in ("x" * 7, "x" * 73, "ü" * 37):
        with pytest.raises(InvalidInput):
            service.check_password(bad)


# Creating and authenticating ----------------------------------------------------------------------
async def test_create_user_as_the_cli_calls_it(session: AsyncSession) -> None:
    user = await service.create_user(
        session, email=" Boss@Demo.Local", password=PASSWORD, role=Role.admin, full_name=" B  Oss "
    )
    assert (user.email, user.role, user.is_active, user.full_name) == (
        "boss@demo.local",
        "admin",
        True,
        "B Oss",
    )
    assert PASSWORD not in user.password_hash
    assert await service.authenticate(session, "BOSS@demo.local ", PASSWORD) is user


async def test_create_user_refuses_taken_emails_and_bad_input(session: AsyncSession) -> None:
    await service.create_user(session, email="dup@demo.local", password=PASSWORD)
    with pytest.raises(AlreadyExists):
        await service.create_user(session, email="DUP@demo.local", password=PASSWORD)
    with pytest.raises(InvalidInput):
        await service.create_user(session, email="nope", password=PASSWORD)
    with pytest.raises(InvalidInput):
        await service.create_user(session, email="short@demo.local", password="short")
    count = await session.scalar(select(User.id).where(User.email == "short@demo.local"))
    assert count is None


async def test_the_database_still_guarantees_unique_emails(session: AsyncSession) -> None:
    await make_user(session, email="race@lab.test")
    with pytest.raises(IntegrityError) as caught:
        async with session.begin_nested():
            session.add(User(email="race@lab.test", password_hash="x", role="user"))
            await session.flush()
    assert isinstance(translate(caught.value), AlreadyExists)


async def test_register_is_always_a_plain_user_and_can_be_closed(session: AsyncSession) -> None:
    user = await service.register(session, email="self@demo.local", password=PASSWORD)
    assert user.role == Role.user
    with pytest.raises(PermissionDenied):
        await service.register(
            session, email="late@demo.local", password=PASSWORD, allow_registration=False
        )


async def test_every_failed_login_looks_the_same(session: AsyncSession) -> None:
    user = await make_user(session, email="who@lab.test")
    messages = set()
    for email, password in [("who@lab.test", "wrong-one"), ("ghost@lab.test", PASSWORD)]:
        with pytest.raises(InvalidCredentials) as caught:
            await service.authenticate(session, email, password)
        messages.add(caught.value.message)
    user.is_active = False
    with pytest.raises(InvalidCredentials) as caught:
        await service.authenticate(session, "who@lab.test", PASSWORD)
    messages.add(caught.value.message)
    assert len(messages) == 1


# Updating -----------------------------------------------------------------------------------------
async def test_update_changes_only_what_is_given(session: AsyncSession) -> None:
    user = await make_user(session, email="edit@lab.test")
    await service.update_user(session, ADMIN, user.id, role=Role.power_user)
    assert (user.role, user.is_active, user.full_name) == ("power_user", True, "Test User")
    await service.update_user(session, ADMIN, user.id, full_name=None, password="new-password")
    assert user.full_name is None
    assert await service.authenticate(session, "edit@lab.test", "new-password") is user


async def test_only_admins_may_update_users(session: AsyncSession) -> None:
    target = await make_user(session)
    power = Actor(user_id=None, role=Role.power_user, channel=Channel.agent)
    with pytest.raises(PermissionDenied):
        await service.update_user(session, power, target.id, role=Role.admin)
    assert target.role == "user"


async def test_concurrent_demotions_cannot_remove_every_admin(committed: AsyncEngine) -> None:
    factory = async_sessionmaker(committed, expire_on_commit=False)
    async with factory.begin() as setup:
        first = await make_user(setup, Role.admin)
        second = await make_user(setup, Role.admin)
    first_id, second_id = first.id, second.id

    async def demote(session: AsyncSession, user_id: int) -> None:
        await service.update_user(session, ADMIN, user_id, role=Role.user)

    async with factory() as one, factory() as two:
        await demote(one, first_id)  # holds the admins' row locks until it commits
        racer = asyncio.create_task(demote(two, second_id))
        await asyncio.sleep(0.3)
        assert not racer.done()  # it waits for the lock instead of reading stale rows
        await one.commit()
        with pytest.raises(Conflict):
            await racer
        await two.rollback()

    async with factory() as check:
        roles = (await check.scalars(select(User.role).order_by(User.id))).all()
    assert roles == ["user", "admin"]
