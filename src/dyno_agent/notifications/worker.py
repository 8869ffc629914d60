"""The outbox worker: claim due messages, send them, record every attempt.

Claims use `SELECT ... FOR UPDATE SKIP LOCKED` and then hold a lease (`locked_until`), so any
number of workers can run side by side and a message claimed by a worker that died becomes due
again when its lease runs out. Delivery is at least once: a worker killed after sending but before
recording sends that message again, with the same id (`X-Dyno-Delivery`, `Message-ID`), so the
receiver can drop the duplicate. Back-off and giving up are tenacity's `wait_exponential` and
`stop_after_attempt | stop_after_delay`, evaluated per attempt on the stored counts, so they
survive restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import RetryCallState, stop_after_attempt, stop_after_delay, wait_exponential

from dyno_agent.config import Settings
from dyno_agent.notifications.delivery import Claimed, EmailDisabled, describe, send

log = logging.getLogger(__name__)

_CLAIM = text(
    """
    UPDATE notification_outbox o
    SET locked_until = now() + make_interval(secs => :lease), locked_by = :worker
    WHERE o.id IN (
        SELECT id FROM notification_outbox
        WHERE status = 'pending' AND next_attempt_at <= now()
          AND (locked_until IS NULL OR locked_until <= now())
        ORDER BY next_attempt_at, id
        LIMIT :batch
        FOR UPDATE SKIP LOCKED)
    RETURNING o.id, o.channel, o.target, o.payload, o.attempts,
        extract(epoch FROM now() - o.age_from)::float8 AS age_s,
        (SELECT webhook_secret FROM notification_subscriptions s
         WHERE s.id = o.subscription_id) AS secret
    """
)
_ATTEMPT = text(
    "INSERT INTO notification_attempts (outbox_id, worker, ok, error) "
    "VALUES (:id, :worker, :ok, :error)"
)
_FINISH = text(
    """
    UPDATE notification_outbox
    SET status = CAST(:status AS varchar), attempts = attempts + :counted,
        last_error = :error,
        finished_at = CASE WHEN CAST(:status AS varchar) = 'pending' THEN NULL ELSE now() END,
        next_attempt_at = now() + make_interval(secs => :wait),
        locked_until = NULL, locked_by = NULL
    WHERE id = :id AND locked_by = :worker
    """
)
_PENDING = text("SELECT count(*) FROM notification_outbox WHERE status = 'pending'")


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again and when to give up, from the settings (tenacity's strategies)."""

    max_attempts: int
    max_age_s: float
    initial_s: float
    max_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.notify_max_attempts,
            settings.notify_max_age_s,
            settings.notify_backoff_initial_s,
            settings.notify_backoff_max_s,
        )

    def _state(self, attempts: int, age_s: float) -> RetryCallState:
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        state.attempt_number = attempts
        state.start_time = 0.0
        state.outcome_timestamp = age_s
        return state

    def gives_up(self, attempts: int, age_s: float) -> bool:
        stop = stop_after_attempt(self.max_attempts) | stop_after_delay(self.max_age_s)
        return bool(stop(self._state(attempts, age_s)))

    def wait_s(self, attempts: int) -> float:
        wait = wait_exponential(multiplier=self.initial_s, min=self.initial_s, max=self.max_s)
        return float(wait(self._state(attempts, 0.0)))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:80]


class Worker:
    def __init__(
        self,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession],
        name: str | None = None,
        batch: int = 20,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.name = name or worker_name()
        self.batch = batch
        self.policy = RetryPolicy.from_settings(settings)

    async def claim(self) -> list[Claimed]:
        async with self.session_factory() as session, session.begin():
            rows = await session.execute(
                _CLAIM,
                {"lease": self.settings.notify_lease_s, "worker": self.name, "batch": self.batch},
            )
            return [Claimed(**row._mapping) for row in rows]

    async def _record(
        self, item: Claimed, status: str, counted: int, error: str | None, wait: float
    ) -> None:
        async with self.session_factory() as session, session.begin():
            if counted:
                await session.execute(
                    _ATTEMPT,
                    {"id": item.id, "worker": self.name, "ok": error is None, "error": error},
                )
            await session.execute(
                _FINISH,
                {
                    "id": item.id,
                    "worker": self.name,
                    "status": status,
                    "counted": counted,
                    "error": error,
                    "wait": wait,
                },
            )

    async def deliver(self, client: httpx.AsyncClient, item: Claimed) -> str:
        """Try once; record the outcome; return the message's new status."""
        try:
            await send(self.settings, client, item)
        except EmailDisabled as exc:
            await self._record(item, "skipped", 0, str(exc), 0.0)
            return "skipped"
        except Exception as exc:  # any failure is one failed attempt
            attempts = item.attempts + 1
            error = describe(exc)
            if self.policy.gives_up(attempts, item.age_s):
                log.warning("notification %s is a dead letter: %s", item.id, error)
                await self._record(item, "dead", 1, error, 0.0)
                return "dead"
            await self._record(item, "pending", 1, error, self.policy.wait_s(attempts))
            return "pending"
        await self._record(item, "delivered", 1, None, 0.0)
        return "delivered"

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """Claim one batch and try each message once; the number claimed."""
        items = await self.claim()
        for item in items:
            await self.deliver(client, item)
        return len(items)

    async def pending(self) -> int:
        async with self.session_factory() as session:
            return int((await session.execute(_PENDING)).scalar_one())

    async def run(
        self,
        stop: asyncio.Event | None = None,
        until_idle: bool = False,
        max_seconds: float | None = None,
    ) -> None:
        """Poll until `stop` is set (or, with `until_idle`, no message is pending any more)."""
        stop = stop or asyncio.Event()
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        async with httpx.AsyncClient(
            timeout=self.settings.notify_timeout_s, follow_redirects=False
        ) as client:
            while not stop.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    return
                try:
                    claimed = await self.run_once(client)
                    if until_idle and not claimed and await self.pending() == 0:
                        return
                except Exception:  # the database may be away for a while: keep polling
                    log.exception("notification worker: claim failed")
                    claimed = 0
                if claimed:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.notify_poll_s)


@contextlib.asynccontextmanager
async def running_worker(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], enabled: bool
) -> AsyncIterator[None]:
    """Run a worker in the background while inside (the server's lifespan), if `enabled`."""
    if not enabled:
        yield
        return
    stop = asyncio.Event()
    worker = Worker(settings, session_factory)
    mail = settings.smtp_host or "off (DYNO_SMTP_HOST unset: e-mails are marked skipped)"
    log.info("notification worker %s started; e-mail: %s", worker.name, mail)
    task = asyncio.create_task(worker.run(stop))
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, settings.notify_timeout_s + 5)
        except TimeoutError:
            log.warning("notification worker did not stop in time; its messages are leased")
