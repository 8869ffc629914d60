"""Notification tools: subscribe the user to a dyno, a facility, a vehicle or all bookings by
e-mail, and list their subscriptions. Subscribing changes nothing anyone else sees, so it is not
confirmed; webhooks are set up in the UI, the API or the CLI (their secret must not go through
the chat)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from dyno_agent.agent.tools.args import NoArgs
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.errors import InvalidInput
from dyno_agent.inputs import InputModel
from dyno_agent.notifications import service
from dyno_agent.notifications.models import Scope
from dyno_agent.notifications.schemas import SubscriptionCreate, SubscriptionRead
from dyno_agent.scheduling.vehicles import resolve_vehicle

_ARGS = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SubscribeArgs(InputModel):
    model_config = _ARGS
    scope: Literal["dyno", "facility", "vehicle", "all"] | None = Field(
        None, description="What to follow; None: say which."
    )
    dyno: int | str | None = Field(None, description="Dyno id or name (scope dyno).")
    facility: str | None = Field(None, max_length=60, description="Facility (scope facility).")
    vehicle_id: int | None = Field(None, ge=1, description="Vehicle id (scope vehicle).")
    vin: str | None = Field(None, max_length=17, description="Vehicle VIN (scope vehicle).")
    tag: str | None = Field(None, max_length=40, description="Vehicle tag (scope vehicle).")


def _shape(s: SubscriptionRead) -> dict[str, Any]:
    return s.model_dump(mode="json", exclude={"webhook_secret", "user_id", "created_at"})


def _user(env: ToolEnv) -> int:
    if env.actor.user_id is None:
        raise InvalidInput("Subscriptions belong to a signed-in user.")
    return env.actor.user_id


async def subscribe_notifications(env: ToolEnv, x: SubscribeArgs) -> ToolOutcome:
    if x.scope is None:
        raise InvalidInput(
            "Say what to follow: a dyno, a facility, a vehicle, or all bookings.", field="scope"
        )
    vehicle_id = None
    if x.scope == "vehicle":
        vehicle = await resolve_vehicle(env.session, vehicle_id=x.vehicle_id, vin=x.vin, tag=x.tag)
        vehicle_id = vehicle.id
    data = SubscriptionCreate(
        scope=Scope(x.scope), dyno=x.dyno, facility=x.facility, vehicle_id=vehicle_id
    )
    created = await service.create_subscription(
        env.session, _user(env), data, env.settings.webhook_allow_private
    )
    read = (await service.describe(env.session, [created]))[0]
    what = {
        "all": "all bookings",
        "dyno": f"dyno {read.dyno}",
        "facility": f"facility {read.facility}",
        "vehicle": f"vehicle {read.vehicle}",
    }[read.scope.value]
    return ToolOutcome.success(
        f"Subscribed (e-mail) to {what}: bookings made, moved, delayed, started or cancelled",
        {"subscription": _shape(read), "what": what},
    )


async def my_subscriptions(env: ToolEnv, _: NoArgs) -> ToolOutcome:
    found = await service.list_subscriptions(env.session, _user(env))
    items = [_shape(s) for s in await service.describe(env.session, found)]
    return ToolOutcome.success(f"{len(items)} subscription(s)", {"subscriptions": items})


NOTIFICATION_TOOLS = [
    ToolSpec(
        "subscribe_notifications",
        "Notify the user by e-mail when bookings on a dyno, a facility or a vehicle (or any "
        "booking) are made, moved, delayed, started or cancelled.",
        SubscribeArgs,
        subscribe_notifications,
    ),
    ToolSpec(
        "my_subscriptions",
        "The user's notification subscriptions.",
        NoArgs,
        my_subscriptions,
    ),
]
