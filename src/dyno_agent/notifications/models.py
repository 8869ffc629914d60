"""Tables of the notifications (migration 0014). The outbox is filled only by the trigger
`notify_allocation_event`, in the transaction of the allocation change itself."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dyno_agent.db.base import Base


class Scope(enum.StrEnum):
    all = "all"
    dyno = "dyno"
    facility = "facility"
    vehicle = "vehicle"


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    delivered = "delivered"
    dead = "dead"  # gave up: too many attempts or too old; an admin may retry it
    skipped = "skipped"  # e-mail while no SMTP server is configured


class Subscription(Base):
    """A user follows a dyno, a facility, a vehicle or all bookings, by e-mail and/or webhook."""

    __tablename__ = "notification_subscriptions"
    __table_args__ = (
        CheckConstraint("scope IN ('all', 'dyno', 'facility', 'vehicle')", name="scope_vocab"),
        CheckConstraint(
            "(scope = 'dyno') = (dyno_id IS NOT NULL)"
            " AND (scope = 'facility') = (facility IS NOT NULL)"
            " AND (scope = 'vehicle') = (vehicle_id IS NOT NULL)",
            name="scope_target",
        ),
        CheckConstraint("email OR webhook_url IS NOT NULL", name="some_channel"),
        CheckConstraint("(webhook_url IS NULL) = (webhook_secret IS NULL)", name="webhook_secret"),
        Index("ix_notification_subscriptions_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    scope: Mapped[str] = mapped_column(String(10), nullable=False)
    dyno_id: Mapped[int | None] = mapped_column(ForeignKey("dynos.id", ondelete="CASCADE"))
    facility: Mapped[str | None] = mapped_column(String(60))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"))
    email: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class OutboxMessage(Base):
    """One message to send: an allocation change x a recipient x a channel."""

    __tablename__ = "notification_outbox"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'webhook')", name="channel_vocab"),
        CheckConstraint(
            "status IN ('pending', 'delivered', 'dead', 'skipped')", name="status_vocab"
        ),
        Index(
            "ix_notification_outbox_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_notification_outbox_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    allocation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_subscriptions.id", ondelete="CASCADE")
    )
    target: Mapped[str] = mapped_column(String(2000), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    next_attempt_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    age_from: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String(80))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryAttempt(Base):
    """One try at delivering an outbox message."""

    __tablename__ = "notification_attempts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("notification_outbox.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    worker: Mapped[str] = mapped_column(String(80), nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
