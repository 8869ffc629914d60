"""Rate limits kept in one storage shared by every process (a real Redis), failing open."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.agent.service import ChatThrottle
from dyno_agent.app import create_app
from dyno_agent.auth.rate_limit import make_login_limiter
from dyno_agent.config import Settings
from dyno_agent.errors import RateLimited
from dyno_agent.throttle import make_storage
from tests.auth.test_client_address import in_process_client, login_body
from tests.servers import free_port

LOGIN = "/api/v1/auth/login"


async def test_two_app_instances_on_one_redis_allow_the_limit_once_in_total(
    redis_url: str, settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    settings = settings.model_copy(
        update={"login_rate_limit": "10/minute", "rate_limit_storage": redis_url}
    )
    first = in_process_client(settings, engine, session, "192.0.2.7")
    second = in_process_client(settings, engine, session, "192.0.2.7")
    async with first, second:
        codes = [
            (await http.post(LOGIN, json=login_body())).status_code
            for _ in range(10)
            for http in (first, second)
        ]
    assert codes.count(401) == 10 and codes.count(429) == 10
    assert codes[:10] == [401] * 10


async def test_chat_turns_are_counted_once_across_processes(redis_url: str) -> None:
    first = ChatThrottle("3/minute", make_storage(redis_url))
    second = ChatThrottle("3/minute", make_storage(redis_url))
    for throttle in (first, second, first):
        await throttle.hit(7)
    with pytest.raises(RateLimited):
        await second.hit(7)
    await first.hit(8)  # another user has its own window


async def test_an_unreachable_storage_lets_logins_through_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = make_login_limiter("1/minute", make_storage(f"redis://127.0.0.1:{free_port()}/0"))
    with caplog.at_level(logging.WARNING, logger="dyno_agent.throttle"):
        for _ in range(3):
            await limiter.hit("192.0.2.7", "victim@lab.test")
    assert len(caplog.records) == 3
    assert "rate-limit storage unavailable" in caplog.records[0].getMessage()


async def test_a_login_during_a_storage_outage_is_answered(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    settings = settings.model_copy(update={"rate_limit_storage": down})
    async with in_process_client(settings, engine, session, "192.0.2.7") as http:
        response = await http.post(LOGIN, json=login_body())
    assert response.status_code == 401


def test_an_unknown_storage_fails_at_startup(settings: Settings) -> None:
    with pytest.raises(ValueError, match="rate-limit storage"):
        create_app(settings.model_copy(update={"rate_limit_storage": "carrier-pigeon://loft"}))


async def test_memory_storage_is_the_default(settings: Settings) -> None:
    assert Settings(_env_file=None).rate_limit_storage == "memory://"
    limiter = make_login_limiter("1/minute", make_storage())
    await limiter.hit("192.0.2.7", "victim@lab.test")
    with pytest.raises(RateLimited):
        await limiter.hit("192.0.2.7", "victim@lab.test")
