"""Login throttling: a moving window per (client, account) and a wider one per client."""

from __future__ import annotations

from limits import RateLimitItem
from limits.aio.storage import Storage

from dyno_agent.throttle import Throttle, parse_limit

# One client may try several accounts (a shared lab PC), but not spray guesses across many.
PER_CLIENT_FACTOR = 5


class LoginLimiter:
    """Counts every login attempt; raises RateLimited once either window is full."""

    def __init__(
        self, per_account: RateLimitItem, per_client: RateLimitItem, storage: Storage | None = None
    ) -> None:
        self.per_account = per_account
        self.per_client = per_client
        self._throttle = Throttle(storage)

    async def hit(self, client: str, email: str) -> None:
        """Record an attempt by `client` on `email`, or raise RateLimited (an attempt refused by
        the account window does not count against the client's)."""
        await self._throttle.hit(
            "Too many login attempts; try again in {seconds} seconds.",
            (self.per_account, ("login", client, email)),
            (self.per_client, ("login-client", client)),
        )


def make_login_limiter(spec: str, storage: Storage | None = None) -> LoginLimiter:
    """A limiter from a spec such as "10/minute"; the per-client window allows 5x that. Counts
    are kept in `storage` (see throttle.make_storage), by default in this process's memory."""
    per_account = parse_limit(spec, "login")
    per_client = type(per_account)(
        per_account.amount * PER_CLIENT_FACTOR, per_account.multiples, per_account.namespace
    )
    return LoginLimiter(per_account, per_client, storage)
