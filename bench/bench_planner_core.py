"""The planner's core on a synthetic lab: greedy baseline against CP-SAT, no database.

    uv run python bench/bench_planner_core.py [--horizon 365] [--anchor desired] [--time-limit 30]
        [--workers 2] [--seed 11] [--runs 3] [--work-limit UNITS]

A seeded lab shaped like the forecast workbook: the workbook's 23 dynos and rules (with the 4WD
mirrors of the demo), about 600 requests from 200 vehicles (150k mileage in three ordered steps,
4k certification in two, not cert-durability on a fifth of the vehicles, some evap), desired
starts over ten months, MPG 1 in maintenance for the first two months. Prints figures only; it
asserts nothing on time. The planner runs with solver seeds 0, 1, 2, ... (`--runs`) and the run
with the median lateness is shown, with its CP-SAT deterministic time ("work", the same on any
machine) beside the wall-clock seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from dyno_agent.demo.catalog import RULE_ROWS
from dyno_agent.demo.workbook import DYNO_NAMES, facility_of
from dyno_agent.planning.check import violations
from dyno_agent.planning.greedy import greedy_plan
from dyno_agent.planning.pools import tightest_pool
from dyno_agent.planning.problem import Busy, Dyno, Problem, Request, Rule
from dyno_agent.planning.result import Plan
from dyno_agent.planning.solver import solve
from dyno_agent.scheduling import vocab

TODAY = dt.date(2024, 9, 30)


def synthetic_lab(seed: int, horizon: int, anchor: str) -> Problem:
    rng = random.Random(seed)
    dynos = [Dyno(i + 1, name, facility_of(name)) for i, name in enumerate(DYNO_NAMES)]
    ids = {d.name: d.id for d in dynos}
    rules = [
        Rule(
            ids[name],
            vocab.normalize_test_type(test),
            vocab.normalize_rule_drive(drive),
            vocab.normalize_rule_weight_class(weight),
        )
        for test, drive, weight, names in RULE_ROWS
        for name in names
    ]
    requests: list[Request] = []

    def add(vehicle: str, test: str, drive: str, weight: str, days: int, day: int, step: int):
        start = TODAY + dt.timedelta(days=day)
        requests.append(
            Request(len(requests) + 1, vehicle, test, drive, weight, days, start, start, 1, step)
        )

    for v in range(200):
        vehicle = f"T{v:03d}"
        drive = rng.choice(("2WD", "2WD", "AWD", "4WD"))
        weight = rng.choice(("<10K", "<10K", ">10K"))
        day = rng.randint(0, 300)
        if rng.random() < 0.45:
            for step, days in ((0, 7), (5, rng.randint(30, 60)), (75, rng.randint(30, 60))):
                add(vehicle, "150k mileage", drive, weight, days, day, step)
                day += days + rng.randint(0, 20)
        else:
            for step, days in ((0, 5), (4, 14)):
                add(vehicle, "4k certification", drive, weight, days, day, step)
                day += days + rng.randint(0, 10)
        if rng.random() < 0.5:
            add(vehicle, "not cert-durability", drive, weight, 21, rng.randint(0, 300), 200)
        if rng.random() < 0.1:
            add(vehicle, "evap", drive, weight, rng.randint(3, 10), rng.randint(0, 300), 300)
    busy = [Busy(TODAY, TODAY + dt.timedelta(days=66), dyno_id=ids["MPG 1"], label="maintenance")]
    return Problem.of(
        requests, dynos, rules, TODAY, busy, horizon_days=horizon, horizon_anchor=anchor
    )


def row(name: str, plan: Plan, seconds: float, problem: Problem) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(plan.unplaced_by_reason().items())) or "-"
    stages = " ".join(f"{s.name}:{s.status}" for s in plan.stages) or "-"
    errors = len(violations(problem, plan))
    return (
        f"{name:<8} placed {plan.placed:>4}  unplaced [{reasons}]"
        f"  lateness {plan.total_lateness:>6}"
        f" (mean {plan.mean_lateness:5.1f})  {seconds:6.1f} s  work {plan.work:5.2f}"
        f"  {plan.status:<8} gap {plan.gap:.3f}"
        f"  violations {errors}  {stages}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--horizon", type=int, default=365)
    parser.add_argument("--anchor", choices=("today", "desired"), default="desired")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11, help="the synthetic lab's seed")
    parser.add_argument("--runs", type=int, default=3, help="planner runs (solver seeds 0..)")
    parser.add_argument("--work-limit", type=float, default=None)
    args = parser.parse_args()
    problem = synthetic_lab(args.seed, args.horizon, args.anchor)
    print(
        f"{len(problem.requests)} requests, {len(problem.dynos)} dynos, today {TODAY}, "
        f"horizon {args.horizon} days from the {args.anchor} start, "
        f"{sum(r.days for r in problem.requests):,} dyno-days asked"
    )
    pool = tightest_pool(problem)
    if pool:
        print(f"tightest pool: {pool.describe()}")
    began = time.perf_counter()
    greedy = greedy_plan(problem)
    print(row("greedy", greedy, time.perf_counter() - began, problem))
    runs = []
    for seed in range(args.runs):
        began = time.perf_counter()
        plan = solve(
            problem,
            time_limit_s=args.time_limit,
            num_workers=args.workers,
            seed=seed,
            work_limit=args.work_limit,
        )
        runs.append((-plan.placed, plan.total_lateness, seed, plan, time.perf_counter() - began))
    runs.sort(key=lambda run: run[:3])
    _, _, seed, plan, seconds = runs[len(runs) // 2]
    print(row("planner", plan, seconds, problem))
    print(
        f"  median of {len(runs)} (solver seed {seed}); lateness over the runs: "
        + ", ".join(str(run[1]) for run in runs)
        + f"; solve seconds median {statistics.median(run[4] for run in runs):.1f}"
    )


if __name__ == "__main__":
    main()
