"""The CP-SAT model and its lexicographic solve.

Variables, per placeable request r: a start day `s_r`, a presence literal `x_r`, and per dyno d
that may run it a literal `x_rd` with an optional fixed-size interval `[s_r, s_r + days)`; the
`x_rd` sum to `x_r` (placed on exactly one dyno, or unplaced). Per dyno, NoOverlap over its
optional intervals plus its fixed spans (allocations, maintenance); per vehicle, NoOverlap over
its requests plus its booked spans. Mileage steps: a request may be placed only when every request
of the vehicle's previous step is placed, and starts after they end. No per-day variables, so the
model grows with requests × compatible dynos, not with the horizon.

Objectives, in order, each solved with the previous one's value fixed as a constraint and the
previous solution as a hint: (1) maximise the placed priority, (2) minimise total lateness
(days after the desired start; starting earlier costs nothing), (3) minimise the dyno-days taken
on scarce dynos (the engine's pressure), so the tie-breaking is the engine's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from dyno_agent.planning.candidates import Screened, screen
from dyno_agent.planning.greedy import build_plan, portfolio
from dyno_agent.planning.lns import Search, improve
from dyno_agent.planning.problem import Problem, merged
from dyno_agent.planning.result import Plan, Stage, Unplaced

DEFAULT_TIME_LIMIT_S = 30.0
PRESSURE_SCALE = 1000
# Up to this many placeable requests the whole model is solved (and proved optimal when it can).
EXACT_MAX_REQUESTS = 60
# The default deterministic-time budget per second of the time limit (CP-SAT's units; see solve).
WORK_PER_SECOND = 0.03
# Shares of the time left that stages 1 and 2 may use (stage 3 gets what remains).
_STAGE_SHARES = (0.3, 0.8, 1.0)
# Shares of `work_limit` per stage.
_STAGE_WORK = (0.3, 0.6, 0.1)


@dataclass
class _Model:
    model: cp_model.CpModel
    start: dict[int, cp_model.IntVar] = field(default_factory=dict)
    present: dict[int, cp_model.IntVar] = field(default_factory=dict)
    on: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    late: dict[int, cp_model.IntVar] = field(default_factory=dict)
    groups: dict[int, list[int]] = field(default_factory=dict)  # first dyno id -> members
    terms: dict[str, list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)

    def objective(self, name: str) -> cp_model.LinearExprT:
        terms = self.terms[name]
        expr = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
        return expr + self.offsets.get(name, 0)

    def evaluate(self, name: str, values: dict[cp_model.IntVar, int]) -> int:
        return self.offsets.get(name, 0) + sum(c * values[v] for c, v in self.terms[name])


def solve(
    problem: Problem,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    num_workers: int = 1,
    seed: int = 0,
    work_limit: float | None = None,
) -> Plan:
    """The best plan found within the time limit (never worse than the greedy baseline).

    Every search starts from the best of a few greedy plans (`greedy.portfolio`). Up to
    `EXACT_MAX_REQUESTS` placeable requests, the whole model is solved in stages and proved
    optimal where time allows. Larger problems are improved by large-neighbourhood search
    (`lns.improve`): small parts of the plan re-solved exactly, `num_workers` at a time.

    Deterministic for the same input and seed: each CP-SAT call is capped in deterministic time
    (`work_limit`, by default `WORK_PER_SECOND` × the time limit, shared by the stages or spent
    by the neighbourhood search), so the plan repeats whenever that budget runs out before the
    wall-clock limit, which stays a hard cap (a stage cut by the clock says `TIME_LIMIT`)."""
    began = time.perf_counter()
    screened = screen(problem)
    if not screened.options:
        return build_plan(
            problem, {}, screened.unplaced, "OPTIMAL", (), time.perf_counter() - began
        )
    work = work_limit if work_limit is not None else WORK_PER_SECOND * time_limit_s
    search = Search(problem, screened)
    hint = max(
        (_placement(problem, plan) for plan in portfolio(problem, screened)),
        key=lambda placed: _rank(search.key(placed)),
    )
    if len(screened.options) > EXACT_MAX_REQUESTS:
        return _improved(
            problem, screened, search, hint, began, time_limit_s, num_workers, seed, work
        )
    m = _build(problem, screened)
    values = _values_of(m, problem, build_plan(problem, hint, {}, "GREEDY", (), 0.0))
    stages: list[Stage] = []
    spent = 0.0
    for index, (name, sense) in enumerate(
        (("placed", "max"), ("lateness", "min"), ("pressure", "min"))
    ):
        if name == "placed" and m.evaluate(name, values) == sum(c for c, _ in m.terms[name]):
            best = float(m.evaluate(name, values))
            stages.append(Stage(name, "OPTIMAL", best, best, 0.0))
            m.model.add(m.objective(name) >= int(best))
            continue
        left = time_limit_s - (time.perf_counter() - began)
        budget = max(0.05, left * _STAGE_SHARES[index])
        objective = m.objective(name)
        (m.model.maximize if sense == "max" else m.model.minimize)(objective)
        m.model.clear_hints()
        for var, value in values.items():
            m.model.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = num_workers
        solver.parameters.random_seed = seed
        solver.parameters.interleave_search = num_workers > 1
        solver.parameters.max_deterministic_time = work * _STAGE_WORK[index]
        stage_began = time.perf_counter()
        status = solver.solve(m.model)
        seconds = time.perf_counter() - stage_began
        spent += solver.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = {var: solver.value(var) for var in values}
            best, bound = solver.objective_value, solver.best_objective_bound
        else:
            # Nothing found in time: keep the previous solution (the hint), bound unknown.
            best = float(m.evaluate(name, values))
            bound = float(sum(c for c, _ in m.terms[name])) if sense == "max" else 0.0
        status_name = solver.status_name(status)
        if (
            status != cp_model.OPTIMAL
            and solver.deterministic_time < work * _STAGE_WORK[index] * 0.99
        ):
            status_name = "TIME_LIMIT"
        stages.append(Stage(name, status_name, best, bound, seconds))
        # Lock this objective's value in before optimising the next one.
        value = m.evaluate(name, values)
        m.model.add(objective >= value if sense == "max" else objective <= value)
    return _plan(problem, screened, m, values, tuple(stages), time.perf_counter() - began, spent)


def _build(problem: Problem, screened: Screened) -> _Model:
    m = _Model(cp_model.CpModel())
    model = m.model
    requests = {r.id: r for r in problem.requests if r.id in screened.options}
    dyno_busy, vehicle_busy = problem.fixed_intervals()
    per_dyno: dict[int, list[cp_model.IntervalVar]] = {}
    per_vehicle: dict[str, list[cp_model.IntervalVar]] = {}
    placed_terms: list[tuple[int, cp_model.IntVar]] = []
    late_terms: list[tuple[int, cp_model.IntVar]] = []
    pressure_terms: list[tuple[int, cp_model.IntVar]] = []
    late_offset = 0
    m.groups = _interchangeable(problem, dyno_busy)
    group_of = {d: g for g, members in m.groups.items() for d in members}
    for rid, request in requests.items():
        # One alternative per group of interchangeable dynos (their options are identical).
        options = tuple({group_of[o.dyno_id]: o for o in reversed(screened.options[rid])}.values())
        options = tuple(sorted(options, key=lambda o: o.dyno_id))
        first, last = screened.first(rid), screened.last(rid)
        start = model.new_int_var(first, last, f"s{rid}")
        present = model.new_bool_var(f"x{rid}")
        m.start[rid], m.present[rid] = start, present
        for option in options:
            group = group_of[option.dyno_id]
            on = present if len(options) == 1 else model.new_bool_var(f"x{rid}_{group}")
            m.on[(rid, group)] = on
            interval = model.new_optional_fixed_size_interval_var(
                start, request.days, on, f"i{rid}_{option.dyno_id}"
            )
            per_dyno.setdefault(group, []).append(interval)
            if option.first > first:
                model.add(start >= option.first).only_enforce_if(on)
            if option.last < last:
                model.add(start <= option.last).only_enforce_if(on)
            cost = round(PRESSURE_SCALE * problem.pressure(option.dyno_id, request.test_type))
            if cost:
                pressure_terms.append((cost * request.days, on))
        if len(options) > 1:
            model.add(sum(m.on[(rid, group_of[o.dyno_id])] for o in options) == present)
        per_vehicle.setdefault(request.vehicle, []).append(
            model.new_optional_fixed_size_interval_var(start, request.days, present, f"v{rid}")
        )
        desired = problem.day(request.desired_start)
        if first >= desired:
            # Never early: lateness is (start - first) + (first - desired) when placed; an
            # unplaced request's free start settles on `first` and costs nothing. Linear in the
            # start itself, with no enforced constraint.
            late_terms.append((1, start))
            late_terms.append((first - desired, present))
            late_offset -= first
        else:
            late = model.new_int_var(0, max(0, last - desired), f"l{rid}")
            if last > desired:
                model.add(late >= start - desired).only_enforce_if(present)
            m.late[rid] = late
            late_terms.append((1, late))
        placed_terms.append((request.priority, present))
    for rid in requests:
        for before in screened.predecessors.get(rid, ()):
            model.add_implication(m.present[rid], m.present[before])
            model.add(m.start[rid] >= m.start[before] + requests[before].days).only_enforce_if(
                m.present[rid]
            )
    for dyno_id, intervals in per_dyno.items():
        if len(m.groups[dyno_id]) > 1:  # identical dynos without fixed spans: a pool of k
            model.add_cumulative(intervals, [1] * len(intervals), len(m.groups[dyno_id]))
            continue
        fixed = [
            model.new_fixed_size_interval_var(a, b - a, f"d{dyno_id}@{a}")
            for a, b in dyno_busy.get(dyno_id, [])
        ]
        if len(intervals) + len(fixed) > 1:
            model.add_no_overlap(intervals + fixed)
    for vehicle, intervals in per_vehicle.items():
        steps = [r.step for r in requests.values() if r.vehicle == vehicle]
        if len(set(steps)) == len(steps) and vehicle not in vehicle_busy:
            continue  # distinct steps: the step order already keeps them apart
        spans = merged(
            (max(problem.day(busy.start), 0), problem.day(busy.end) + 1)
            for busy in vehicle_busy.get(vehicle, [])
        )
        fixed = [
            model.new_fixed_size_interval_var(a, b - a, f"b{vehicle}@{a}")
            for a, b in spans
            if b > a
        ]
        if len(intervals) + len(fixed) > 1:
            model.add_no_overlap(intervals + fixed)
    m.terms = {"placed": placed_terms, "lateness": late_terms, "pressure": pressure_terms}
    m.offsets = {"lateness": late_offset}
    return m


def _values_of(m: _Model, problem: Problem, plan: Plan) -> dict[cp_model.IntVar, int]:
    """A full assignment of the model's variables from a plan (used as the first hint)."""
    values: dict[cp_model.IntVar, int] = {}
    for rid, start in m.start.items():
        assignment = plan.assignment(rid)
        values[m.present[rid]] = int(assignment is not None)
        values[start] = problem.day(assignment.start) if assignment else start.proto.domain[0]
        if rid in m.late:
            values[m.late[rid]] = assignment.lateness_days if assignment else 0
    group_of = {d: g for g, members in m.groups.items() for d in members}
    for (rid, group), on in m.on.items():
        assignment = plan.assignment(rid)
        values[on] = int(assignment is not None and group_of[assignment.dyno_id] == group)
    return values


