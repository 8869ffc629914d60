"""Bounds on waiting for PostgreSQL, so a server that is down or hung gives an error, never a hang.

A stopped server refuses connections at once. A hung one (SIGSTOP, a frozen VM) accepts them and
then never answers: PostgreSQL's own `statement_timeout` cannot fire (the server enforcing it is
the one that hangs), and TCP keepalives cannot either (the kernel still acknowledges). So besides
the connect, pool and statement timeouts, every operation on a connection has a client-side
deadline, the reply timeout: past it the server is given up as hung and the connection closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self, TypeVar

import psycopg
from psycopg.abc import PQGen
from psycopg.pq import TransactionStatus
from sqlalchemy.engine import URL

from dyno_agent.config import Settings

_WAIT_INTERVAL = 0.1  # psycopg's own polling interval
RV = TypeVar("RV")


@dataclass(frozen=True)
class DatabaseTimeouts:
    connect_s: int
    pool_s: float
    statement_ms: int

    @classmethod
    def from_settings(cls, settings: Settings) -> DatabaseTimeouts:
        return cls(
            connect_s=settings.db_connect_timeout_s,
            pool_s=settings.db_pool_timeout_s,
            statement_ms=settings.db_statement_timeout_ms,
        )

    @property
    def reply_s(self) -> float:
        """A server that has not answered for this long is hung: the statement timeout, which a
        live server enforces itself, plus the connect timeout as a margin for the network."""
        return self.statement_ms / 1000 + self.connect_s

    def connect_kwargs(self, url: URL) -> dict[str, Any]:
        """Keyword arguments for `TimedConnection.connect` to `url` (its own `options` kept)."""
        options = url.query.get("options")
        statement = f"-c statement_timeout={self.statement_ms}"
        return {
            "connect_timeout": self.connect_s,
            "options": f"{options} {statement}" if isinstance(options, str) else statement,
            "reply_timeout_s": self.reply_s,
        }


class TimedConnection(psycopg.AsyncConnection[Any]):
    """A psycopg connection that waits at most `reply_timeout_s` for any answer from the server."""

    reply_timeout_s: float | None = None

    @classmethod
    async def connect(  # type: ignore[override]
        cls, conninfo: str = "", *, reply_timeout_s: float | None = None, **kwargs: Any
    ) -> Self:
        connection = await super().connect(conninfo, **kwargs)
        connection.reply_timeout_s = reply_timeout_s
        return connection

    # psycopg's own signature: every operation on the connection goes through `wait`.
    async def wait(
        self,
        gen: PQGen[RV],
        interval: float = _WAIT_INTERVAL,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> RV:
        timeout = self.reply_timeout_s if timeout is None else timeout
        try:
            return await super().wait(gen, interval, timeout)
        except psycopg.OperationalError as exc:
            if self.info.transaction_status != TransactionStatus.ACTIVE:
                raise
            # The server still owes the answer: the connection is unusable; drop it.
            await self.close()
            raise psycopg.OperationalError(
                f"PostgreSQL did not answer within {timeout:g} s; the connection was closed."
            ) from exc
