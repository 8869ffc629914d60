"""The worker delivers the outbox: signed webhooks to a local receiver, e-mail to a local SMTP
server, retries with back-off recorded attempt by attempt, and dead letters when it gives up."""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dyno_agent.config import Settings
from dyno_agent.notifications import service
from dyno_agent.notifications.models import DeliveryAttempt, OutboxMessage, OutboxStatus, Scope
from dyno_agent.notifications.schemas import SubscriptionCreate
from dyno_agent.notifications.worker import RetryPolicy, Worker
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle
from tests.notifications.receivers import smtp_server, webhook_receiver

D = dt.date(2026, 3, 9)


def fast(settings: Settings, **overrides: object) -> Settings:
    """Tiny back-off and polling, so retries happen within the test."""
    values: dict[str, object] = {
        "notify_backoff_initial_s": 0.01,
        "notify_backoff_max_s": 0.05,
        "notify_poll_s": 0.02,
        "notify_lease_s": 30.0,
        "notify_max_attempts": 4,
        "smtp_host": None,
    }
    return settings.model_copy(update=values | overrides)


@pytest.fixture
async def factory(committed: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield async_sessionmaker(committed, expire_on_commit=False)


async def book_with_webhook(
    factory: async_sessionmaker[AsyncSession], url: str, email_too: bool = False
) -> tuple[int, str, str]:
    """A subscriber with a webhook on a dyno, and a booking on it; (booking id, secret, owner)."""
    async with factory() as session, session.begin():
        owner, fan = await make_user(session), await make_user(session)
        dyno = await make_dyno(session)
        subscription = await service.create_subscription(
            session,
            fan.id,
            SubscriptionCreate(scope=Scope.dyno, dyno=dyno.id, email=email_too, webhook_url=url),
            allow_private=True,
        )
        booking = await make_allocation(
            session, await make_vehicle(session), dyno, D, D, created_by=owner
        )
        assert subscription.webhook_secret is not None
        return booking.id, subscription.webhook_secret, owner.email


async def outbox(factory: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with factory() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def attempts(factory: async_sessionmaker[AsyncSession], outbox_id: int) -> list[bool]:
    async with factory() as session:
        rows = await session.scalars(
            select(DeliveryAttempt.ok)
            .where(DeliveryAttempt.outbox_id == outbox_id)
            .order_by(DeliveryAttempt.id)
        )
        return list(rows)


async def test_a_webhook_arrives_signed_and_the_email_without_smtp_is_skipped(
    settings: Settings, factory: async_sessionmaker[AsyncSession]
):
    with webhook_receiver() as receiver:
        booking_id, secret, _ = await book_with_webhook(factory, receiver.url)
        await Worker(fast(settings), factory).run(until_idle=True, max_seconds=20)

    bodies = receiver.verified(secret)
    assert len(bodies) == len(receiver.requests) == 1
    body = bodies[0]
    assert body["kind"] == "made" and body["booking"]["id"] == booking_id
    assert set(body) >= {"id", "kind", "booking", "actor", "at", "event_id"}
    assert receiver.verified("another secret") == []
    statuses = {m.channel: m.status for m in await outbox(factory)}
    assert statuses == {"webhook": "delivered", "email": "skipped"}  # owner's e-mail, no SMTP
    webhook = next(m for m in await outbox(factory) if m.channel == "webhook")
    assert body["id"] == webhook.id
    assert receiver.requests[0].headers["X-Dyno-Delivery"] == str(webhook.id)


async def test_an_email_reaches_the_local_smtp_server(
    settings: Settings, factory: async_sessionmaker[AsyncSession]
):
    with smtp_server() as (port, inbox), webhook_receiver() as receiver:
        await book_with_webhook(factory, receiver.url)
        worker_settings = fast(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
        await Worker(worker_settings, factory).run(until_idle=True, max_seconds=20)
        received = list(inbox.messages)

    messages = await outbox(factory)
    owner_mail = next(m for m in messages if m.channel == "email")
    assert [m.status for m in messages] == ["delivered", "delivered"]
    assert len(received) == 1
    _, recipients, content = received[0]
    assert recipients == [owner_mail.target]
    mail = email.message_from_bytes(content)
    assert mail["Subject"].startswith("[Dyno Agent] Booking made")
    assert mail["X-Dyno-Delivery"] == str(owner_mail.id)
    assert "Dates:     2026-03-09 to 2026-03-09" in mail.get_payload()


async def test_a_receiver_failing_twice_gets_it_on_the_third_attempt(
    settings: Settings, factory: async_sessionmaker[AsyncSession]
):
    with webhook_receiver(fail_first=2) as receiver:
        _, secret, _ = await book_with_webhook(factory, receiver.url)
        await Worker(fast(settings), factory).run(until_idle=True, max_seconds=20)

    webhook = next(m for m in await outbox(factory) if m.channel == "webhook")
    assert webhook.status == "delivered" and webhook.attempts == 3
    assert await attempts(factory, webhook.id) == [False, False, True]
    # the same signed message each time, with the same idempotency key
    assert [b["id"] for b in receiver.verified(secret)] == [webhook.id] * 3


async def test_a_receiver_that_always_fails_ends_as_a_dead_letter_an_admin_can_retry(
    settings: Settings, factory: async_sessionmaker[AsyncSession]
):
    with webhook_receiver(fail_always=True) as receiver:
        await book_with_webhook(factory, receiver.url)
        await Worker(fast(settings), factory).run(until_idle=True, max_seconds=20)
        assert len(receiver.requests) == 4

        webhook = next(m for m in await outbox(factory) if m.channel == "webhook")
        assert webhook.status == "dead" and webhook.attempts == 4
        assert webhook.last_error == "HTTPStatusError: HTTP 500"
        assert await attempts(factory, webhook.id) == [False] * 4
        async with factory() as session, session.begin():
            dead, _ = await service.list_outbox(
                session, status=OutboxStatus.dead, limit=10, offset=0
            )
            assert [m.id for m in dead] == [webhook.id]
            await service.retry(session, webhook.id)

        receiver.fail_always = False
        await Worker(fast(settings), factory).run(until_idle=True, max_seconds=20)
    webhook = next(m for m in await outbox(factory) if m.channel == "webhook")
    assert webhook.status == "delivered"
    assert await attempts(factory, webhook.id) == [False] * 4 + [True]


def test_back_off_grows_exponentially_to_its_cap_and_gives_up_by_attempts_or_age():
    policy = RetryPolicy(max_attempts=5, max_age_s=3600, initial_s=30, max_s=300)
    assert [policy.wait_s(n) for n in range(1, 6)] == [30, 60, 120, 240, 300]
    assert not policy.gives_up(4, age_s=10)
    assert policy.gives_up(5, age_s=10)
    assert policy.gives_up(1, age_s=3600)
