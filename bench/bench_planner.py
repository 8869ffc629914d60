"""The forecast planner on the lab's own workbook: the legacy macro, greedy, and the CP-SAT planner.

    uv run python bench/bench_planner.py [--workbook PATH] [--today 2024-09-30]
        [--horizons 365,30] [--time-limit 30] [--seeds 0,1,2] [--workers N]

It starts a throwaway embedded PostgreSQL (or uses DATABASE_URL's server), migrates a fresh
database, creates the workbook's 23 dynos, and imports the workbook through the product's own
importer (`forecast.service.import_forecast`, with its DynoRules and Maintenance sheets; the rows
the import finds invalid are skipped and counted). Today is fixed (default 2024-09-30, the
workbook's own first day) and printed. Then, for the same open requests and each horizon:

- **legacy**: what the workbook's first-fit macro wrote in its DYNO column (read from the sheet);
- **greedy**: each open request in desired-start order through the engine's auto-allocation
  (`scheduling.booking.auto_allocate`, the request's facility rule, backup shifts up to the
  horizon after its desired start), in one transaction that is rolled back afterwards;
- **planner**: `planning.solver.solve` on the problem the plans service would build
  (`planning.loader.load_problem`, horizon anchored on each desired start like greedy's backup),
  the median of the given seeds by lateness.

Each line gives placed, unplaced by reason, total and mean lateness (days after the desired
start), and for the planner the solve time, CP-SAT's deterministic work, status and gap. Also the
tightest pool of interchangeable dynos with its demand and capacity over the horizon. It prints
figures only; nothing here passes or fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import itertools
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT.parent / "shared" / "data" / "cert_fuel_baseline.xlsx"
if not WORKBOOK.exists():
    WORKBOOK = ROOT / "tests" / "forecast" / "data" / "cert_fuel_baseline.xlsx"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=WORKBOOK)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2024, 9, 30))
    parser.add_argument("--horizons", default="365,30", help="comma-separated days")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated solver seeds")
    parser.add_argument("--workers", type=int, default=None, help="default: DYNO_PLANNER_WORKERS")
    parser.add_argument(
        "--facility",
        choices=("on", "off", "both"),
        default="both",
        help="the TEST FACILITY rule: on (the product's), off (as the issue's figures), or both",
    )
    return parser.parse_args()


ARGS = parse_args()
# Before anything reads the settings: the fixed today, and backup shifts as long as a horizon.
os.environ["DYNO_TODAY"] = ARGS.today.isoformat()
os.environ["DYNO_MAX_BACKUP_DAYS"] = str(max(int(h) for h in ARGS.horizons.split(",")))

from scratch_db import scratch_database  # noqa: E402

from dyno_agent import errors  # noqa: E402
from dyno_agent.auth.actor import Actor, Channel  # noqa: E402
from dyno_agent.config import get_settings  # noqa: E402
from dyno_agent.db.engine import make_engine, make_session_factory  # noqa: E402
from dyno_agent.demo.catalog import rules_by_dyno  # noqa: E402
from dyno_agent.demo.workbook import facility_of  # noqa: E402
from dyno_agent.forecast import columns as c  # noqa: E402
from dyno_agent.forecast.reader import read_forecast  # noqa: E402
from dyno_agent.forecast.service import ImportOptions, import_forecast  # noqa: E402
from dyno_agent.planning.check import violations  # noqa: E402
from dyno_agent.planning.loader import PlanScope, load_problem  # noqa: E402
from dyno_agent.planning.pools import tightest_pool  # noqa: E402
from dyno_agent.planning.result import Plan  # noqa: E402
from dyno_agent.planning.solver import solve  # noqa: E402
from dyno_agent.requests.models import RequestStatus, TestRequest  # noqa: E402
from dyno_agent.scheduling import booking  # noqa: E402
from dyno_agent.scheduling.dynos import create_dyno  # noqa: E402
from dyno_agent.scheduling.models import Allocation  # noqa: E402
from dyno_agent.scheduling.schemas.dynos import DynoCreate, RuleIn  # noqa: E402

ACTOR = Actor.system(Channel.cli, label="bench")
# The engine's refusals, by the planner's unplaced reasons.
GREEDY_REASONS: dict[type[Exception], str] = {
    errors.NotCompatible: "no_compatible_dyno",
    errors.NoCapacity: "capacity",
    errors.VehicleBusy: "capacity",
    errors.InvalidInput: "bad_data",
}


def legacy_result(data: bytes) -> Counter[str]:
    """The legacy macro's verdicts: a dyno, or its message, from the sheet's DYNO column."""
    table = read_forecast(data, ARGS.workbook.name, get_settings()).forecast
    verdicts: Counter[str] = Counter()
    for row in table.rows:
        dyno = row.values.get(c.DYNO)
        text = str(dyno).strip() if dyno is not None else ""
        message = not text or text.casefold().startswith(("no ", "invalid"))
        verdicts[text or "(empty)" if message else "placed"] += 1
    return verdicts


async def create_lab(session: AsyncSession) -> None:
    """The workbook's 23 dynos (the import's `--rules` then gives them the sheet's rules)."""
    for name, rules in rules_by_dyno().items():
        await create_dyno(
            session,
            DynoCreate(
                name=name,
                facility=facility_of(name),
                available_from=None,
                available_to=None,
                notes=None,
                rules=[RuleIn(test_type=t, drive_type=d, weight_class=w) for t, d, w in rules],
            ),
        )


