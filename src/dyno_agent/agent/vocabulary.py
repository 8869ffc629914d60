"""The live vocabularies (test types, dyno names) the model must use, cached with a TTL.

The cache is keyed by a cheap fingerprint of the dynos and rules tables, so a change made anywhere
(API, CLI, another process) is seen on the next turn even before the TTL runs out; the TTL only
bounds how often the fingerprint itself is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import Dyno, DynoRule
from dyno_agent.scheduling.vocab import DRIVE_TYPES


@dataclass(frozen=True)
class Vocabulary:
    test_types: tuple[str, ...]
    drive_types: tuple[str, ...]
    dynos: tuple[str, ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "test_types": list(self.test_types),
            "drive_types": list(self.drive_types),
            "dynos": list(self.dynos),
        }


@dataclass
class VocabularyCache:
    ttl_s: float = 60.0
    _value: Vocabulary | None = None
    _fingerprint: tuple[object, ...] | None = None
    _checked_at: float = field(default=0.0)
    loads: int = 0  # how many times the vocabulary was read from the database (for tests)

    def invalidate(self) -> None:
        self._checked_at = 0.0
        self._fingerprint = None

    async def get(self, session: AsyncSession) -> Vocabulary:
        now = time.monotonic()
        if self._value is not None and now - self._checked_at < self.ttl_s:
            return self._value
        fingerprint = await _fingerprint(session)
        self._checked_at = now
        if self._value is None or fingerprint != self._fingerprint:
            self._value = await _load(session)
            self._fingerprint = fingerprint
            self.loads += 1
        return self._value


async def _fingerprint(session: AsyncSession) -> tuple[object, ...]:
    dynos = (await session.execute(select(func.count(), func.max(Dyno.updated_at)))).one()
    rules = (
        await session.execute(
            select(func.count(), func.max(DynoRule.id), func.sum(func.hashtext(DynoRule.test_type)))
        )
    ).one()
    return (*dynos, *rules)


async def _load(session: AsyncSession) -> Vocabulary:
    tests = await session.scalars(
        select(DynoRule.test_type).distinct().order_by(DynoRule.test_type)
    )
    names = await session.scalars(select(Dyno.name).order_by(Dyno.id))
    return Vocabulary(tuple(tests), DRIVE_TYPES, tuple(names))
