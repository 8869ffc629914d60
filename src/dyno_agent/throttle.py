"""Moving-window rate limits (the `limits` library) that raise RateLimited with Retry-After.

The counters live in the storage named by DYNO_RATE_LIMIT_STORAGE: `memory://` (one process) or
`redis://host:port/db`, which every server process shares. If that storage cannot be reached the
request is let through and a warning is logged (fail open): a Redis outage must not lock a lab out.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import ConfigurationError, StorageError
from limits.storage import storage_from_string

from dyno_agent.errors import RateLimited

log = logging.getLogger(__name__)

MEMORY = "memory://"
# Bounded waits on a shared storage: a hung Redis slows a login by this much, never blocks it.
STORAGE_TIMEOUT_S = 1.0


def parse_limit(spec: str, what: str) -> RateLimitItem:
    try:
        return parse(spec)
    except ValueError as exc:
        raise ValueError(f"Invalid {what} rate limit {spec!r}: {exc}") from None


def make_storage(uri: str = MEMORY) -> Storage:
    """The asyncio variant of the `limits` storage for `uri` ("memory://", "redis://...")."""
    scheme = uri.partition("://")[0]
    if not uri.startswith("async+"):
        uri = f"async+{uri}"
    options: dict[str, float | str | bool] = {"wrap_exceptions": True}
    if scheme.startswith(("redis", "valkey")):
        options |= {
            "implementation": "redispy",  # the `redis` package; limits defaults to coredis
            "socket_connect_timeout": STORAGE_TIMEOUT_S,
            "socket_timeout": STORAGE_TIMEOUT_S,
        }
    try:
        storage = storage_from_string(uri, **options)
    except ConfigurationError as exc:
        raise ValueError(f"Invalid rate-limit storage {uri!r}: {exc}") from None
    if not isinstance(storage, Storage):
        raise ValueError(f"Invalid rate-limit storage {uri!r}: not an asyncio storage")
    return storage


class Throttle:
    """Several named windows over one storage; `hit` counts in each in turn, or raises."""

    def __init__(self, storage: Storage | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(storage or make_storage())

    async def hit(self, message: str, *buckets: tuple[RateLimitItem, tuple[str, ...]]) -> None:
        """Count one event in every bucket, or raise RateLimited at the first full one (the
        buckets before it keep their count). Each count is atomic in the storage, so processes
        sharing it cannot together let more through than the limit."""
        try:
            for item, keys in buckets:
                if not await self._limiter.hit(item, *keys):
                    stats = await self._limiter.get_window_stats(item, *keys)
                    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                    raise RateLimited(
                        message.format(seconds=retry_after),
                        retry_after_seconds=retry_after,
                        limit=str(item),
                    )
        except StorageError as exc:
            log.warning("rate-limit storage unavailable, request let through: %s", exc)
