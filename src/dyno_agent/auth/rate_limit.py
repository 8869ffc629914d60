"""Login throttling: a moving window per (client, account) and a wider one per client."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from dyno_agent.errors import RateLimited

# One client may try several accounts (a shared lab PC), but not spray guesses across many.
PER_CLIENT_FACTOR = 5


class LoginLimiter:
    """Counts every login attempt; raises RateLimited once either window is full."""

    def __init__(self, per_account: RateLimitItem, per_client: RateLimitItem) -> None:
        self.per_account = per_account
        self.per_client = per_client
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str, email: str) -> None:
        """Record an attempt by `client` on `email`, or raise RateLimited without recording it."""
        buckets = (
            (self.per_account, ("login", client, email)),
            (self.per_client, ("login-client", client)),
        )
        for item, keys in buckets:
            if not self._limiter.test(item, *keys):
                reset_at = self._limiter.get_window_stats(item, *keys).reset_time
                retry_after = max(1, math.ceil(reset_at - time.time()))
                raise RateLimited(
                    f"Too many login attempts; try again in {retry_after} seconds.",
                    retry_after_seconds=retry_after,
                    limit=str(item),
                )
        for item, keys in buckets:
            self._limiter.hit(item, *keys)


def make_login_limiter(spec: str) -> LoginLimiter:
    """A limiter from a spec such as "10/minute"; the per-client window allows 5x that."""
    try:
        per_account = parse(spec)
    except ValueError as exc:
        raise ValueError(f"Invalid login rate limit {spec!r}: {exc}") from None
    per_client = type(per_account)(
        per_account.amount * PER_CLIENT_FACTOR, per_account.multiples, per_account.namespace
    )
    return LoginLimiter(per_account, per_client)
