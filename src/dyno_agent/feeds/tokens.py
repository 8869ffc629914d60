"""Feed tokens: made, listed and revoked by their owner; resolved to the user a feed is for.

A token is `secrets.token_urlsafe(32)` (256 bits) and only its SHA-256 is stored, so the database
cannot give it back: it is shown once, when it is made. A fast hash is enough for a random secret
of this size (nothing to brute-force); looking it up by hash needs no comparison in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import User
from dyno_agent.errors import Conflict, FeedNotFound, FeedTokenNotFound, InvalidInput
from dyno_agent.feeds.models import FeedToken

MAX_ACTIVE_TOKENS = 20  # per user; each is one calendar subscription somewhere
LABEL_MAX_LENGTH = 80
PREFIX_LENGTH = 6
# last_used_at is written at most this often per token, so polling clients do not write each time.
USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: the secret itself is here and nowhere else."""

    row: FeedToken
    token: str


def _label(label: str | None) -> str:
    text = " ".join((label or "").split())
    if not text:
        return "Calendar feed"
    if len(text) > LABEL_MAX_LENGTH:
        raise InvalidInput(
            f"The label is {len(text)} characters long; at most {LABEL_MAX_LENGTH}.", field="label"
        )
    return text


async def create_token(session: AsyncSession, user_id: int, label: str | None = None) -> NewToken:
    """A new token for the user; refused past MAX_ACTIVE_TOKENS unrevoked ones."""
    text = _label(label)
    # Lock the user's row so two concurrent creations cannot both pass the count.
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())
    active = await session.scalar(
        select(func.count())
        .select_from(FeedToken)
        .where(FeedToken.user_id == user_id, FeedToken.revoked_at.is_(None))
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            f"You already have {MAX_ACTIVE_TOKENS} feed tokens; revoke one you no longer use.",
            limit=MAX_ACTIVE_TOKENS,
        )
    token = secrets.token_urlsafe(32)
    row = FeedToken(
        user_id=user_id, label=text, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH]
    )
    session.add(row)
    await session.flush()
    return NewToken(row=row, token=token)


async def list_tokens(session: AsyncSession, user_id: int) -> list[FeedToken]:
    """The user's unrevoked tokens, oldest first."""
    rows = await session.scalars(
        select(FeedToken)
        .where(FeedToken.user_id == user_id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id)
    )
    return list(rows)


async def revoke_token(session: AsyncSession, user_id: int, token_id: int) -> FeedToken:
    """Revoke one of the user's tokens; its feeds answer 404 from the next request on."""
    row = await session.scalar(
        select(FeedToken)
        .where(
            FeedToken.id == token_id,
            FeedToken.user_id == user_id,
            FeedToken.revoked_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        raise FeedTokenNotFound(
            f"You have no active feed token with id {token_id}.", token_id=token_id
        )
    row.revoked_at = await session.scalar(select(func.now()))
    await session.flush()
    return row


async def feed_owner(session: AsyncSession, token: str) -> User:
    """The active user an unrevoked token belongs to; FeedNotFound otherwise (never saying
    whether the token exists, was revoked or belongs to a disabled user)."""
    if not token or len(token) > 128:
        raise FeedNotFound("No such calendar feed.")
    digest = hash_token(token)
    user = await session.scalar(
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(
            FeedToken.token_hash == digest,
            FeedToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    )
    if user is None:
        raise FeedNotFound("No such calendar feed.")
    await session.execute(
        update(FeedToken)
        .where(
            FeedToken.token_hash == digest,
            func.coalesce(FeedToken.last_used_at, dt.datetime.min.replace(tzinfo=dt.UTC))
            < func.now() - USED_RESOLUTION,
        )
        .values(last_used_at=func.now())
    )
    return user
