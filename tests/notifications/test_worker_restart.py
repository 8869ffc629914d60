"""A `dyno notify-worker` killed with SIGKILL in the middle of a delivery loses nothing: once its
lease runs out, a new worker sends what it held. Delivery is at least once: the message that was
on the wire when the worker died arrives twice, with the same idempotency key (X-Dyno-Delivery)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from dyno_agent.notifications.models import OutboxMessage, Subscription
from tests.factories import make_allocation, make_dyno, make_user, make_vehicle
from tests.notifications.receivers import webhook_receiver
from tests.servers import DYNO, server_env

D = dt.date(2026, 3, 9)
BOOKINGS = 5


def worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(DYNO), "notify-worker", *args], env=env, stdout=out, stderr=out
        )


async def test_a_worker_killed_mid_delivery_loses_nothing_after_a_restart(
    committed: AsyncEngine, database_url: URL, tmp_path: Path
):
    factory = async_sessionmaker(committed, expire_on_commit=False)
    with webhook_receiver(hold_first=True) as receiver:
        async with factory() as session, session.begin():
            fan, dyno = await make_user(session), await make_dyno(session)
            session.add(
                Subscription(user_id=fan.id, scope="dyno", dyno_id=dyno.id, email=False,
                             webhook_url=receiver.url, webhook_secret="s")
            )  # fmt: skip
            await session.flush()
            for day in range(BOOKINGS):  # no owner: only the webhook's messages
                start = D + dt.timedelta(days=day)
                await make_allocation(session, await make_vehicle(session), dyno, start, start)
        env = server_env(
            database_url,
            tmp_path,
            DYNO_NOTIFY_LEASE_S="2",
            DYNO_NOTIFY_POLL_S="0.1",
            DYNO_NOTIFY_BACKOFF_INITIAL_S="0.05",
            DYNO_NOTIFY_BACKOFF_MAX_S="0.1",
            DYNO_SMTP_HOST="",
        )
        log = tmp_path / "worker.log"
        first = worker(env, log)
        try:
            for _ in range(600):  # up to 60 s for the first request to arrive
                if receiver.delivery_ids() or first.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            assert receiver.delivery_ids(), log.read_text()
            first.kill()  # SIGKILL while it waits for the receiver's answer
            await asyncio.to_thread(first.wait, 10)
        finally:
            receiver.release.set()
            if first.poll() is None:
                first.kill()
        async with factory() as session:
            held = list(await session.scalars(select(OutboxMessage.locked_by)))
        assert len(held) == BOOKINGS and all(held)  # all claimed by the dead worker

        second = worker(env, log, "--until-idle", "--max-seconds", "60")
        assert await asyncio.to_thread(second.wait, 90) == 0, log.read_text()

    async with factory() as session:
        messages = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [m.status for m in messages] == ["delivered"] * BOOKINGS
    received = receiver.delivery_ids()
    assert set(received) == {m.id for m in messages}  # nothing lost
    in_flight = received[0]
    assert sorted(received) == sorted([m.id for m in messages] + [in_flight])  # one duplicate
