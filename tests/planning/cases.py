"""Small hand-made planning problems, and the solve that checks every plan it returns."""

from __future__ import annotations

import datetime as dt

from dyno_agent.planning.check import violations
from dyno_agent.planning.greedy import greedy_plan
from dyno_agent.planning.problem import Busy, Dyno, Problem, Request, Rule
from dyno_agent.planning.result import Plan
from dyno_agent.planning.solver import solve

TODAY = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def request(
    id: int,
    days: int,
    *,
    desired: int = 0,
    earliest: int | None = None,
    vehicle: str | None = None,
    test: str = "emissions",
    drive: str | None = "2WD",
    weight: str | None = "<10K",
    priority: int = 1,
    step: int = 0,
    facility: str | None = None,
) -> Request:
    return Request(
        id=id,
        vehicle=vehicle or f"V{id}",
        test_type=test,
        drive_type=drive,
        weight_class=weight,
        days=days,
        earliest_start=day(desired if earliest is None else earliest),
        desired_start=day(desired),
        priority=priority,
        step=step,
        facility=facility,
    )


def dyno(id: int, **options: object) -> Dyno:
    return Dyno(id=id, name=f"D{id}", **options)  # type: ignore[arg-type]


def lab(
    requests: list[Request],
    dynos: list[Dyno],
    rules: list[Rule] | None = None,
    busy: list[Busy] | None = None,
    **options: object,
) -> Problem:
    """Every dyno runs `emissions` for any vehicle unless rules are given."""
    rules = rules if rules is not None else [Rule(d.id, "emissions") for d in dynos]
    return Problem.of(requests, dynos, rules, TODAY, busy or [], **options)


def planned(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    num_workers: int = 1,
    work_limit: float | None = None,
) -> Plan:
    """Solve, and check both the plan and the greedy baseline against every rule."""
    plan = solve(problem, time_limit_s=time_limit_s, num_workers=num_workers, work_limit=work_limit)
    assert violations(problem, plan) == []
    assert violations(problem, greedy_plan(problem)) == []
    return plan


def starts(plan: Plan) -> dict[int, tuple[int, int]]:
    """request id -> (dyno id, start day)."""
    return {a.request_id: (a.dyno_id, (a.start - TODAY).days) for a in plan.assignments}
