"""Users: registration, login, and administration. Routers, the CLI and the agent all call these."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role, User
from dyno_agent.auth.passwords import MAX_PASSWORD_BYTES, hash_password, verify_password
from dyno_agent.errors import (
    AlreadyExists,
    Conflict,
    InvalidCredentials,
    InvalidInput,
    PermissionDenied,
    UserNotFound,
)

MIN_PASSWORD_CHARS = 8
EMAIL_MAX_LENGTH = 254

# Lab networks use internal domains (the demo accounts are @demo.local). email-validator rejects
# special-use domains even with deliverability checks off, and its only switch is a process-wide
# list; so for these TLDs we validate a same-length stand-in instead and keep the real domain.
INTERNAL_TLDS = ("local", "test")

_BAD_LOGIN = "Incorrect email or password."


class _Unset(enum.Enum):
    token = 0


UNSET = _Unset.token


# Normalisation, shared with the schemas so the API answers 422 early ------------------------------
def normalise_email(value: str) -> str:
    """A valid address, stripped and lower-cased; InvalidInput otherwise."""
    candidate = value.strip()
    local, at, domain = candidate.rpartition("@")
    tld = domain.rsplit(".", 1)[-1].lower() if at and "." in domain else ""
    stand_in = "x" * len(tld) if tld in INTERNAL_TLDS else ""
    probe = f"{local}@{domain[: -len(tld)]}{stand_in}" if stand_in else candidate
    try:
        checked = validate_email(probe, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"Not a valid email address: {exc}", field="email") from None
    normalised = checked.normalized
    if stand_in:
        normalised = normalised[: -len(stand_in)] + tld
    return normalised.lower()


def lookup_email(value: str) -> str:
    """The form an email is stored in, without judging its format (for logins)."""
    return value.strip().lower()


def check_password(password: str) -> str:
    """The password if it is long enough for safety and short enough for bcrypt."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            f"The password needs at least {MIN_PASSWORD_CHARS} characters.", field="password"
        )
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput(
            f"The password may be at most {MAX_PASSWORD_BYTES} bytes (UTF-8).", field="password"
        )
    return password


def clean_name(full_name: str | None) -> str | None:
    if full_name is None:
        return None
    return " ".join(full_name.split()) or None


# Reads --------------------------------------------------------------------------------------------
async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == lookup_email(email)))


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"No user with id {user_id}.", user_id=user_id)
    return user


async def list_users(
    session: AsyncSession, *, q: str | None = None, limit: int = 100, offset: int = 0
) -> Sequence[User]:
    """Users ordered by id; `q` matches part of the email or the name, case-insensitively."""
    query = select(User).order_by(User.id).limit(limit).offset(offset)
    if q and q.strip():
        term = q.strip()
        query = query.where(
            or_(
                User.email.icontains(term, autoescape=True),
                User.full_name.icontains(term, autoescape=True),
            )
        )
    return (await session.scalars(query)).all()


# Writes -------------------------------------------------------------------------------------------
async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    role: Role = Role.user,
    full_name: str | None = None,
) -> User:
    """A new active user; AlreadyExists if the email is taken (uq_users_email guarantees it)."""
    email = normalise_email(email)
    check_password(password)
    role = Role(role)
    if await find_by_email(session, email) is not None:
        raise AlreadyExists("A user with this email already exists.", email=email)
    user = User(
        email=email,
        password_hash=await hash_password(password),
        role=role.value,
        full_name=clean_name(full_name),
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user


async def register(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str | None = None,
    allow_registration: bool = True,
) -> User:
    """Self-service sign-up: always the `user` role, and only if registration is open."""
    if not allow_registration:
        raise PermissionDenied("Registration is closed; ask an administrator for an account.")
    return await create_user(
        session, email=email, password=password, role=Role.user, full_name=full_name
    )


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """The active user with these credentials; one InvalidCredentials for every kind of failure."""
    user = await find_by_email(session, email)
    ok = await verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        raise InvalidCredentials(_BAD_LOGIN)
    return user


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> User:
    """A user's own change: the current password must match; older tokens stop working."""
    if not await verify_password(current_password, user.password_hash):
        raise InvalidInput("The current password is wrong.", field="current_password")
    user.password_hash = await hash_password(check_password(new_password))
    await session.flush()  # the trigger bumps token_version; the flush fetches it
    return user


async def update_user(
    session: AsyncSession,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    is_active: bool | None = None,
    full_name: str | _Unset | None = UNSET,
    password: str | None = None,
) -> User:
    """Change a user (admins only); `None` leaves a field as it is, except `full_name` clears.

    A new password, role or status revokes the user's tokens (`users.token_version`)."""
    if not actor.has_role(Role.admin):
        raise PermissionDenied("Only administrators can change users.", required_role="admin")
    user = await get_user(session, user_id)
    new_role = Role(role) if role is not None else Role(user.role)
    new_active = is_active if is_active is not None else user.is_active
    if user.role == Role.admin and user.is_active and (new_role != Role.admin or not new_active):
        await _ensure_another_admin(session, user.id)
    if password is not None:
        user.password_hash = await hash_password(check_password(password))
    if full_name is not UNSET:
        user.full_name = clean_name(full_name)
    user.role = new_role.value
    user.is_active = new_active
    await session.flush()
    return user


async def _ensure_another_admin(session: AsyncSession, user_id: int) -> None:
    # Locking the active admins serialises concurrent demotions, so two admins cannot each
    # remove the other and leave none.
    admins = (
        await session.scalars(
            select(User.id)
            .where(User.role == Role.admin.value, User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
    ).all()
    if not [other for other in admins if other != user_id]:
        raise Conflict(
            "This is the last active administrator; make another admin first.", user_id=user_id
        )
