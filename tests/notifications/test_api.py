"""The notification routes: own subscriptions only, safe webhook URLs, admins' outbox and retry."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from dyno_agent.errors import InvalidWebhookUrl
from dyno_agent.notifications import webhooks
from dyno_agent.notifications.models import OutboxMessage
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

URL = "/api/v1/notifications"


async def test_a_user_subscribes_sees_and_deletes_only_their_own(
    client: httpx.AsyncClient, session: AsyncSession
):
    me, other = await make_user(session), await make_user(session)
    dyno = await make_dyno(session, name="MPG 3")
    as_me, as_other = auth_header(me), auth_header(other)
    created = await client.post(
        f"{URL}/subscriptions",
        json={"scope": "dyno", "dyno": "mpg3", "webhook_url": "https://hooks.example.test/x"},
        headers=as_me,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["dyno_id"] == dyno.id and body["dyno"] == "MPG 3" and body["email"] is True
    assert len(body["webhook_secret"]) >= 32  # shown once...
    mine = (await client.get(f"{URL}/subscriptions", headers=as_me)).json()
    assert [s["id"] for s in mine] == [body["id"]]
    assert mine[0]["webhook_secret"] is None  # ...not again
    assert (await client.get(f"{URL}/subscriptions", headers=as_other)).json() == []

    gone = await client.delete(f"{URL}/subscriptions/{body['id']}", headers=as_other)
    assert gone.status_code == 404
    rotated = await client.patch(
        f"{URL}/subscriptions/{body['id']}", json={"rotate_secret": True}, headers=as_me
    )
    assert rotated.json()["webhook_secret"] not in (None, body["webhook_secret"])
    gone = await client.delete(f"{URL}/subscriptions/{body['id']}", headers=as_me)
    assert gone.status_code == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scope": "dyno"}, "dyno"),
        ({"scope": "all", "email": False}, "webhook"),
        ({"scope": "all", "webhook_url": "ftp://example.test/x"}, "http"),
        ({"scope": "all", "webhook_url": "https://u:p@example.test/x"}, "password"),
        ({"scope": "all", "webhook_url": "http://169.254.169.254/latest"}, "link-local"),
        ({"scope": "facility", "facility": "Nowhere"}, "facility"),
    ],
)
async def test_bad_subscriptions_are_refused_with_a_reason(
    client: httpx.AsyncClient, session: AsyncSession, payload: dict[str, object], field: str
):
    me = await make_user(session)
    await make_dyno(session, facility="MPG")
    answer = await client.post(f"{URL}/subscriptions", json=payload, headers=auth_header(me))
    assert answer.status_code == 422, answer.text
    assert field in answer.text


def test_private_addresses_are_allowed_unless_turned_off():
    assert webhooks.check_url("http://10.1.2.3:8080/hook", allow_private=True)
    assert webhooks.check_url("http://127.0.0.1/hook", allow_private=True)
    with pytest.raises(InvalidWebhookUrl):
        webhooks.check_url("http://10.1.2.3:8080/hook", allow_private=False)
    with pytest.raises(InvalidWebhookUrl):
        webhooks.check_url("http://[::1]/hook", allow_private=False)


async def test_admins_list_dead_letters_and_retry_them_others_may_not(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin, user = await make_user(session, Role.admin), await make_user(session)
    as_admin, as_user, user_email = auth_header(admin), auth_header(user), user.email
    day = dt.date(2026, 3, 9)
    booking = await make_allocation(
        session, await make_vehicle(session), await make_dyno(session), day, day, created_by=user
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.allocation_id == booking.id)
        .values(status="dead", attempts=8, last_error="SMTPConnectError: refused")
    )
    assert (await client.get(f"{URL}/outbox", headers=as_user)).status_code == 403
    dead = (await client.get(f"{URL}/outbox?status=dead", headers=as_admin)).json()
    assert dead["total"] == 1
    item = dead["items"][0]
    assert (item["kind"], item["target"], item["status"]) == ("made", user_email, "dead")

    retried = await client.post(f"{URL}/outbox/{item['id']}/retry", headers=as_admin)
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
    one = (await client.get(f"{URL}/outbox/{item['id']}", headers=as_admin)).json()
    assert one["history"] == []
