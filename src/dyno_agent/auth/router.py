"""Placeholder until the auth routes are written."""

from fastapi import APIRouter

router = APIRouter()
users_router = APIRouter()


def make_login_limiter(spec: str) -> None:
    return None
