"""Tokens stop working when their user's password, role or status changes; users change their
own password with the current one."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.api.conftest import error_body
from tests.factories import PASSWORD, TEST_SECRET, auth_header, make_user

AUTH = "/api/v1/auth"
USERS = "/api/v1/users"
NEW_PASSWORD = "a-new-password-2"


async def me(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.get(f"{AUTH}/me", headers=headers)


@pytest.mark.parametrize(
    "change",
    [{"password": NEW_PASSWORD}, {"role": "power_user"}],
    ids=["password", "role"],
)
async def test_an_admin_changing_password_or_role_revokes_the_users_tokens(
    client: httpx.AsyncClient, session: AsyncSession, change: dict
):
    admin = auth_header(await make_user(session, Role.admin))
    user = await make_user(session)
    old, user_id, email = auth_header(user), user.id, user.email
    assert (await me(client, old)).status_code == 200

    patched = await client.patch(f"{USERS}/{user_id}", json=change, headers=admin)
    assert patched.status_code == 200, patched.text

    body = error_body(await me(client, old), 401, "not_authenticated")
    assert "revoked" in body["message"]
    password = change.get("password", PASSWORD)
    fresh = await client.post(f"{AUTH}/login", json={"email": email, "password": password})
    token = fresh.json()["access_token"]
    assert (await me(client, {"Authorization": f"Bearer {token}"})).status_code == 200


async def test_a_token_stays_revoked_after_the_user_is_disabled_and_enabled_again(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin = auth_header(await make_user(session, Role.admin))
    user = await make_user(session)
    old, user_id = auth_header(user), user.id

    for active in (False, True):
        patched = await client.patch(
            f"{USERS}/{user_id}", json={"is_active": active}, headers=admin
        )
        assert patched.status_code == 200, patched.text

    error_body(await me(client, old), 401, "not_authenticated")


async def test_changing_only_the_name_keeps_tokens_valid(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin = auth_header(await make_user(session, Role.admin))
    user = await make_user(session)
    old, user_id = auth_header(user), user.id
    patched = await client.patch(f"{USERS}/{user_id}", json={"full_name": "Ann"}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert (await me(client, old)).status_code == 200


async def test_direct_sql_role_changes_revoke_tokens_too(
    client: httpx.AsyncClient, session: AsyncSession
):
    user = await make_user(session)
    old, user_id = auth_header(user), user.id
    await session.execute(text("UPDATE users SET role = 'admin' WHERE id = :i"), {"i": user_id})
    await session.refresh(user)
    assert user.token_version == 1
    error_body(await me(client, old), 401, "not_authenticated")


async def test_a_token_without_a_version_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
):
    user = await make_user(session)
    claims = {"sub": str(user.id), "exp": int(time.time()) + 600, "type": "access"}
    legacy = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    error_body(await me(client, {"Authorization": f"Bearer {legacy}"}), 401, "not_authenticated")


def _version_of(token: str) -> object:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["ver"]


# Own password change ------------------------------------------------------------------------------
async def test_users_change_their_own_password_and_get_a_fresh_token(
    client: httpx.AsyncClient, session: AsyncSession
):
    user = await make_user(session)
    old, email = auth_header(user), user.email

    changed = await client.post(
        f"{AUTH}/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=old,
    )

    assert changed.status_code == 200, changed.text
    token = changed.json()["access_token"]
    assert _version_of(token) == 1
    error_body(await me(client, old), 401, "not_authenticated")
    assert (await me(client, {"Authorization": f"Bearer {token}"})).status_code == 200
    refused = await client.post(f"{AUTH}/login", json={"email": email, "password": PASSWORD})
    error_body(refused, 401, "invalid_credentials")
    accepted = await client.post(f"{AUTH}/login", json={"email": email, "password": NEW_PASSWORD})
    assert accepted.status_code == 200


async def test_a_wrong_current_password_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession
):
    user = await make_user(session)
    old = auth_header(user)
    wrong = await client.post(
        f"{AUTH}/password",
        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
        headers=old,
    )
    body = error_body(wrong, 422, "invalid_input")
    assert body["details"]["field"] == "current_password"
    assert (await me(client, old)).status_code == 200
    short = await client.post(
        f"{AUTH}/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=old,
    )
    error_body(short, 422, "validation_error")


async def test_changing_the_password_needs_a_token(client: httpx.AsyncClient):
    response = await client.post(
        f"{AUTH}/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    error_body(response, 401, "not_authenticated")


async def test_guessing_the_current_password_is_rate_limited_like_logins(
    client: httpx.AsyncClient, session: AsyncSession
):
    headers = auth_header(await make_user(session))
    guess = {"current_password": "not-my-password", "new_password": NEW_PASSWORD}
    answers = [
        (await client.post(f"{AUTH}/password", json=guess, headers=headers)).status_code
        for _ in range(6)
    ]
    assert answers == [422] * 5 + [429]  # the test settings allow 5 tries a minute
