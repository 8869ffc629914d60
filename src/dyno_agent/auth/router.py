"""Routes for signing up, logging in, the current user, and user administration (admins)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status

from dyno_agent.audit.stamp import stamp
from dyno_agent.auth import service
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role, User
from dyno_agent.auth.rate_limit import LoginLimiter, make_login_limiter
from dyno_agent.auth.schemas import (
    LoginRequest,
    PasswordChange,
    TokenRead,
    UserCreate,
    UserRead,
    UserRegister,
    UserUpdate,
)
from dyno_agent.auth.tokens import create_access_token
from dyno_agent.config import Settings
from dyno_agent.deps import AdminUser, CurrentUser, SessionDep, SettingsDep, actor_for

__all__ = ["make_login_limiter", "router", "users_router"]

router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])


async def get_login_limiter(request: Request) -> LoginLimiter:
    return request.app.state.login_limiter


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def client_address(request: Request) -> str:
    """The socket's peer; behind a trusted proxy (DYNO_TRUSTED_PROXIES), the address it forwarded
    (app.create_app installs the middleware that rewrites it)."""
    return request.client.host if request.client else "unknown"


def issue_token(user: User, settings: Settings) -> TokenRead:
    token = create_access_token(
        user.id,
        settings.resolved_jwt_secret(),
        settings.jwt_expire_minutes,
        version=user.token_version,
    )
    return TokenRead(access_token=token, expires_in=settings.jwt_expire_minutes * 60)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def register(body: UserRegister, session: SessionDep, settings: SettingsDep) -> User:
    """Create your own account (role `user`), if registration is open."""
    await stamp(session, Actor(user_id=None, role=Role.user, channel=Channel.api))
    return await service.register(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        allow_registration=settings.allow_registration,
    )


@router.post("/login", response_model=TokenRead)
async def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LoginLimiterDep,
) -> TokenRead:
    """Exchange email and password for a bearer token."""
    await limiter.hit(client_address(request), service.lookup_email(body.email))
    user = await service.authenticate(session, body.email, body.password)
    return issue_token(user, settings)


@router.post("/password", response_model=TokenRead)
async def change_password(
    body: PasswordChange,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LoginLimiterDep,
) -> TokenRead:
    """Change your own password; every older token stops working, the new one is returned."""
    await limiter.hit(client_address(request), user.email)
    await service.change_password(session, user, body.current_password, body.new_password)
    return issue_token(user, settings)


@router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    """The user the token belongs to."""
    return user


@users_router.get("", response_model=list[UserRead])
async def list_users(
    _: AdminUser,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100, description="Part of email or name")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Sequence[User]:
    """List users, optionally filtered by part of their email or name (admins)."""
    return await service.list_users(session, q=q, limit=limit, offset=offset)


@users_router.post("", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def create_user(body: UserCreate, _: AdminUser, session: SessionDep) -> User:
    """Create a user with any role (admins)."""
    return await service.create_user(
        session,
        email=body.email,
        password=body.password,
        role=body.role,
        full_name=body.full_name,
    )


@users_router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: UserId, _: AdminUser, session: SessionDep) -> User:
    """One user (admins)."""
    return await service.get_user(session, user_id)


@users_router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: UserId, body: UserUpdate, admin: AdminUser, session: SessionDep
) -> User:
    """Change a user's role, status, name or password (admins; the last admin stays)."""
    return await service.update_user(
        session, actor_for(admin), user_id, **body.model_dump(exclude_unset=True)
    )
