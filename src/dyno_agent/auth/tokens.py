"""JWT access tokens (HS256). Only HS256 is accepted, so `alg: none` and other algs are refused."""

from __future__ import annotations

import datetime as dt

import jwt

from dyno_agent.errors import NotAuthenticated

ALGORITHM = "HS256"


def create_access_token(user_id: int, secret: str, expires_minutes: int) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + dt.timedelta(minutes=expires_minutes),
        "type": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str) -> int:
    """The user id in a valid token; NotAuthenticated for expired, malformed or unsigned ones."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("The token has expired; log in again.") from None
    except jwt.InvalidTokenError:
        raise NotAuthenticated("The token is invalid.") from None
    if claims.get("type") != "access" or not str(claims["sub"]).isdigit():
        raise NotAuthenticated("The token is invalid.")
    return int(claims["sub"])
