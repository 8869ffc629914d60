"""The greedy baseline (and the solver's first hint): requests in desired-start order, each on the
earliest free day of a compatible dyno (ties: the lowest pressure, then the lowest id), never
before its earlier mileage steps end, within the horizon."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from dyno_agent.planning.candidates import Screened, screen
from dyno_agent.planning.problem import Problem, Request
from dyno_agent.planning.result import Assignment, Plan, Unplaced


def greedy_plan(
    problem: Problem,
    screened: Screened | None = None,
    *,
    order: Callable[[Request], tuple] | None = None,
    penalty: Callable[[Request, int], int] | None = None,
) -> Plan:
    """The baseline by default. `order` sorts the requests another way (a request's earlier
    steps are still placed before it) and `penalty(request, dyno)` adds days to a dyno's start
    when choosing among dynos (a start later on a plentiful dyno may beat one on a scarce dyno):
    the solver builds its first hints this way."""
    began = time.perf_counter()
    screened = screened or screen(problem)
    dyno_busy, vehicle_fixed = problem.fixed_intervals()
    busy: dict[int, list[tuple[int, int]]] = defaultdict(
        list, {k: list(v) for k, v in dyno_busy.items()}
    )
    vehicle_busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for vehicle, spans in vehicle_fixed.items():
        vehicle_busy[vehicle] = [
            (max(problem.day(b.start), 0), problem.day(b.end) + 1) for b in spans
        ]
    by_id = {r.id: r for r in problem.requests}
    placed: dict[int, tuple[int, int]] = {}  # request id -> (dyno, start day)
    done: set[int] = set()
    unplaced = dict(screened.unplaced)

    def place(request: Request) -> None:
        if request.id in done:
            return
        done.add(request.id)
        for before in screened.predecessors.get(request.id, ()):
            place(by_id[before])
        if request.id not in screened.options:
            return
        missing = [p for p in screened.predecessors.get(request.id, ()) if p not in placed]
        if missing:
            unplaced[request.id] = Unplaced(
                request.id,
                "vehicle_chain",
                f"an earlier mileage step (request {missing[0]}) is unplaced",
            )
            return
        after = max(
            (placed[p][1] + by_id[p].days for p in screened.predecessors.get(request.id, ())),
            default=0,
        )
        best: tuple[int, float, int, int] | None = None
        for option in screened.options[request.id]:
            start = _first_fit(
                [busy[option.dyno_id], vehicle_busy[request.vehicle]],
                max(option.first, after),
                option.last,
                request.days,
            )
            if start is not None:
                key = (
                    start + (penalty(request, option.dyno_id) if penalty else 0),
                    round(problem.pressure(option.dyno_id, request.test_type), 9),
                    option.dyno_id,
                    start,
                )
                best = min(best, key) if best else key
        if best is None:
            unplaced[request.id] = Unplaced(
                request.id, "capacity", "every compatible dyno is full until the horizon"
            )
            return
        _, _, dyno_id, start = best
        placed[request.id] = (dyno_id, start)
        busy[dyno_id].append((start, start + request.days))
        vehicle_busy[request.vehicle].append((start, start + request.days))

    for request in sorted(
        problem.requests, key=order or (lambda r: (r.desired_start, -r.priority, r.id))
    ):
        place(request)
    return build_plan(problem, placed, unplaced, "GREEDY", (), time.perf_counter() - began)


def _first_fit(
    calendars: list[list[tuple[int, int]]], first: int, last: int, days: int
) -> int | None:
    start = first
    while start <= last:
        clash = max(
            (
                end
                for spans in calendars
                for begin, end in spans
                if begin < start + days and start < end
            ),
            default=None,
        )
        if clash is None:
            return start
        start = clash
    return None


def build_plan(
    problem: Problem,
    placed: dict[int, tuple[int, int]],
    unplaced: dict[int, Unplaced],
    status: str,
    stages: tuple,
    seconds: float,
    work: float = 0.0,
) -> Plan:
    by_id = {r.id: r for r in problem.requests}
    assignments = []
    for request_id, (dyno_id, start) in sorted(placed.items()):
        request = by_id[request_id]
        lateness = max(0, start - problem.day(request.desired_start))
        assignments.append(
            Assignment(
                request_id,
                dyno_id,
                problem.date(start),
                problem.date(start + request.days - 1),
                lateness,
            )
        )
    return Plan(
        tuple(assignments),
        tuple(sorted(unplaced.values(), key=lambda u: u.request_id)),
        status,  # type: ignore[arg-type]
        stages,
        seconds,
        work,
    )


def portfolio(problem: Problem, screened: Screened) -> list[Plan]:
    """Greedy plans in several orders, to start the search from the best of them: the baseline;
    scarcest requests first (fewest compatible dynos: they have nowhere else to go, so the
    flexible ones fill around them); shorter requests a little earlier (less total waiting in a
    queue); higher priority first; and the same with a few days' penalty for starting on a dyno
    scarcer than the request needs."""
    compatible = {r.id: len(problem.compatible(r)) for r in problem.requests}
    floor = {
        r.id: min((problem.pressure(o.dyno_id, r.test_type) for o in options), default=0.0)
        for r in problem.requests
        if (options := screened.options.get(r.id))
    }

    def scarce_penalty(days: int) -> Callable[[Request, int], int]:
        def penalty(request: Request, dyno_id: int) -> int:
            above = problem.pressure(dyno_id, request.test_type) - floor.get(request.id, 0.0)
            return days if above > 1e-9 else 0

        return penalty

    def desired(r: Request) -> int:
        return problem.day(r.desired_start)

    orders: list[Callable[[Request], tuple]] = [
        lambda r: (compatible[r.id], desired(r), -r.priority, r.id),
        lambda r: (desired(r) + r.days / 4, -r.priority, r.id),
        lambda r: (compatible[r.id], desired(r) + r.days / 4, -r.priority, r.id),
        lambda r: (-r.priority, compatible[r.id], desired(r), r.id),
    ]
    plans = [greedy_plan(problem, screened)]
    for order in orders:
        for days in (0, 5):
            plans.append(
                greedy_plan(
                    problem, screened, order=order, penalty=scarce_penalty(days) if days else None
                )
            )
    return plans
