"""Bottlenecks: pools of interchangeable dynos, the dyno-days asked of them and what they have free.

A pool is the set of dynos some requests may use (their compatible dynos). Its demand is the
dyno-days of every request that can run only inside the pool; its capacity is the free dyno-days of
its dynos from today to the horizon (commissioning, fixed allocations and maintenance taken out;
with the `desired` anchor, to the last desired start plus the horizon).
The tightest pool is the one with the highest demand / capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from dyno_agent.planning.problem import Problem


@dataclass(frozen=True)
class Pool:
    dyno_ids: tuple[int, ...]
    dyno_names: tuple[str, ...]
    test_types: tuple[str, ...]
    request_ids: tuple[int, ...]
    demand_days: int
    capacity_days: int

    @property
    def load(self) -> float:
        return self.demand_days / self.capacity_days if self.capacity_days else float("inf")

    def describe(self) -> str:
        names = _join(list(self.dyno_names))
        tests = _join(list(self.test_types))
        return (
            f"{tests} can run only on {names}: {self.demand_days:,} dyno-days asked, "
            f"{self.capacity_days:,} free until the horizon"
        )


def pools(problem: Problem) -> list[Pool]:
    """Every pool, tightest first (ties: more demand first, then dyno ids)."""
    sets: dict[frozenset[int], None] = {}
    compatible = {}
    for request in problem.requests:
        dynos = frozenset(problem.compatible(request))
        if dynos:
            compatible[request.id] = (request, dynos)
            sets.setdefault(dynos)
    found = []
    for dynos in sets:
        inside = [r for r, ds in compatible.values() if ds <= dynos]
        found.append(
            Pool(
                tuple(sorted(dynos)),
                tuple(problem.dyno_by_id[d].name for d in sorted(dynos)),
                tuple(sorted({r.test_type for r in inside})),
                tuple(sorted(r.id for r in inside)),
                sum(r.days for r in inside),
                sum(_free_days(problem, d) for d in dynos),
            )
        )
    return sorted(found, key=lambda p: (-p.load, -p.demand_days, p.dyno_ids))


def tightest_pool(problem: Problem) -> Pool | None:
    found = pools(problem)
    return found[0] if found else None


def _free_days(problem: Problem, dyno_id: int) -> int:
    dyno = problem.dyno_by_id[dyno_id]
    first, last = 0, problem.horizon_days  # [first, last)
    if problem.horizon_anchor == "desired":
        last += max((max(problem.day(r.desired_start), 0) for r in problem.requests), default=0)
    if dyno.available_from is not None:
        first = max(first, problem.day(dyno.available_from))
    if dyno.available_to is not None:
        last = min(last, problem.day(dyno.available_to) + 1)
    busy: set[int] = set()
    for a, b in problem.fixed_intervals()[0].get(dyno_id, []):
        busy.update(range(max(a, first), min(b, last)))
    return max(0, last - first - len(busy))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
