"""Request dependencies as `Annotated` aliases: `session: SessionDep`, `user: CurrentUser`, ..."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.audit.stamp import stamp
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.auth.tokens import decode_access_token
from dyno_agent.config import Settings
from dyno_agent.errors import NotAuthenticated, PermissionDenied
from dyno_agent.observability.requests import note_user


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on any error."""
    async with request.app.state.session_factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function": commit before the response is sent, so a client never sees a success that
# is not stored yet (or that fails to commit); FastAPI's default runs yield exits after sending.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/v1/auth/login")


async def current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Send an `Authorization: Bearer <token>` header.")
    claims = decode_access_token(credentials.credentials, settings.resolved_jwt_secret())
    user = await session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("The token's user no longer exists or is disabled.")
    if user.token_version != claims.version:
        raise NotAuthenticated("The token was revoked (password or role changed); log in again.")
    # Every write of this request is audited as this user, through the API.
    await stamp(session, actor_for(user))
    note_user(user.id)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(role: Role) -> Callable[[User], Awaitable[User]]:
    """Dependency that lets the request through only for `role` or a higher one."""

    async def dependency(user: CurrentUser) -> User:
        if not user.has_role(role):
            raise PermissionDenied(f"This needs the {role.value} role.", required_role=role.value)
        return user

    return dependency


def actor_for(user: User, channel: Channel = Channel.api) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), channel=channel)


async def current_actor(user: CurrentUser) -> Actor:
    return actor_for(user)


ActorDep = Annotated[Actor, Depends(current_actor)]
PowerUser = Annotated[User, Depends(require_role(Role.power_user))]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]
ForceParam = Annotated[
    bool,
    Query(
        description="Apply the change even though it strands open bookings (power_user only); "
        "they stay open and appear on GET /conflicts."
    ),
]
