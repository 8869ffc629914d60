"""The login limiter: one window per (client, account), a wider one per client."""

from __future__ import annotations

import asyncio

import pytest

from dyno_agent.auth.rate_limit import PER_CLIENT_FACTOR, make_login_limiter
from dyno_agent.errors import RateLimited


async def test_an_account_is_locked_after_the_limit_but_others_are_not() -> None:
    limiter = make_login_limiter("3/minute")
    for _ in range(3):
        await limiter.hit("10.0.0.1", "a@demo.local")
    with pytest.raises(RateLimited) as caught:
        await limiter.hit("10.0.0.1", "a@demo.local")
    assert 1 <= caught.value.details["retry_after_seconds"] <= 60
    await limiter.hit("10.0.0.1", "b@demo.local")
    await limiter.hit("10.0.0.2", "a@demo.local")


async def test_one_client_cannot_spray_many_accounts() -> None:
    limiter = make_login_limiter("2/minute")
    for n in range(2 * PER_CLIENT_FACTOR):
        await limiter.hit("10.0.0.1", f"user{n}@demo.local")
    with pytest.raises(RateLimited):
        await limiter.hit("10.0.0.1", "fresh@demo.local")
    await limiter.hit("10.0.0.9", "fresh@demo.local")


async def test_refused_attempts_do_not_use_up_the_client_window() -> None:
    limiter = make_login_limiter("1/minute")
    await limiter.hit("10.0.0.1", "a@demo.local")
    for _ in range(10):
        with pytest.raises(RateLimited):
            await limiter.hit("10.0.0.1", "a@demo.local")
    for n in range(PER_CLIENT_FACTOR - 1):
        await limiter.hit("10.0.0.1", f"other{n}@demo.local")


async def test_the_window_moves_on() -> None:
    limiter = make_login_limiter("1/second")
    await limiter.hit("10.0.0.1", "a@demo.local")
    with pytest.raises(RateLimited) as caught:
        await limiter.hit("10.0.0.1", "a@demo.local")
    assert caught.value.details["retry_after_seconds"] == 1
    await asyncio.sleep(1.05)
    await limiter.hit("10.0.0.1", "a@demo.local")


def test_a_bad_spec_fails_at_startup() -> None:
    with pytest.raises(ValueError, match="login rate limit"):
        make_login_limiter("lots")
