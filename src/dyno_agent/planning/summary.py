"""What a plan comes to, in numbers a person reads: placed, lateness, solver, utilisation."""

from __future__ import annotations

from typing import Any

from dyno_agent.planning.pools import tightest_pool
from dyno_agent.planning.problem import Problem
from dyno_agent.planning.result import Plan

# The tightest pool is named a bottleneck when its requests ask for at least this share of its
# free dyno-days until the horizon.
BOTTLENECK_LOAD = 0.5


def summarize(problem: Problem, plan: Plan) -> dict[str, Any]:
    """The plan's summary (the `summary` of the API's plan). Utilisation is booked dyno-days ÷
    available dyno-days of the enabled dynos from today to the horizon (commissioning windows and
    maintenance taken out), before the plan and with it. The bottleneck is the tightest pool of
    interchangeable dynos, when it is asked for at least half its free dyno-days."""
    before, after, available = _dyno_days(problem, plan)
    pool = tightest_pool(problem)
    return {
        "requests": len(problem.requests),
        "placed": plan.placed,
        "unplaced": len(plan.unplaced),
        "unplaced_by_reason": plan.unplaced_by_reason(),
        "total_lateness_days": plan.total_lateness,
        "mean_lateness_days": round(plan.mean_lateness, 2),
        "solver_status": plan.status,
        "gap": round(plan.gap, 4),
        "solve_seconds": round(plan.seconds, 2),
        "utilisation_before": round(before / available, 4) if available else 0.0,
        "utilisation_after": round(after / available, 4) if available else 0.0,
        "bottleneck": pool.describe() if pool and pool.load >= BOTTLENECK_LOAD else None,
    }


def _dyno_days(problem: Problem, plan: Plan) -> tuple[int, int, int]:
    booked: dict[int, set[int]] = {}
    down: dict[int, set[int]] = {}
    for busy in problem.busy:
        if busy.dyno_id is None:
            continue
        target = down if busy.vehicle is None else booked
        days = range(problem.day(busy.start), problem.day(busy.end) + 1)
        target.setdefault(busy.dyno_id, set()).update(days)
    planned: dict[int, set[int]] = {}
    for a in plan.assignments:
        days = range(problem.day(a.start), problem.day(a.end) + 1)
        planned.setdefault(a.dyno_id, set()).update(days)
    before = after = available = 0
    for dyno in problem.dynos:
        if not dyno.enabled:
            continue
        first, last = 0, problem.horizon_days  # [first, last)
        if dyno.available_from is not None:
            first = max(first, problem.day(dyno.available_from))
        if dyno.available_to is not None:
            last = min(last, problem.day(dyno.available_to) + 1)
        window = set(range(first, last)) - down.get(dyno.id, set())
        available += len(window)
        old = window & booked.get(dyno.id, set())
        before += len(old)
        after += len(old | (window & planned.get(dyno.id, set())))
    return before, after, available