def _plan(
    problem: Problem,
    screened: Screened,
    m: _Model,
    values: dict[cp_model.IntVar, int],
    stages: tuple[Stage, ...],
    seconds: float,
    work: float,
) -> Plan:
    in_group: dict[int, list[tuple[int, int]]] = {}
    for (rid, group), on in m.on.items():
        if values[on]:
            in_group.setdefault(group, []).append((values[m.start[rid]], rid))
    placed = _assign_dynos(problem, m.groups, in_group)
    optimal = all(s.status == "OPTIMAL" for s in stages)
    return _final(
        problem, screened, placed, "OPTIMAL" if optimal else "FEASIBLE", stages, seconds, work
    )


def _final(
    problem: Problem,
    screened: Screened,
    placed: dict[int, tuple[int, int]],
    status: str,
    stages: tuple[Stage, ...],
    seconds: float,
    work: float = 0.0,
) -> Plan:
    """The plan, with a reason for every placeable request left out."""
    unplaced = dict(screened.unplaced)
    for rid in screened.options:
        if rid in placed:
            continue
        missing = [p for p in screened.predecessors.get(rid, ()) if p not in placed]
        unplaced[rid] = (
            Unplaced(
                rid, "vehicle_chain", f"an earlier mileage step (request {missing[0]}) is unplaced"
            )
            if missing
            else Unplaced(rid, "capacity", "every compatible dyno is full until the horizon")
        )
    return build_plan(problem, placed, unplaced, status, stages, seconds, work)


