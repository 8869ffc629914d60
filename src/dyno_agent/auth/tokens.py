"""JWT access tokens (HS256). Only HS256 is accepted, so `alg: none` and other algs are refused.

A token carries the user's `token_version` (claim `ver`); `deps.current_user` refuses it once the
user's version has moved on (password, role or status changed), which revokes older tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jwt

from dyno_agent.errors import NotAuthenticated

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    version: int


def create_access_token(
    user_id: int, secret: str, expires_minutes: int, *, version: int = 0
) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(user_id),
        "ver": version,
        "iat": now,
        "exp": now + dt.timedelta(minutes=expires_minutes),
        "type": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str) -> TokenClaims:
    """The claims of a valid token; NotAuthenticated for expired, malformed or unsigned ones."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "ver"]}
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("The token has expired; log in again.") from None
    except jwt.InvalidTokenError:
        raise NotAuthenticated("The token is invalid.") from None
    version = claims["ver"]
    if (
        claims.get("type") != "access"
        or not str(claims["sub"]).isdigit()
        or not isinstance(version, int)
        or isinstance(version, bool)
    ):
        raise NotAuthenticated("The token is invalid.")
    return TokenClaims(user_id=int(claims["sub"]), version=version)
