"""Request and response bodies of the notification routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dyno_agent.inputs import InputModel
from dyno_agent.notifications.models import OutboxStatus, Scope


class SubscriptionCreate(InputModel):
    """What to follow (`scope` and its target) and how: e-mail and/or a webhook."""

    scope: Scope
    dyno: int | str | None = Field(default=None, description="Dyno id or name (scope dyno).")
    facility: str | None = Field(default=None, max_length=60)
    vehicle_id: int | None = Field(default=None, ge=1)
    vehicle_tag: str | None = Field(default=None, max_length=40)
    email: bool = True
    webhook_url: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _one_target(self) -> SubscriptionCreate:
        needs = {
            Scope.dyno: self.dyno is not None,
            Scope.facility: bool(self.facility and self.facility.strip()),
            Scope.vehicle: self.vehicle_id is not None or bool(self.vehicle_tag),
            Scope.all: True,
        }
        if not needs[self.scope]:
            raise ValueError(f"scope {self.scope.value} needs its {self.scope.value}")
        if not self.email and not self.webhook_url:
            raise ValueError("choose e-mail, a webhook URL, or both")
        return self


class SubscriptionUpdate(InputModel):
    email: bool | None = None
    webhook_url: str | None = Field(default=None, max_length=2000)
    remove_webhook: bool = False
    rotate_secret: bool = False


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    scope: Scope
    dyno_id: int | None
    dyno: str | None = None
    facility: str | None
    vehicle_id: int | None
    vehicle: str | None = None
    email: bool
    webhook_url: str | None
    created_at: dt.datetime
    webhook_secret: str | None = Field(
        default=None,
        description="Shown only when the webhook is set or its secret rotated; keep it to check "
        "the X-Dyno-Signature header.",
    )


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: dt.datetime
    worker: str
    ok: bool
    error: str | None


class OutboxRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    allocation_id: int
    kind: str
    channel: str
    user_id: int
    subscription_id: int | None
    target: str
    status: OutboxStatus
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    finished_at: dt.datetime | None
    last_error: str | None
    payload: dict[str, Any]
    history: list[AttemptRead] = []
