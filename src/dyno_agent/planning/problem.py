"""The planner's input, as plain frozen data (no database), and the pure questions asked of it.

Dates are whole days, inclusive, as everywhere in the engine. Internally the solver counts days
from `today` (day 0) with half-open intervals `[start, start + days)`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from dyno_agent.scheduling.vocab import ANY, DRIVE_TYPES, WEIGHT_CLASSES

DEFAULT_HORIZON_DAYS = 365
DEFAULT_MAX_BOOKING_DAYS = 120
HorizonAnchor = Literal["today", "desired"]


@dataclass(frozen=True)
class Request:
    """One test to place. Values are normalised (see `scheduling.vocab`); a missing drive type or
    weight class is kept as None and reported as bad data. `priority` is the value of placing it
    (a positive integer, higher is more important). `step` orders the mileage steps of one vehicle
    (lower runs first). `facility`, when given, is the only facility the test may run in."""

    id: int
    vehicle: str
    test_type: str
    drive_type: str | None
    weight_class: str | None
    days: int
    earliest_start: dt.date
    desired_start: dt.date
    priority: int = 1
    step: int = 0
    facility: str | None = None


@dataclass(frozen=True)
class Dyno:
    id: int
    name: str
    facility: str | None = None
    enabled: bool = True
    available_from: dt.date | None = None
    available_to: dt.date | None = None


@dataclass(frozen=True)
class Rule:
    """This dyno may run this test for this drive type and weight class (`any` matches all)."""

    dyno_id: int
    test_type: str
    drive_type: str = ANY
    weight_class: str = ANY


@dataclass(frozen=True)
class Busy:
    """A fixed, inclusive span: an existing allocation or maintenance on a dyno, or an existing
    allocation of a vehicle. A vehicle's booking may carry its mileage `step`: requests of a later
    step then start after it ends, those of an earlier step end before it starts."""

    start: dt.date
    end: dt.date
    dyno_id: int | None = None
    vehicle: str | None = None
    step: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Problem:
    """What to plan. `horizon_days`: the latest start is `today + horizon_days` (anchor `today`,
    the default) or `desired_start + horizon_days` (anchor `desired`: a bounded backup shift, as
    the engine's auto-allocation does). Ends may fall after the horizon."""

    requests: tuple[Request, ...]
    dynos: tuple[Dyno, ...]
    rules: tuple[Rule, ...]
    today: dt.date
    busy: tuple[Busy, ...] = ()
    horizon_days: int = DEFAULT_HORIZON_DAYS
    horizon_anchor: HorizonAnchor = "today"
    max_booking_days: int = DEFAULT_MAX_BOOKING_DAYS

    @classmethod
    def of(
        cls,
        requests: Iterable[Request],
        dynos: Iterable[Dyno],
        rules: Iterable[Rule],
        today: dt.date,
        busy: Iterable[Busy] = (),
        **options: object,
    ) -> Problem:
        return cls(tuple(requests), tuple(dynos), tuple(rules), today, tuple(busy), **options)  # type: ignore[arg-type]

    def day(self, date: dt.date) -> int:
        return (date - self.today).days

    def date(self, day: int) -> dt.date:
        return self.today + dt.timedelta(days=day)

    # --- data checks and compatibility --------------------------------------------------------

    def bad_data(self, request: Request) -> str | None:
        """Why the request cannot be planned whatever the schedule, or None."""
        if request.drive_type not in DRIVE_TYPES:
            return f"drive type {request.drive_type!r} is missing or unknown"
        if request.weight_class not in WEIGHT_CLASSES:
            return f"weight class {request.weight_class!r} is missing or unknown"
        if not 1 <= request.days <= self.max_booking_days:
            return f"{request.days} day(s); a booking lasts 1 to {self.max_booking_days} days"
        if request.priority < 1:
            return f"priority {request.priority}; it must be at least 1"
        return None

    @cached_property
    def dyno_by_id(self) -> dict[int, Dyno]:
        return {d.id: d for d in self.dynos}

    @cached_property
    def _rules_by_test(self) -> dict[str, list[Rule]]:
        grouped: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            grouped[rule.test_type].append(rule)
        return grouped

    def rule_dynos(self, test_type: str, drive_type: str, weight_class: str) -> set[int]:
        """Dynos with a rule matching all three at once (the engine's exact semantics)."""
        return {
            r.dyno_id
            for r in self._rules_by_test.get(test_type, [])
            if r.drive_type in (drive_type, ANY) and r.weight_class in (weight_class, ANY)
        }

    def compatible(self, request: Request) -> tuple[int, ...]:
        """Enabled dynos whose rules allow the request, in its facility when it names one."""
        if self.bad_data(request):
            return ()
        assert request.drive_type and request.weight_class
        ids = self.rule_dynos(request.test_type, request.drive_type, request.weight_class)
        wanted = _facility_key(request.facility)
        return tuple(
            sorted(
                d
                for d in ids
                if d in self.dyno_by_id
                and self.dyno_by_id[d].enabled
                and (wanted is None or _facility_key(self.dyno_by_id[d].facility) == wanted)
            )
        )

    def start_range(self, request: Request) -> tuple[int, int]:
        """First and last start day allowed by the request's dates, today and the horizon."""
        first = max(self.day(request.earliest_start), 0)
        anchor = 0 if self.horizon_anchor == "today" else max(self.day(request.desired_start), 0)
        return first, anchor + self.horizon_days

    def dyno_start_range(self, request: Request, dyno: Dyno) -> tuple[int, int]:
        """The request's start range narrowed by the dyno's commissioning window (may be empty)."""
        first, last = self.start_range(request)
        if dyno.available_from is not None:
            first = max(first, self.day(dyno.available_from))
        if dyno.available_to is not None:
            last = min(last, self.day(dyno.available_to) - request.days + 1)
        return first, last

    # --- pressure -----------------------------------------------------------------------------

    @cached_property
    def _supply(self) -> dict[tuple[str, str, str], set[int]]:
        """For every (test, drive, class) combination, the enabled dynos that can serve it."""
        enabled = {d.id for d in self.dynos if d.enabled}
        supply: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        for rule in self.rules:
            if rule.dyno_id not in enabled:
                continue
            for drive in DRIVE_TYPES:
                for weight in WEIGHT_CLASSES:
                    if rule.drive_type in (drive, ANY) and rule.weight_class in (weight, ANY):
                        supply[(rule.test_type, drive, weight)].add(rule.dyno_id)
        return supply

    def pressure(self, dyno_id: int, test_type: str) -> float:
        """The engine's pressure (see `scheduling.rules`): for every other combination the dyno
        can serve, 1 / the number of enabled dynos that can serve it."""
        return sum(
            1.0 / len(dynos)
            for (test, _, _), dynos in self._supply.items()
            if test != test_type and dyno_id in dynos
        )

    # --- fixed spans --------------------------------------------------------------------------

    def fixed_intervals(self) -> tuple[dict[int, list[tuple[int, int]]], dict[str, list[Busy]]]:
        """Busy spans as half-open day intervals by dyno (past ones dropped, current ones cut at
        day 0, overlapping or touching ones merged: the lab's data may double-book a dyno), and
        the busy spans of each vehicle."""
        by_dyno: dict[int, list[tuple[int, int]]] = defaultdict(list)
        by_vehicle: dict[str, list[Busy]] = defaultdict(list)
        for busy in self.busy:
            start, end = max(self.day(busy.start), 0), self.day(busy.end) + 1
            if end <= start:
                continue
            if busy.dyno_id is not None:
                by_dyno[busy.dyno_id].append((start, end))
            if busy.vehicle is not None:
                by_vehicle[busy.vehicle].append(busy)
        return {d: merged(spans) for d, spans in by_dyno.items()}, dict(by_vehicle)

    def vehicle_bounds(self, request: Request, bookings: list[Busy]) -> tuple[int, int]:
        """Start bounds from the vehicle's booked steps: after earlier steps, before later ones
        (unbounded: -1 and a large number)."""
        low, high = -1, 10**6
        for busy in bookings:
            if busy.step is None or busy.step == request.step:
                continue
            if busy.step < request.step:
                low = max(low, self.day(busy.end) + 1)
            else:
                high = min(high, self.day(busy.start) - request.days)
        return low, high

    def chains(self) -> dict[str, list[Request]]:
        """Each vehicle's requests in step order (then id)."""
        chains: dict[str, list[Request]] = defaultdict(list)
        for request in sorted(self.requests, key=lambda r: (r.step, r.id)):
            chains[request.vehicle].append(request)
        return dict(chains)


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open spans, sorted, with overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _facility_key(facility: str | None) -> str | None:
    return facility.strip().casefold() if facility and facility.strip() else None