def _placement(problem: Problem, plan: Plan) -> dict[int, tuple[int, int]]:
    return {a.request_id: (a.dyno_id, problem.day(a.start)) for a in plan.assignments}


def _rank(key: tuple[int, int, int]) -> tuple[int, int, int]:
    """(placed priority, lateness, pressure) as a key to maximise."""
    return (key[0], -key[1], -key[2])


def _improved(
    problem: Problem,
    screened: Screened,
    search: Search,
    hint: dict[int, tuple[int, int]],
    began: float,
    time_limit_s: float,
    num_workers: int,
    seed: int,
    work: float,
) -> Plan:
    """Large-neighbourhood search from the hint, then the pressure pass. The bounds are the
    simple ones (every placeable request placed, each no later than it can start), so the gap
    says how far from those the plan is, not how far from the optimum."""
    deadline = began + time_limit_s * 0.95
    placed, stats = improve(
        problem, screened, hint, seed=seed, work=work, deadline=deadline, num_workers=num_workers
    )
    placed = search.relieve_scarce(placed)
    status = "TIME_LIMIT" if stats.by_clock else "FEASIBLE"
    value, lateness, pressure = search.key(placed)
    best_value, least_late = search.ideal(placed)
    stages = (
        Stage("placed", "OPTIMAL" if value == best_value else status, value, best_value, 0.0),
        Stage(
            "lateness",
            "OPTIMAL" if lateness == least_late else status,
            lateness,
            least_late,
            stats.seconds,
        ),
        Stage("pressure", status, pressure, pressure, 0.0),
    )
    proved = all(s.status == "OPTIMAL" for s in stages[:2])
    return _final(
        problem,
        screened,
        placed,
        "OPTIMAL" if proved else "FEASIBLE",
        stages,
        time.perf_counter() - began,
        stats.work,
    )