def step_rank(request: TestRequest) -> int:
    return request.step_from_miles or 0  # as the planner's loader ranks the steps


async def greedy(
    session: AsyncSession, today: dt.date, horizon: int, facility_rule: bool
) -> dict[str, Any]:
    """Every open request, by desired start, through the engine's auto-allocation; rolled back.

    The mileage-step order is the planner's rule too, so greedy keeps it: a vehicle's later step
    goes after its earlier ones (the order is the desired start, pulled later to an earlier step's
    desired start), starts after they end, and is left out (`vehicle_chain`) when one of them found
    no dyno."""
    requests = list(
        await session.scalars(
            select(TestRequest).where(TestRequest.status != RequestStatus.cancelled.value)
        )
    )
    chains: dict[int, list[TestRequest]] = {}
    for request in requests:
        chains.setdefault(request.vehicle_id, []).append(request)
    ends: dict[int, dt.date | None] = {}  # request id -> last day booked (None: unplaced)
    for request in requests:
        if request.allocation_id is not None:
            allocation = await session.get(Allocation, request.allocation_id)
            ends[request.id] = allocation.end_date if allocation else None

    def earlier(request: TestRequest) -> list[TestRequest]:
        return [r for r in chains[request.vehicle_id] if step_rank(r) < step_rank(request)]

    def order(request: TestRequest) -> tuple[dt.date, int, int]:
        due = max([request.desired_start, *(r.desired_start for r in earlier(request))])
        return due, step_rank(request), request.id

    todo = sorted((r for r in requests if r.status == RequestStatus.open.value), key=order)
    placed, lateness, reasons = 0, 0, Counter[str]()
    began = time.perf_counter()
    async with session.begin_nested() as outer:
        for request in todo:
            before = [ends.get(r.id) for r in earlier(request)]
            ends[request.id] = None
            if any(end is None for end in before):
                reasons["vehicle_chain"] += 1
                continue
            start = max(
                request.earliest_start,
                request.desired_start,
                today,
                *(end + dt.timedelta(days=1) for end in before if end is not None),
            )
            latest = request.desired_start + dt.timedelta(days=horizon)
            try:
                if start > latest:
                    raise errors.NoCapacity("The horizon ends before the test could start.")
                async with session.begin_nested():
                    result = await booking.auto_allocate(
                        session,
                        ACTOR,
                        test_type=request.test_type,
                        start_date=start,
                        days_to_complete=request.days,
                        vehicle_id=request.vehicle_id,
                        backup=True,
                        max_backup_days=(latest - start).days,
                        facility=request.facility if facility_rule else None,
                    )
            except tuple(GREEDY_REASONS) as refused:
                reasons[GREEDY_REASONS[type(refused)]] += 1
                continue
            placed += 1
            ends[request.id] = result.allocation.end_date
            lateness += (result.allocation.start_date - request.desired_start).days
        await outer.rollback()
    return {
        "requests": len(todo),
        "placed": placed,
        "lateness": lateness,
        "reasons": reasons,
        "seconds": time.perf_counter() - began,
    }


