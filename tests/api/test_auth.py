"""HTTP behaviour of /api/v1/auth and /api/v1/users: sign-up, login, tokens, roles, throttling."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role, User
from dyno_agent.config import Settings
from tests.api.conftest import error_body
from tests.factories import PASSWORD, auth_header, make_user, token_for

AUTH = "/api/v1/auth"
USERS = "/api/v1/users"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def register(client: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra):  # type: ignore[no-untyped-def]
    return await client.post(
        f"{AUTH}/register", json={"email": email, "password": password, **extra}
    )


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return await client.post(f"{AUTH}/login", json={"email": email, "password": password})


# Registration and login ---------------------------------------------------------------------------
async def test_register_then_login_then_me(client: httpx.AsyncClient, settings: Settings) -> None:
    created = await register(client, "  New.Person@Demo.Local ", full_name="New Person")
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "new.person@demo.local"
    assert user["role"] == "user"
    assert user["is_active"] is True
    assert "password" not in json.dumps(user)

    token = await login(client, "NEW.PERSON@demo.local")
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.jwt_expire_minutes * 60

    me = await client.get(f"{AUTH}/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]
    assert me.json()["full_name"] == "New Person"


async def test_demo_style_local_addresses_are_accepted(client: httpx.AsyncClient) -> None:
    for email in ("admin@demo.local", "manager@demo.local", "engineer@demo.local"):
        assert (await register(client, email)).status_code == 201


async def test_registration_cannot_choose_a_role(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await register(client, "sneaky@demo.local", role="admin")
    error_body(response, 422, "validation_error")
    assert await session.scalar(select(User).where(User.email == "sneaky@demo.local")) is None


async def test_duplicate_email_is_409_whatever_its_case(client: httpx.AsyncClient) -> None:
    assert (await register(client, "twice@demo.local")).status_code == 201
    body = error_body(await register(client, "Twice@Demo.Local"), 409, "already_exists")
    assert body["details"]["email"] == "twice@demo.local"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@@demo.local", "", "me@site.invalid"])
async def test_bad_email_is_a_validation_error(client: httpx.AsyncClient, email: str) -> None:
    body = error_body(await register(client, email), 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "email"


@pytest.mark.parametrize(
    "password", ["short", "x" * 7, "x" * 73, "é" * 37], ids=["5", "7", "73", "74-bytes"]
)
async def test_password_outside_8_chars_to_72_bytes_is_422(
    client: httpx.AsyncClient, password: str
) -> None:
    body = error_body(await register(client, "pw@demo.local", password), 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "password"


async def test_password_of_exactly_72_bytes_is_fine(client: httpx.AsyncClient) -> None:
    assert (await register(client, "long@demo.local", "p" * 72)).status_code == 201
    assert (await login(client, "long@demo.local", "p" * 72)).status_code == 200


async def test_registration_disabled_is_403(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"allow_registration": False})
    error_body(await register(client, "closed@demo.local"), 403, "permission_denied")
    assert await session.scalar(select(User).where(User.email == "closed@demo.local")) is None


async def test_wrong_password_is_401_with_error_body(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    user = await make_user(session, email="known@lab.test")
    body = error_body(await login(client, user.email, "wrong-password"), 401, "invalid_credentials")
    unknown = error_body(await login(client, "nobody@lab.test"), 401, "invalid_credentials")
    assert body["message"] == unknown["message"]


async def test_inactive_user_cannot_log_in(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    user = await make_user(session, email="gone@lab.test")
    user.is_active = False
    await session.flush()
    error_body(await login(client, "gone@lab.test"), 401, "invalid_credentials")


async def test_login_does_not_judge_email_format(client: httpx.AsyncClient) -> None:
    error_body(await login(client, "not-an-email"), 401, "invalid_credentials")


# Throttling ---------------------------------------------------------------------------------------
async def test_too_many_logins_are_429_with_retry_after(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, email="target@lab.test")
    for _ in range(5):  # settings.login_rate_limit is 5/minute
        error_body(
            await login(client, "target@lab.test", "guess-guess"), 401, "invalid_credentials"
        )

    limited = await login(client, "TARGET@lab.test")  # right password, still refused
    body = error_body(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert body["details"]["retry_after_seconds"] == int(limited.headers["Retry-After"])

    # Another account from the same client has its own window.
    error_body(await login(client, "other@lab.test"), 401, "invalid_credentials")


# Tokens -------------------------------------------------------------------------------------------
async def test_missing_header_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{AUTH}/me")
    error_body(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_expired_token_is_401(client: httpx.AsyncClient, session: AsyncSession) -> None:
    user = await make_user(session)
    body = error_body(
        await client.get(f"{AUTH}/me", headers=bearer(token_for(user, minutes=-1))),
        401,
        "not_authenticated",
    )
    assert "expired" in body["message"]


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer", "eyJhbGciOiJIUzI1NiJ9.e30"])
async def test_malformed_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    error_body(await client.get(f"{AUTH}/me", headers=bearer(token)), 401, "not_authenticated")


async def test_unsigned_alg_none_token_is_401(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    user = await make_user(session, Role.admin)
    claims = {"sub": str(user.id), "exp": int(time.time()) + 600, "type": "access"}
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    error_body(await client.get(f"{AUTH}/me", headers=bearer(token)), 401, "not_authenticated")


async def test_token_signed_with_another_secret_is_401(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    user = await make_user(session)
    forged = token_for(user, secret="some-other-secret-" + "y" * 32)
    error_body(await client.get(f"{AUTH}/me", headers=bearer(forged)), 401, "not_authenticated")


async def test_deactivated_users_token_stops_working(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin = await make_user(session, Role.admin)
    user = await make_user(session)
    admin_headers, user_headers, user_id = auth_header(admin), auth_header(user), user.id
    assert (await client.get(f"{AUTH}/me", headers=user_headers)).status_code == 200

    patched = await client.patch(
        f"{USERS}/{user_id}", json={"is_active": False}, headers=admin_headers
    )
    assert patched.status_code == 200, patched.text
    error_body(await client.get(f"{AUTH}/me", headers=user_headers), 401, "not_authenticated")


# User administration ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.user, Role.power_user])
async def test_non_admins_get_403_on_users(
    client: httpx.AsyncClient, session: AsyncSession, role: Role
) -> None:
    headers = auth_header(await make_user(session, role))
    error_body(await client.get(USERS, headers=headers), 403, "permission_denied")
    new = {"email": "x@demo.local", "password": PASSWORD, "role": "admin"}
    error_body(await client.post(USERS, json=new, headers=headers), 403, "permission_denied")
    error_body(
        await client.patch(f"{USERS}/1", json={"role": "admin"}, headers=headers),
        403,
        "permission_denied",
    )


async def test_admin_lists_and_searches_users(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin = await make_user(session, Role.admin)
    await make_user(session, email="alice.brake@lab.test")
    await make_user(session, email="bob@lab.test")
    headers = auth_header(admin)

    everyone = await client.get(USERS, headers=headers)
    assert everyone.status_code == 200
    emails = {u["email"] for u in everyone.json()}
    assert {"alice.brake@lab.test", "bob@lab.test"} <= emails

    found = await client.get(USERS, params={"q": "BRAKE"}, headers=headers)
    assert [u["email"] for u in found.json()] == ["alice.brake@lab.test"]
    none = await client.get(USERS, params={"q": "%"}, headers=headers)
    assert none.json() == []


async def test_admin_creates_gets_and_patches_a_user(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = auth_header(await make_user(session, Role.admin))
    created = await client.post(
        USERS,
        json={"email": "Eng@Demo.Local", "password": PASSWORD, "role": "power_user"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    assert created.json()["role"] == "power_user"

    fetched = await client.get(f"{USERS}/{new_id}", headers=headers)
    assert fetched.json()["email"] == "eng@demo.local"

    patched = await client.patch(
        f"{USERS}/{new_id}",
        json={"role": "admin", "full_name": "Eng Ineer", "password": "brand-new-pass"},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["role"] == "admin"
    assert patched.json()["full_name"] == "Eng Ineer"
    assert (await login(client, "eng@demo.local", "brand-new-pass")).status_code == 200
    error_body(await login(client, "eng@demo.local"), 401, "invalid_credentials")


async def test_admin_create_validates_and_refuses_duplicates(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = auth_header(await make_user(session, Role.admin, email="boss@lab.test"))
    bad_role = {"email": "r@demo.local", "password": PASSWORD, "role": "superuser"}
    error_body(await client.post(USERS, json=bad_role, headers=headers), 422, "validation_error")
    taken = {"email": "BOSS@lab.test", "password": PASSWORD}
    error_body(await client.post(USERS, json=taken, headers=headers), 409, "already_exists")


async def test_unknown_user_is_404(client: httpx.AsyncClient, session: AsyncSession) -> None:
    headers = auth_header(await make_user(session, Role.admin))
    error_body(await client.get(f"{USERS}/999999", headers=headers), 404, "user_not_found")
    patch = await client.patch(f"{USERS}/999999", json={"is_active": False}, headers=headers)
    error_body(patch, 404, "user_not_found")
    error_body(await client.get(f"{USERS}/0", headers=headers), 422, "validation_error")


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await session.execute(update(User).values(is_active=False))  # only this test's admins count
    admin = await make_user(session, Role.admin)
    headers, admin_id = auth_header(admin), admin.id
    for change in ({"role": "power_user"}, {"is_active": False}):
        response = await client.patch(f"{USERS}/{admin_id}", json=change, headers=headers)
        error_body(response, 409, "conflict")
    await session.refresh(admin)
    assert (admin.role, admin.is_active) == ("admin", True)

    second = await make_user(session, Role.admin)
    second_headers, second_id = auth_header(second), second.id
    demoted = await client.patch(f"{USERS}/{admin_id}", json={"role": "user"}, headers=headers)
    assert demoted.status_code == 200, demoted.text

    # `second` is now the last one: it cannot step down either.
    response = await client.patch(
        f"{USERS}/{second_id}", json={"is_active": False}, headers=second_headers
    )
    error_body(response, 409, "conflict")


async def test_inactive_admins_do_not_count_as_another_admin(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await session.execute(update(User).values(is_active=False))
    admin = await make_user(session, Role.admin)
    dormant = await make_user(session, Role.admin)
    dormant.is_active = False
    await session.flush()
    headers, admin_id = auth_header(admin), admin.id
    response = await client.patch(f"{USERS}/{admin_id}", json={"role": "user"}, headers=headers)
    error_body(response, 409, "conflict")
