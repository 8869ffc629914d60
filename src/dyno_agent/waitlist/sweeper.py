"""The server's periodic waitlist sweep: expired holds released, freed days offered."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dyno_agent.audit.stamp import stamp
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.waitlist import service

log = logging.getLogger(__name__)
_ACTOR = Actor.system(Channel.api, label="waitlist sweep")


async def sweep_once(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session, session.begin():
        await stamp(session, _ACTOR)
        swept = await service.sweep(session)
    if swept.released or swept.expired or swept.offered:
        log.info(
            "waitlist sweep: %d hold(s) released, %d entry(ies) expired, %d offer(s) made",
            swept.released,
            swept.expired,
            len(swept.offered),
        )


async def sweep_forever(factory: async_sessionmaker[AsyncSession], every_s: float) -> None:
    """Sweep every `every_s` seconds until cancelled; a failed sweep is logged and retried."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await sweep_once(factory)
        except Exception:
            log.exception("waitlist sweep failed; retrying in %.0f s", every_s)
