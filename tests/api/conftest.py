"""What the API tests share: signed-in headers per role, and the check of an error answer."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.factories import auth_header, make_user


def error_body(response: httpx.Response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status, shape, code and that it says something."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == code and body["message"]
    return body


async def _headers(session: AsyncSession, role: Role) -> dict[str, str]:
    headers = auth_header(await make_user(session, role))
    await session.commit()  # so a failed request's rollback keeps the user
    return headers


@pytest.fixture
async def engineer(session: AsyncSession) -> dict[str, str]:
    return await _headers(session, Role.user)


@pytest.fixture
async def manager(session: AsyncSession) -> dict[str, str]:
    return await _headers(session, Role.power_user)
