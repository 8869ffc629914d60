"""Subscribing from the chat: the tool files an e-mail subscription for the signed-in user, and
the offline model turns plain English and German requests into it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.tools.base import ToolEnv
from dyno_agent.agent.tools.notifications import (
    SubscribeArgs,
    my_subscriptions,
    subscribe_notifications,
)
from dyno_agent.auth.actor import Channel
from dyno_agent.config import Settings
from dyno_agent.deps import actor_for
from dyno_agent.errors import InvalidInput
from dyno_agent.notifications.models import Subscription
from tests.agent.offline_model_fixtures import converse, only_call, reply
from tests.conftest import TODAY
from tests.factories import make_dyno, make_user, make_vehicle


async def test_the_tool_subscribes_the_user_by_email_to_a_dyno_or_a_vehicle_tag(
    session: AsyncSession, settings: Settings
):
    user = await make_user(session)
    dyno = await make_dyno(session, name="MPG 3")
    vehicle = await make_vehicle(session, tag="DEMO-012")
    env = ToolEnv(session, actor_for(user, Channel.agent), settings, TODAY)

    made = await subscribe_notifications(env, SubscribeArgs(scope="dyno", dyno="mpg 3"))
    assert made.ok and "dyno MPG 3" in made.summary
    await subscribe_notifications(env, SubscribeArgs(scope="vehicle", tag="demo-012"))
    rows = list(await session.scalars(select(Subscription).where(Subscription.user_id == user.id)))
    assert {(r.scope, r.dyno_id, r.vehicle_id, r.email, r.webhook_url) for r in rows} == {
        ("dyno", dyno.id, None, True, None),
        ("vehicle", None, vehicle.id, True, None),
    }
    listed = await my_subscriptions(env, SubscribeArgs.model_construct())  # type: ignore[arg-type]
    assert listed.data is not None and len(listed.data["subscriptions"]) == 2
    with pytest.raises(InvalidInput):
        await subscribe_notifications(env, SubscribeArgs())


@pytest.mark.parametrize(
    ("request_text", "args"),
    [
        ("notify me when dyno 3 gets booked", {"scope": "dyno", "dyno": 3}),
        ("subscribe me to vehicle 12", {"scope": "vehicle", "vehicle_id": 12}),
        ("keep me posted on all bookings", {"scope": "all"}),
        ("notify me about facility VTS", {"scope": "facility", "facility": "VTS"}),
        ("Benachrichtige mich, wenn Dyno 3 gebucht wird", {"scope": "dyno", "dyno": 3}),
        ("Fahrzeug 12 abonnieren", {"scope": "vehicle", "vehicle_id": 12}),
    ],
)
async def test_the_offline_model_subscribes_from_plain_requests(
    request_text: str, args: dict[str, object]
):
    assert only_call(await reply(request_text)) == ("subscribe_notifications", args)


async def test_the_offline_model_asks_what_to_follow_and_tell_me_about_is_no_subscription():
    (question,) = await converse("notify me")
    assert question.tool_calls == [] and "vehicle" in str(question.content)
    assert only_call(await reply("tell me about dyno 3"))[0] == "get_dyno"