def reasons_text(reasons: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "-"


def print_row(name: str, placed: int, requests: int, lateness: int, reasons: str, extra: str):
    mean = lateness / placed if placed else 0.0
    print(
        f"  {name:<8} placed {placed:>4}/{requests:<4} lateness {lateness:>6,} d "
        f"(mean {mean:5.1f})  unplaced: {reasons}  {extra}"
    )


async def run(url: Any) -> None:
    data = ARGS.workbook.read_bytes()
    today = ARGS.today
    settings = get_settings()
    workers = ARGS.workers or settings.planner_workers
    horizons = [int(h) for h in ARGS.horizons.split(",")]
    seeds = [int(s) for s in ARGS.seeds.split(",")]
    print(f"workbook {ARGS.workbook.name}, today {today}, time limit {ARGS.time_limit:g} s, ")
    print(f"{workers} worker(s), seeds {seeds}, {os.cpu_count()} CPU(s)")

    legacy = legacy_result(data)
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    async with factory() as session:
        await create_lab(session)
        began = time.perf_counter()
        report = await import_forecast(
            session,
            ACTOR,
            data,
            ARGS.workbook.name,
            settings,
            ImportOptions(skip_invalid=True, rules=True, maintenance=True),
        )
        await session.commit()
        print(
            f"import: {report['rows']} rows, {report['invalid']} invalid (skipped), "
            f"{report['created']['requests']} open requests, "
            f"{report['created']['allocations']} running/completed bookings, "
            f"{time.perf_counter() - began:.1f} s"
        )
    print(
        f"legacy macro (whole sheet): {legacy['placed']} given a dyno, "
        + ", ".join(f"{n} {v!r}" for v, n in legacy.most_common() if v != "placed")
    )

    modes = {"on": [True], "off": [False], "both": [True, False]}[ARGS.facility]
    for facility_rule, horizon in itertools.product(modes, horizons):
        async with factory() as session:
            loaded = await load_problem(
                session, PlanScope(), today=today, horizon_days=horizon, horizon_anchor="desired"
            )
            problem = loaded.problem
            if not facility_rule:
                problem = dataclasses.replace(
                    problem,
                    requests=tuple(dataclasses.replace(r, facility=None) for r in problem.requests),
                )
            base = await greedy(session, today, horizon, facility_rule)
        rule = "with" if facility_rule else "without"
        print(f"\nhorizon {horizon} days after each desired start, {rule} the facility rule:")
        print_row(
            "greedy",
            base["placed"],
            base["requests"],
            base["lateness"],
            reasons_text(base["reasons"]),
            f"{base['seconds']:.1f} s",
        )
        plans: list[Plan] = []
        for seed in seeds:
            plan = solve(problem, time_limit_s=ARGS.time_limit, num_workers=workers, seed=seed)
            if broken := violations(problem, plan):
                print(f"  planner seed {seed}: INVALID PLAN: {broken[:3]}", file=sys.stderr)
            plans.append(plan)
        plans.sort(key=lambda p: (-p.placed, p.total_lateness))
        median = plans[len(plans) // 2]
        seconds = statistics.median(p.seconds for p in plans)
        print_row(
            "planner",
            median.placed,
            len(problem.requests),
            median.total_lateness,
            reasons_text(median.unplaced_by_reason()),
            f"{seconds:.1f} s, work {median.work:.1f}, {median.status}, gap {median.gap:.3f} "
            f"(seeds: {', '.join(f'{p.placed}/{p.total_lateness}' for p in plans)})",
        )
        if base["lateness"]:
            print(
                f"  planner vs greedy: placed {median.placed - base['placed']:+d}, "
                f"lateness {median.total_lateness / base['lateness']:.0%} of greedy's"
            )
        if pool := tightest_pool(problem):
            print(f"  tightest pool: {pool.describe()}")
    await engine.dispose()


def main() -> None:
    with scratch_database("dyno_bench_planner") as url:
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
