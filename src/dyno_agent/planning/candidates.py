"""Before any search: which dynos and start days each request may use, and which requests cannot
be placed whatever the schedule (bad data, no compatible dyno, nothing open before the horizon, a
step chain too long)."""

from __future__ import annotations

from dataclasses import dataclass

from dyno_agent.planning.problem import Problem, Request
from dyno_agent.planning.result import Unplaced


@dataclass(frozen=True)
class Option:
    """The request may start on `dyno_id` on any day of `first..last`."""

    dyno_id: int
    first: int
    last: int


@dataclass(frozen=True)
class Screened:
    options: dict[int, tuple[Option, ...]]  # placeable requests only
    predecessors: dict[int, tuple[int, ...]]  # request id -> requests of the previous step
    unplaced: dict[int, Unplaced]

    def first(self, request_id: int) -> int:
        return min(o.first for o in self.options[request_id])

    def last(self, request_id: int) -> int:
        return max(o.last for o in self.options[request_id])


def screen(problem: Problem) -> Screened:
    _, vehicle_busy = problem.fixed_intervals()
    options: dict[int, tuple[Option, ...]] = {}
    unplaced: dict[int, Unplaced] = {}
    for request in problem.requests:
        found = _options(problem, request, vehicle_busy.get(request.vehicle, []), unplaced)
        if found:
            options[request.id] = found
    predecessors: dict[int, tuple[int, ...]] = {}
    for chain in problem.chains().values():
        earliest: dict[int, int] = {}
        for request in chain:
            previous_step = max((r.step for r in chain if r.step < request.step), default=None)
            before = tuple(r.id for r in chain if r.step == previous_step)
            predecessors[request.id] = before
            if request.id not in options:
                continue
            blocked = [p for p in before if p not in options]
            if blocked:
                del options[request.id]
                unplaced[request.id] = Unplaced(
                    request.id,
                    "vehicle_chain",
                    f"an earlier mileage step (request {blocked[0]}) cannot be placed",
                )
                continue
            start = max([min(o.first for o in options[request.id])] + [earliest[p] for p in before])
            if start > max(o.last for o in options[request.id]):
                del options[request.id]
                unplaced[request.id] = Unplaced(
                    request.id,
                    "vehicle_chain",
                    "the earlier mileage steps of the vehicle end too late for it to start "
                    "before the horizon",
                )
                continue
            earliest[request.id] = start + request.days
    return Screened(options, predecessors, unplaced)


def _options(
    problem: Problem, request: Request, bookings: list, unplaced: dict
) -> tuple[Option, ...]:
    problem_text = problem.bad_data(request)
    if problem_text:
        unplaced[request.id] = Unplaced(request.id, "bad_data", problem_text)
        return ()
    dynos = problem.compatible(request)
    if not dynos:
        where = f" in facility {request.facility}" if request.facility else ""
        unplaced[request.id] = Unplaced(
            request.id,
            "no_compatible_dyno",
            f"no enabled dyno{where} may run {request.test_type} for a {request.drive_type} "
            f"vehicle of class {request.weight_class}",
        )
        return ()
    low, high = problem.vehicle_bounds(request, bookings)
    found = []
    for dyno_id in dynos:
        first, last = problem.dyno_start_range(request, problem.dyno_by_id[dyno_id])
        first, last = max(first, low), min(last, high)
        if first <= last:
            found.append(Option(dyno_id, first, last))
    if not found:
        unplaced[request.id] = Unplaced(
            request.id,
            "capacity",
            "no compatible dyno is commissioned (or free of the vehicle's booked steps) for it "
            "before the horizon",
        )
    return tuple(found)
