"""Moving-window rate limits (the `limits` library) that raise RateLimited with Retry-After."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from dyno_agent.errors import RateLimited


def parse_limit(spec: str, what: str) -> RateLimitItem:
    try:
        return parse(spec)
    except ValueError as exc:
        raise ValueError(f"Invalid {what} rate limit {spec!r}: {exc}") from None


class Throttle:
    """Several named windows over one in-process store; `hit` checks all before counting any."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, message: str, *buckets: tuple[RateLimitItem, tuple[str, ...]]) -> None:
        """Count one event in every bucket, or raise RateLimited (counting nothing)."""
        for item, keys in buckets:
            if not self._limiter.test(item, *keys):
                reset_at = self._limiter.get_window_stats(item, *keys).reset_time
                retry_after = max(1, math.ceil(reset_at - time.time()))
                raise RateLimited(
                    message.format(seconds=retry_after),
                    retry_after_seconds=retry_after,
                    limit=str(item),
                )
        for item, keys in buckets:
            self._limiter.hit(item, *keys)
