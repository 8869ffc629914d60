"""The greedy baseline (and the solver's first hint): requests in desired-start order, each on the
earliest free day of a compatible dyno (ties: the lowest pressure, then the lowest id), never
before its earlier mileage steps end, within the horizon."""

from __future__ import annotations

import time
from collections import defaultdict

from dyno_agent.planning.candidates import Screened, screen
from dyno_agent.planning.problem import Problem, Request
from dyno_agent.planning.result import Assignment, Plan, Unplaced


def greedy_plan(problem: Problem, screened: Screened | None = None) -> Plan:
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
        best: tuple[int, float, int] | None = None
        for option in screened.options[request.id]:
            start = _first_fit(
                [busy[option.dyno_id], vehicle_busy[request.vehicle]],
                max(option.first, after),
                option.last,
                request.days,
            )
            if start is not None:
                key = (
                    start,
                    round(problem.pressure(option.dyno_id, request.test_type), 9),
                    option.dyno_id,
                )
                best = min(best, key) if best else key
        if best is None:
            unplaced[request.id] = Unplaced(
                request.id, "capacity", "every compatible dyno is full until the horizon"
            )
            return
        start, _, dyno_id = best
        placed[request.id] = (dyno_id, start)
        busy[dyno_id].append((start, start + request.days))
        vehicle_busy[request.vehicle].append((start, start + request.days))

    for request in sorted(problem.requests, key=lambda r: (r.desired_start, -r.priority, r.id)):
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
    )
