"""Subscriptions (each user manages their own) and the outbox as admins see it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput, NotificationNotFound, SubscriptionNotFound
from dyno_agent.notifications import webhooks
from dyno_agent.notifications.models import (
    DeliveryAttempt,
    OutboxMessage,
    OutboxStatus,
    Scope,
    Subscription,
)
from dyno_agent.notifications.schemas import (
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)
from dyno_agent.scheduling.dynos import resolve_dyno
from dyno_agent.scheduling.models import Dyno, Vehicle
from dyno_agent.scheduling.vehicles import resolve_vehicle


async def _facility(session: AsyncSession, name: str) -> str:
    wanted = name.strip()
    facilities = list(await session.scalars(select(Dyno.facility).distinct()))
    for facility in facilities:
        if facility.casefold() == wanted.casefold():
            return facility
    raise InvalidInput(f"No facility named {wanted!r}.", field="facility", known=sorted(facilities))


async def describe(
    session: AsyncSession, subscriptions: Sequence[Subscription]
) -> list[SubscriptionRead]:
    """Subscriptions for output, with the dyno's name and the vehicle's tag."""
    dyno_ids = {s.dyno_id for s in subscriptions if s.dyno_id}
    vehicle_ids = {s.vehicle_id for s in subscriptions if s.vehicle_id}
    dynos = (
        dict((await session.execute(select(Dyno.id, Dyno.name).where(Dyno.id.in_(dyno_ids)))).all())
        if dyno_ids
        else {}
    )
    vehicles = (
        {
            v.id: v.label
            for v in await session.scalars(select(Vehicle).where(Vehicle.id.in_(vehicle_ids)))
        }
        if vehicle_ids
        else {}
    )
    out = []
    for s in subscriptions:
        read = SubscriptionRead.model_validate(s)
        read.webhook_secret = None
        read.dyno = dynos.get(s.dyno_id) if s.dyno_id else None
        read.vehicle = vehicles.get(s.vehicle_id) if s.vehicle_id else None
        out.append(read)
    return out


async def create_subscription(
    session: AsyncSession, user_id: int, data: SubscriptionCreate, allow_private: bool
) -> Subscription:
    """Follow a dyno, a facility, a vehicle or everything; a webhook gets a new secret."""
    subscription = Subscription(user_id=user_id, scope=data.scope.value, email=data.email)
    if data.scope is Scope.dyno:
        assert data.dyno is not None
        subscription.dyno_id = (await resolve_dyno(session, data.dyno)).id
    elif data.scope is Scope.facility:
        subscription.facility = await _facility(session, data.facility or "")
    elif data.scope is Scope.vehicle:
        vehicle = await resolve_vehicle(session, vehicle_id=data.vehicle_id, tag=data.vehicle_tag)
        subscription.vehicle_id = vehicle.id
    if data.webhook_url:
        subscription.webhook_url = webhooks.check_url(data.webhook_url, allow_private)
        subscription.webhook_secret = webhooks.new_secret()
    session.add(subscription)
    await session.flush()
    await session.refresh(subscription)
    return subscription


async def list_subscriptions(session: AsyncSession, user_id: int) -> list[Subscription]:
    return list(
        await session.scalars(
            select(Subscription).where(Subscription.user_id == user_id).order_by(Subscription.id)
        )
    )


async def get_subscription(
    session: AsyncSession, user_id: int, subscription_id: int
) -> Subscription:
    subscription = await session.get(Subscription, subscription_id)
    if subscription is None or subscription.user_id != user_id:
        raise SubscriptionNotFound(
            f"You have no subscription {subscription_id}.", subscription_id=subscription_id
        )
    return subscription


async def update_subscription(
    session: AsyncSession,
    user_id: int,
    subscription_id: int,
    data: SubscriptionUpdate,
    allow_private: bool,
) -> tuple[Subscription, bool]:
    """Change the channels; returns the subscription and whether its secret is new."""
    subscription = await get_subscription(session, user_id, subscription_id)
    new_secret = False
    if data.email is not None:
        subscription.email = data.email
    if data.remove_webhook:
        subscription.webhook_url = subscription.webhook_secret = None
    elif data.webhook_url:
        subscription.webhook_url = webhooks.check_url(data.webhook_url, allow_private)
        new_secret = subscription.webhook_secret is None or data.rotate_secret
    elif data.rotate_secret and subscription.webhook_url:
        new_secret = True
    if new_secret:
        subscription.webhook_secret = webhooks.new_secret()
    if not subscription.email and not subscription.webhook_url:
        raise InvalidInput("Keep e-mail, a webhook URL, or both.", field="email")
    await session.flush()
    return subscription, new_secret


async def delete_subscription(session: AsyncSession, user_id: int, subscription_id: int) -> None:
    """Unsubscribe; messages of this subscription not sent yet are dropped with it."""
    await session.delete(await get_subscription(session, user_id, subscription_id))
    await session.flush()


async def list_outbox(
    session: AsyncSession, status: OutboxStatus | None, limit: int, offset: int
) -> tuple[list[OutboxMessage], int]:
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status.value)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total or 0)


async def get_message(
    session: AsyncSession, message_id: int
) -> tuple[OutboxMessage, list[DeliveryAttempt]]:
    message = await session.get(OutboxMessage, message_id)
    if message is None:
        raise NotificationNotFound(f"No notification {message_id}.", notification_id=message_id)
    attempts = await session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.outbox_id == message_id)
        .order_by(DeliveryAttempt.id)
    )
    return message, list(attempts)


async def retry(session: AsyncSession, message_id: int) -> OutboxMessage:
    """Send a dead (or skipped) message again: due now, with a fresh count of attempts."""
    message, _ = await get_message(session, message_id)
    if message.status == OutboxStatus.pending.value:
        return message
    if message.status == OutboxStatus.delivered.value:
        raise InvalidInput(f"Notification {message_id} was delivered already.")
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=OutboxStatus.pending.value,
            attempts=0,
            next_attempt_at=func.now(),
            age_from=func.now(),
            finished_at=None,
            locked_until=None,
            locked_by=None,
        )
    )
    await session.refresh(message)
    return message
