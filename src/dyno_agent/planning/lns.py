"""Large-neighbourhood search: improve a plan by re-solving small parts of it exactly.

Each step frees a neighbourhood (a late or unplaced request, a stretch of time around its desired
start, the requests placed or placeable there on its dynos, and the other steps of their
vehicles), keeps everything else fixed, and solves that small CP-SAT model: the freed requests may
use any of their compatible dynos and start up to `_SLACK` days later than now; the objective is
the plan's first two, lexicographic in one weighted sum (placed priority, then lateness); the
current placement is the hint, so a step never makes the plan worse. Small models solve in
milliseconds where the whole model stalls in presolve. The pressure objective is left to
`Search.relieve_scarce`, afterwards.

Deterministic: the neighbourhoods come from a seeded random generator, each sub-solve runs on one
thread with a deterministic-time limit, and the search stops after a budget of deterministic time
(`work`) or `_STALE_STEPS` steps without a better plan, so the same input and seed give the same
plan; the wall clock is only a hard cap. With several workers, that many neighbourhoods are solved
at once (threads; CP-SAT releases the GIL) and their results applied in a fixed order, each only
if it touches no dyno or vehicle an earlier one of the batch changed.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from dyno_agent.planning.candidates import Screened
from dyno_agent.planning.problem import Problem, Request, merged

Placement = dict[int, tuple[int, int]]  # request id -> (dyno id, start day)

PRESSURE_SCALE = 1000
_MIN_SIZE, _MAX_SIZE, _FIRST_SIZE = 6, 60, 15
_STEP_WORK = 0.02  # deterministic-time limit of one sub-solve
_MIN_STEP_WORK = 0.005  # what a step counts at least (tiny models cost Python time, not CP-SAT's)
_STALE_STEPS = 300  # stop after this many steps without a better plan
_SLACK = 60  # days a freed request may move later than it is (later rarely pays)
_UNPLACED_SEEDS = 0.5  # share of neighbourhoods around an unplaced request (when there is one)


@dataclass
class Stats:
    steps: int = 0
    improved: int = 0
    work: float = 0.0
    seconds: float = 0.0
    by_clock: bool = False  # stopped by the wall clock, before its work budget or a stall
    history: list[tuple[int, int, int]] = field(default_factory=list)


class Search:
    """The fixed data of a problem, precomputed once for many sub-solves."""

    def __init__(self, problem: Problem, screened: Screened) -> None:
        self.problem = problem
        self.requests: dict[int, Request] = {
            r.id: r for r in problem.requests if r.id in screened.options
        }
        self.options: dict[int, dict[int, tuple[int, int]]] = {
            rid: {o.dyno_id: (o.first, o.last) for o in screened.options[rid]}
            for rid in self.requests
        }
        self.predecessors = {
            rid: tuple(p for p in screened.predecessors.get(rid, ()) if p in self.requests)
            for rid in self.requests
        }
        self.blocked = {
            rid
            for rid in self.requests
            if any(p not in self.requests for p in screened.predecessors.get(rid, ()))
        }
        self.successors: dict[int, list[int]] = defaultdict(list)
        for rid, before in self.predecessors.items():
            for p in before:
                self.successors[p].append(rid)
        self.desired = {rid: problem.day(r.desired_start) for rid, r in self.requests.items()}
        self.cost = {
            (rid, d): round(PRESSURE_SCALE * problem.pressure(d, r.test_type)) * r.days
            for rid, r in self.requests.items()
            for d in self.options[rid]
        }
        dyno_busy, vehicle_busy = problem.fixed_intervals()
        self.dyno_fixed = dyno_busy
        self.vehicle_fixed = {
            v: merged((max(problem.day(b.start), 0), problem.day(b.end) + 1) for b in spans)
            for v, spans in vehicle_busy.items()
        }
        self.by_vehicle: dict[str, list[int]] = defaultdict(list)
        for rid, r in self.requests.items():
            self.by_vehicle[r.vehicle].append(rid)
        self.by_dyno_options: dict[int, list[int]] = defaultdict(list)
        for rid, opts in self.options.items():
            for d in opts:
                self.by_dyno_options[d].append(rid)
        self.ids = sorted(self.requests)

    # --- the objective ---------------------------------------------------------------------

    def lateness(self, rid: int, start: int) -> int:
        return max(0, start - self.desired[rid])

    def key(self, placed: Placement) -> tuple[int, int, int]:
        """(placed priority, lateness, pressure): the first the higher the better, the others
        the lower."""
        return (
            sum(self.requests[r].priority for r in placed),
            sum(self.lateness(r, s) for r, (_, s) in placed.items()),
            sum(self.cost[(r, d)] for r, (d, _) in placed.items()),
        )

    def relieve_scarce(self, placed: Placement) -> Placement:
        """The pressure objective, greedily: each placed request (by id) moves to the compatible
        dyno with the lowest pressure that is free over the same days (same start, so lateness
        and the vehicle's steps are untouched)."""
        placed = dict(placed)
        taken: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for rid, (d, s) in placed.items():
            taken[d].append((s, s + self.requests[rid].days, rid))
        for rid in sorted(placed):
            d, s = placed[rid]
            e = s + self.requests[rid].days
            best = d
            for other, (first, last) in sorted(self.options[rid].items()):
                if self.cost[(rid, other)] >= self.cost[(rid, best)] or not first <= s <= last:
                    continue
                if any(a < e and s < b for a, b in self.dyno_fixed.get(other, [])):
                    continue
                if any(a < e and s < b for a, b, _ in taken[other]):
                    continue
                best = other
            if best != d:
                taken[d] = [t for t in taken[d] if t[2] != rid]
                taken[best].append((s, e, rid))
                placed[rid] = (best, s)
        return placed

    def ideal(self, placed: Placement) -> tuple[int, int]:
        """The simple bounds: every placeable request placed, each no later than it can start
        (for those placed)."""
        value = sum(r.priority for r in self.requests.values())
        least = sum(
            max(0, min(f for f, _ in self.options[rid].values()) - self.desired[rid])
            for rid in placed
        )
        return value, least

    # --- neighbourhoods --------------------------------------------------------------------

    def neighbourhood(
        self, placed: Placement, rng: random.Random, size: int
    ) -> tuple[set[int], set[int]]:
        """A set of requests to free and the dynos they may use."""
        unplaced = [r for r in self.ids if r not in placed and r not in self.blocked]
        late = [r for r, (_, s) in sorted(placed.items()) if s > self.desired[r]]
        pick = rng.random()
        if unplaced and pick < _UNPLACED_SEEDS:
            seed = rng.choice(unplaced)
        elif late and pick < _UNPLACED_SEEDS + 0.5:
            seed = rng.choice(late)
        else:
            seed = rng.choice(self.ids)
        dynos = set(self.options[seed])
        if len(dynos) > 8 and rng.random() < 0.5:
            keep = sorted(dynos)
            rng.shuffle(keep)
            dynos = set(keep[:6])
            if seed in placed:
                dynos.add(placed[seed][0])
        centre = self.desired[seed] + (rng.randint(0, 30) if rng.random() < 0.5 else 0)
        width = 4
        free: set[int] = set()
        while True:
            low, high = centre - width, centre + width
            free = {seed}
            for d in dynos:
                for rid in self.by_dyno_options[d]:
                    if rid in placed:
                        pd, s = placed[rid]
                        if pd in dynos and s < high and s + self.requests[rid].days > low:
                            free.add(rid)
                    elif rid not in self.blocked:
                        first, last = self.options[rid][d]
                        if first < high and last >= low:
                            free.add(rid)
            if len(free) >= size or width > 800:
                break
            width = int(width * 1.4) + 2
        if len(free) > size:
            ordered = sorted(
                free,
                key=lambda r: (abs((placed[r][1] if r in placed else self.desired[r]) - centre), r),
            )
            free = set(ordered[:size]) | {seed}
        # The other steps of the freed vehicles come along (with the dynos they are on).
        for rid in list(free):
            for mate in self.by_vehicle[self.requests[rid].vehicle]:
                if mate not in free and len(free) < size * 1.5:
                    free.add(mate)
                    if mate in placed:
                        dynos.add(placed[mate][0])
        return free, dynos

    # --- one sub-solve ---------------------------------------------------------------------

    def resolve(
        self,
        placed: Placement,
        free: set[int],
        dynos: set[int],
        *,
        seed: int,
        work: float,
        seconds: float,
    ) -> tuple[Placement | None, float, bool]:
        """Re-solve `free` over `dynos`, the rest fixed. Returns the new placements of the freed
        requests (None when no better or equal one was found), the work used, and whether the
        sub-problem was solved to optimality."""
        model = cp_model.CpModel()
        dynos = set(dynos)
        for rid in free:
            dynos |= set(self.options[rid])
        fixed_on: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for rid, (d, s) in placed.items():
            if rid not in free and d in dynos:
                fixed_on[d].append((s, s + self.requests[rid].days))
        start: dict[int, cp_model.IntVar] = {}
        present: dict[int, cp_model.IntVar] = {}
        on: dict[tuple[int, int], cp_model.IntVar] = {}
        per_dyno: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        per_vehicle: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        span: dict[int, tuple[int, int]] = {}
        unplaced_terms: list[tuple[int, cp_model.IntVar]] = []
        late_terms: list[tuple[int, cp_model.IntVar]] = []
        late_offset = 0
        max_late = 0
        members = sorted(free)
        for rid in members:
            r = self.requests[rid]
            low, high, must = 0, 10**7, False
            skip = False
            for p in self.predecessors[rid]:
                if p in free:
                    continue
                if p not in placed:
                    skip = True
                    break
                low = max(low, placed[p][1] + self.requests[p].days)
            for q in self.successors.get(rid, ()):
                if q in free or q not in placed:
                    continue
                must = True
                high = min(high, placed[q][1] - r.days)
            if rid in placed:  # moving much later than now never pays: keep the model small
                high = min(high, max(placed[rid][1], self.desired[rid]) + _SLACK)
            opts = []
            if not skip:
                for d in sorted(dynos):
                    if d in self.options[rid]:
                        first, last = self.options[rid][d]
                        first, last = max(first, low), min(last, high)
                        if first <= last:
                            opts.append((d, first, last))
            if not opts:
                if must:  # cannot happen for a valid plan: its own placement is an option
                    return None, 0.0, False
                continue
            first = min(o[1] for o in opts)
            last = max(o[2] for o in opts)
            sv = model.new_int_var_from_domain(
                cp_model.Domain.from_intervals([[o[1], o[2]] for o in opts]), f"s{rid}"
            )
            x = model.new_bool_var(f"x{rid}")
            if must:
                model.add(x == 1)
            start[rid], present[rid] = sv, x
            if len(opts) == 1:
                on[(rid, opts[0][0])] = x
            else:
                for d, _, _ in opts:
                    on[(rid, d)] = model.new_bool_var(f"x{rid}_{d}")
                model.add(sum(on[(rid, d)] for d, _, _ in opts) == x)
            for d, f, la in opts:
                lit = on[(rid, d)]
                per_dyno[d].append(
                    model.new_optional_fixed_size_interval_var(sv, r.days, lit, f"i{rid}_{d}")
                )
                if f > first:
                    model.add(sv >= f).only_enforce_if(lit)
                if la < last:
                    model.add(sv <= la).only_enforce_if(lit)
                span[d] = (
                    min(span.get(d, (f, 0))[0], f),
                    max(span.get(d, (0, la + r.days))[1], la + r.days),
                )
            per_vehicle[r.vehicle].append(
                model.new_optional_fixed_size_interval_var(sv, r.days, x, f"v{rid}")
            )
            desired = self.desired[rid]
            max_late += max(0, last - desired)
            if first >= desired:
                late_terms += [(1, sv), (first - desired, x)]
                late_offset -= first
            else:
                late = model.new_int_var(0, max(0, last - desired), f"l{rid}")
                if last > desired:
                    model.add(late >= sv - desired).only_enforce_if(x)
                late_terms.append((1, late))
            if not must:
                unplaced_terms.append((r.priority, x))
        if not start:
            return None, 0.0, True
        for rid in start:
            for p in self.predecessors[rid]:
                if p in start:
                    model.add_implication(present[rid], present[p])
                    model.add(start[rid] >= start[p] + self.requests[p].days).only_enforce_if(
                        present[rid]
                    )
        for d, intervals in per_dyno.items():
            lo, hi = span[d]
            spans = merged(
                [(a, b) for a, b in self.dyno_fixed.get(d, []) if a < hi and b > lo]
                + [(a, b) for a, b in fixed_on.get(d, []) if a < hi and b > lo]
            )
            fixed = [model.new_fixed_size_interval_var(a, b - a, f"d{d}@{a}") for a, b in spans]
            if len(intervals) + len(fixed) > 1:
                model.add_no_overlap(intervals + fixed)
        for vehicle, intervals in per_vehicle.items():
            spans = list(self.vehicle_fixed.get(vehicle, []))
            for mate in self.by_vehicle[vehicle]:
                if mate not in start and mate in placed:
                    s0 = placed[mate][1]
                    spans.append((s0, s0 + self.requests[mate].days))
            fixed = [
                model.new_fixed_size_interval_var(a, b - a, f"b{vehicle}@{a}")
                for a, b in merged(spans)
            ]
            if len(intervals) + len(fixed) > 1:
                model.add_no_overlap(intervals + fixed)
        w_placed = 1 + max_late
        model.minimize(
            w_placed * sum(p for p, _ in unplaced_terms)
            - w_placed
            * cp_model.LinearExpr.weighted_sum(
                [x for _, x in unplaced_terms], [p for p, _ in unplaced_terms]
            )
            + cp_model.LinearExpr.weighted_sum(
                [v for _, v in late_terms], [c for c, _ in late_terms]
            )
            + late_offset
        )
        for rid in start:
            if rid in placed:
                d, s0 = placed[rid]
                model.add_hint(start[rid], s0)
                model.add_hint(present[rid], 1)
                for (r2, d2), lit in on.items():
                    if r2 == rid and lit is not present[rid]:
                        model.add_hint(lit, int(d2 == d))
            else:
                model.add_hint(start[rid], start[rid].proto.domain[0])
                model.add_hint(present[rid], 0)
                for (r2, _), lit in on.items():
                    if r2 == rid and lit is not present[rid]:
                        model.add_hint(lit, 0)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_deterministic_time = work
        solver.parameters.max_time_in_seconds = max(0.01, seconds)
        status = solver.solve(model)
        used = solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, used, False
        result: Placement = {}
        for (rid, d), lit in on.items():
            if solver.value(lit):
                result[rid] = (d, solver.value(start[rid]))
        return result, used, status == cp_model.OPTIMAL


def improve(
    problem: Problem,
    screened: Screened,
    placed: Placement,
    *,
    seed: int,
    work: float,
    deadline: float,
    num_workers: int = 1,
    on_step: Callable[[Placement], None] | None = None,
) -> tuple[Placement, Stats]:
    """Improve `placed` (never worse) until `work` deterministic time is spent or the wall clock
    reaches `deadline` (a `time.perf_counter()` value)."""
    began = time.perf_counter()
    search = Search(problem, screened)
    rng = random.Random(seed)
    placed = dict(placed)
    stats = Stats()
    size = _FIRST_SIZE
    current = search.key(placed)
    workers = max(1, num_workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        stale = 0
        while stats.work < work and stale < _STALE_STEPS and time.perf_counter() < deadline:
            if search.key(placed)[:2] == search.ideal(placed):
                break  # every request placed, none later than it can start: nothing to gain
            batch: list[tuple[set[int], set[int]]] = []
            taken_dynos: set[int] = set()
            taken_vehicles: set[str] = set()
            for _ in range(workers * 3):
                if len(batch) == workers:
                    break
                free, dynos = search.neighbourhood(placed, rng, size)
                vehicles = {search.requests[r].vehicle for r in free}
                if dynos & taken_dynos or vehicles & taken_vehicles:
                    continue
                batch.append((free, dynos))
                taken_dynos |= dynos
                taken_vehicles |= vehicles
            seconds = deadline - time.perf_counter()
            futures = [
                pool.submit(
                    search.resolve,
                    placed,
                    free,
                    dynos,
                    seed=seed + stats.steps + i,
                    work=_STEP_WORK,
                    seconds=seconds,
                )
                for i, (free, dynos) in enumerate(batch)
            ]
            optimal = 0
            touched_dynos: set[int] = set()
            touched_vehicles: set[str] = set()
            for (free, _), future in zip(batch, futures, strict=True):
                result, used, proved = future.result()
                stats.steps += 1
                stats.work += max(used, _MIN_STEP_WORK)
                stale += 1
                optimal += proved
                if result is None:
                    continue
                # Results solved side by side stay valid together only when they touch
                # different dynos and vehicles (the first one always applies).
                dynos = {placed[r][0] for r in free if r in placed} | {
                    d for d, _ in result.values()
                }
                vehicles = {search.requests[r].vehicle for r in free}
                if dynos & touched_dynos or vehicles & touched_vehicles:
                    continue
                trial = {r: v for r, v in placed.items() if r not in free} | result
                key = search.key(trial)
                if (key[0], -key[1]) >= (current[0], -current[1]):
                    if key[:2] != current[:2]:
                        stale = 0
                        stats.improved += 1
                        stats.history.append(key)
                    placed, current = trial, key
                    touched_dynos |= dynos
                    touched_vehicles |= vehicles
            if optimal == len(batch):
                size = min(_MAX_SIZE, int(size * 1.15) + 1)
            elif optimal == 0:
                size = max(_MIN_SIZE, int(size * 0.85))
    stats.by_clock = stats.work < work and stale < _STALE_STEPS
    stats.seconds = time.perf_counter() - began
    return placed, stats