def _interchangeable(
    problem: Problem, dyno_busy: dict[int, list[tuple[int, int]]]
) -> dict[int, list[int]]:
    """Groups of dynos any plan may swap: same rules, facility and commissioning window, and no
    fixed spans (a dyno with allocations or maintenance stays on its own). Keyed by the lowest id.
    A group of k is modelled as one resource of capacity k instead of k disjunctive ones, which
    removes the symmetry between identical dynos; `_assign_dynos` names the dynos afterwards."""
    rules: dict[int, set[tuple[str, str, str]]] = {}
    for rule in problem.rules:
        rules.setdefault(rule.dyno_id, set()).add(
            (rule.test_type, rule.drive_type, rule.weight_class)
        )
    groups: dict[object, list[int]] = {}
    for dyno in sorted(problem.dynos, key=lambda d: d.id):
        key: object = (
            ("alone", dyno.id)
            if dyno.id in dyno_busy
            else (
                frozenset(rules.get(dyno.id, set())),
                (dyno.facility or "").strip().casefold(),
                dyno.enabled,
                dyno.available_from,
                dyno.available_to,
            )
        )
        groups.setdefault(key, []).append(dyno.id)
    return {members[0]: members for members in groups.values()}


def _assign_dynos(
    problem: Problem, groups: dict[int, list[int]], in_group: dict[int, list[tuple[int, int]]]
) -> dict[int, tuple[int, int]]:
    """Name a dyno for every request placed in a group: in start order, the lowest-id member
    free at its start. A pool of k never runs more than k at once, so one is always free."""
    by_id = {r.id: r for r in problem.requests}
    placed: dict[int, tuple[int, int]] = {}
    for group, starts in in_group.items():
        free_from = {dyno_id: 0 for dyno_id in groups[group]}
        for start, rid in sorted(starts):
            dyno_id = next(d for d in groups[group] if free_from[d] <= start)
            free_from[dyno_id] = start + by_id[rid].days
            placed[rid] = (dyno_id, start)
    return placed
