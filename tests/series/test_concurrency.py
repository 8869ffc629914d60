"""Series booked at the same time never share a dyno-day: PostgreSQL's constraints decide."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent import errors
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.models import Allocation
from dyno_agent.series import service
from dyno_agent.series.schemas import SeriesCreate
from tests.factories import make_dyno, make_vehicle
from tests.scheduling.test_concurrency import overlaps

ACTOR = Actor.system(Channel.api)


async def book(committed: AsyncEngine, vehicle_id: int) -> object:
    body = SeriesCreate(vehicle_id=vehicle_id, test_type="brake", pattern="every monday 6 times")
    factory = make_session_factory(committed)
    try:
        async with factory() as session, session.begin():
            result = await service.book_series(session, ACTOR, body)
            return result.booked
    except errors.DomainError as exc:
        return exc


async def test_concurrent_series_for_the_same_dynos_never_overlap(committed: AsyncEngine):
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        for n in range(2):
            await make_dyno(session, f"Brake {n + 1}")
        vehicle_ids = [(await make_vehicle(session)).id for _ in range(4)]

    results = await asyncio.gather(*(book(committed, v) for v in vehicle_ids))

    booked = [r for r in results if r == 6]
    refused = [r for r in results if isinstance(r, errors.SeriesConflicts)]
    assert len(booked) == 2 and len(refused) == 2, results
    async with factory() as session:
        assert await overlaps(session) == 0
        rows = list(await session.scalars(select(Allocation)))
        assert len(rows) == 12 and all(a.series_id is not None for a in rows)
