"""Routes: each user manages their own subscriptions; admins read the outbox and retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dyno_agent.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from dyno_agent.notifications import service
from dyno_agent.notifications.models import OutboxStatus
from dyno_agent.notifications.schemas import (
    AttemptRead,
    OutboxRead,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)
from dyno_agent.pagination import Page, PageParams

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("/subscriptions", response_model=list[SubscriptionRead])
async def list_subscriptions(session: SessionDep, user: CurrentUser) -> list[SubscriptionRead]:
    """Your subscriptions."""
    found = await service.list_subscriptions(session, user.id)
    return await service.describe(session, found)


@router.post("/subscriptions", response_model=SubscriptionRead, status_code=status.HTTP_201_CREATED)
async def create_subscription(
    body: SubscriptionCreate, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> SubscriptionRead:
    """Follow a dyno, a facility, a vehicle or all bookings by e-mail and/or webhook; a webhook's
    secret is in this answer only (it signs X-Dyno-Signature)."""
    created = await service.create_subscription(
        session, user.id, body, settings.webhook_allow_private
    )
    read = (await service.describe(session, [created]))[0]
    read.webhook_secret = created.webhook_secret
    return read


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionRead)
async def update_subscription(
    subscription_id: int,
    body: SubscriptionUpdate,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> SubscriptionRead:
    """Change the channels of your subscription; a new or rotated secret is in this answer."""
    changed, new_secret = await service.update_subscription(
        session, user.id, subscription_id, body, settings.webhook_allow_private
    )
    read = (await service.describe(session, [changed]))[0]
    read.webhook_secret = changed.webhook_secret if new_secret else None
    return read


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscription(subscription_id: int, session: SessionDep, user: CurrentUser) -> None:
    """Unsubscribe; its messages not sent yet are dropped."""
    await service.delete_subscription(session, user.id, subscription_id)


@router.get("/outbox", response_model=Page[OutboxRead])
async def list_outbox(
    session: SessionDep,
    _: AdminUser,
    page: PageParams,
    status_: Annotated[OutboxStatus | None, Query(alias="status")] = None,
) -> Page[OutboxRead]:
    """Notifications, newest first (admin); `status=dead` lists the dead letters."""
    items, total = await service.list_outbox(session, status_, page.limit, page.offset)
    return Page[OutboxRead](
        items=[OutboxRead.model_validate(m) for m in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/outbox/{message_id}", response_model=OutboxRead)
async def get_outbox_message(message_id: int, session: SessionDep, _: AdminUser) -> OutboxRead:
    """One notification with every delivery attempt (admin)."""
    message, attempts = await service.get_message(session, message_id)
    read = OutboxRead.model_validate(message)
    read.history = [AttemptRead.model_validate(a) for a in attempts]
    return read


@router.post("/outbox/{message_id}/retry", response_model=OutboxRead)
async def retry_outbox_message(message_id: int, session: SessionDep, _: AdminUser) -> OutboxRead:
    """Send a dead or skipped notification again, with a fresh count of attempts (admin)."""
    return OutboxRead.model_validate(await service.retry(session, message_id))
