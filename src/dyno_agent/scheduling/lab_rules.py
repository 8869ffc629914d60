"""Compatibility and pressure as a snapshot of the rules, cached by the rules' version.

Both are pure functions of the `dynos` and `dyno_rules` tables (see `rules` for their meaning), so
each process computes them once per version of those tables (`scheduling_rules_version`, moved by
a trigger when a change commits) instead of on every search. Dyno ids are bit positions: a set of
dynos is a Python int, the same layout as the per-day busy bitmaps (`busy`).

A transaction that has itself changed dynos or rules (`dirty`) reads a fresh snapshot that is not
cached, so it sees its own uncommitted changes and nobody else does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.vocab import ANY, DRIVE_TYPES, WEIGHT_CLASSES

_CACHED_VERSIONS = 4  # snapshots kept per process (several databases in tests, one in production)

Combo = tuple[str, str, str]  # (test type, drive type, weight class), concrete values only


@dataclass(frozen=True)
class DynoFacts:
    id: int
    facility: str
    enabled: bool
    available_from: dt.date | None
    available_to: dt.date | None

    def outside(self, start: dt.date, end: dt.date) -> bool:
        """Whether the window leaves the dyno's commissioning window."""
        return bool(
            (self.available_from and start < self.available_from)
            or (self.available_to and end > self.available_to)
        )


@dataclass
class Ranking:
    """The dynos compatible with one need, best first (lowest pressure, then id)."""

    order: list[int]
    mask: int
    pressure: dict[int, float]
    windowed: list[DynoFacts]  # those with a commissioning window

    def outside_mask(self, start: dt.date, end: dt.date) -> int:
        """Those whose commissioning window the window leaves."""
        mask = 0
        for d in self.windowed:
            if d.outside(start, end):
                mask |= 1 << d.id
        return mask


@dataclass
class LabRules:
    dynos: dict[int, DynoFacts]
    combos: dict[int, frozenset[Combo]]
    supply: dict[Combo, int]  # enabled dynos per combination
    by_combo: dict[Combo, list[int]]  # every dyno (enabled or not) per combination, by id
    test_types: list[str]
    enabled_mask: int
    windowed: list[DynoFacts]  # dynos with a commissioning window
    # Per enabled dyno, per test type it can run: the sum of 1 / supply over those combinations.
    by_test: dict[int, dict[str, float]] = field(default_factory=dict)
    _rankings: dict[tuple[str, str, str, str | None], Ranking] = field(default_factory=dict)
    _windowed_set: set[DynoFacts] | None = None

    @classmethod
    def build(cls, dynos: list[DynoFacts], rules: list[tuple[int, str, str, str]]) -> LabRules:
        combos: dict[int, set[Combo]] = defaultdict(set)
        for dyno_id, test_type, drive, weight in rules:
            for d in DRIVE_TYPES if drive == ANY else (drive,):
                for w in WEIGHT_CLASSES if weight == ANY else (weight,):
                    combos[dyno_id].add((test_type, d, w))
        facts = {d.id: d for d in dynos}
        supply: dict[Combo, int] = defaultdict(int)
        by_combo: dict[Combo, list[int]] = defaultdict(list)
        for dyno_id in sorted(combos):
            for combo in combos[dyno_id]:
                by_combo[combo].append(dyno_id)
                if facts[dyno_id].enabled:
                    supply[combo] += 1
        by_test: dict[int, dict[str, float]] = {}
        for dyno_id, own in combos.items():
            if facts[dyno_id].enabled:
                terms: dict[str, list[float]] = defaultdict(list)
                for combo in own:
                    terms[combo[0]].append(1 / supply[combo])
                by_test[dyno_id] = {t: math.fsum(v) for t, v in sorted(terms.items())}
        return cls(
            dynos=facts,
            combos={k: frozenset(v) for k, v in combos.items()},
            supply=dict(supply),
            by_combo=dict(by_combo),
            test_types=sorted({r[1] for r in rules}),
            enabled_mask=sum(1 << d.id for d in dynos if d.enabled),
            windowed=[d for d in dynos if d.available_from or d.available_to],
            by_test=by_test,
        )

    def ranking(self, test_type: str, drive: str, weight: str, facility: str | None) -> Ranking:
        key = (test_type, drive, weight, facility.casefold() if facility else None)
        if (found := self._rankings.get(key)) is None:
            ids = self.by_combo.get((test_type, drive, weight), [])
            if facility:
                ids = [i for i in ids if self.dynos[i].facility.casefold() == key[3]]
            pressure = {i: self.pressure(i, test_type) for i in ids}
            order = sorted(ids, key=lambda i: (round(pressure[i], 9), i))
            mask = 0
            for i in ids:
                mask |= 1 << i
            windowed = [self.dynos[i] for i in ids if self.dynos[i] in self.windowed_set]
            found = Ranking(order, mask, pressure, windowed)
            self._rankings[key] = found
        return found

    def pressure(self, dyno_id: int, test_type: str) -> float:
        """How much other tests need the dyno: the sum of 1 / (enabled dynos able to run it)
        over its other combinations; 0 for a disabled dyno (as `rules.pressures`)."""
        own = self.by_test.get(dyno_id, {})
        return math.fsum(v for t, v in own.items() if t != test_type)

    @property
    def windowed_set(self) -> set[DynoFacts]:
        if self._windowed_set is None:
            self._windowed_set = set(self.windowed)
        return self._windowed_set


VERSION_COLUMNS = (
    "current_database(), v.token, v.version, current_setting('dyno.rules_dirty', true)"
)
# One row even when the version row is missing (tables truncated): then nothing is cached.
VERSION_FROM = "(SELECT) one LEFT JOIN scheduling_rules_version v ON true"
_VERSION = text(f"SELECT {VERSION_COLUMNS} FROM {VERSION_FROM}")
_DYNOS = text("SELECT id, facility, enabled, available_from, available_to FROM dynos")
_RULES = text("SELECT dyno_id, test_type, drive_type, weight_class FROM dyno_rules")

_cache: dict[tuple[object, ...], LabRules] = {}


def cache_key(row: tuple[object, ...]) -> tuple[object, ...] | None:
    """The cache key of a `_VERSION`-shaped row (database, token, version, dirty), or None when
    this transaction changed the rules itself."""
    database, token, version, dirty = row
    return None if dirty == "on" or token is None else (database, token, version)


async def lab_rules(
    session: AsyncSession, version_row: tuple[object, ...] | None = None
) -> LabRules:
    """The snapshot for the rules this transaction sees; `version_row`: the `_VERSION` columns
    when the caller already read them (saves a round trip)."""
    if version_row is None:
        version_row = tuple((await session.execute(_VERSION)).one())
    key = cache_key(version_row)
    if key is not None and (found := _cache.get(key)) is not None:
        return found
    dynos = [DynoFacts(*row) for row in await session.execute(_DYNOS)]
    rules = [(r[0], r[1], r[2], r[3]) for r in await session.execute(_RULES)]
    snapshot = LabRules.build(dynos, rules)
    if key is not None:
        while len(_cache) >= _CACHED_VERSIONS:
            _cache.pop(next(iter(_cache)))
        _cache[key] = snapshot
    return snapshot
