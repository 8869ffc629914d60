"""An independent check of any plan against its problem: what a plan must never do."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from dyno_agent.planning.problem import Problem
from dyno_agent.planning.result import Plan

_REASONS = {"no_compatible_dyno", "capacity", "vehicle_chain", "bad_data"}


def violations(problem: Problem, plan: Plan) -> list[str]:
    """Every broken rule of the plan, as sentences; an empty list for a valid plan."""
    found: list[str] = []
    by_id = {r.id: r for r in problem.requests}
    seen = [a.request_id for a in plan.assignments] + [u.request_id for u in plan.unplaced]
    if sorted(seen) != sorted(by_id):
        found.append("every request must be either assigned or unplaced, exactly once")
    found += [
        f"request {u.request_id}: unknown reason {u.reason}"
        for u in plan.unplaced
        if u.reason not in _REASONS
    ]
    dyno_spans: dict[int, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    vehicle_spans: dict[str, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for busy in problem.busy:
        if busy.dyno_id is not None:
            dyno_spans[busy.dyno_id].append((busy.start, busy.end, f"fixed {busy.label}"))
        if busy.vehicle is not None:
            vehicle_spans[busy.vehicle].append((busy.start, busy.end, f"fixed {busy.label}"))
    placed = {a.request_id: a for a in plan.assignments}
    for a in plan.assignments:
        r = by_id.get(a.request_id)
        if r is None:
            continue
        name = f"request {r.id}"
        if a.dyno_id not in problem.compatible(r):
            found.append(f"{name}: dyno {a.dyno_id} may not run it")
        if (a.end - a.start).days + 1 != r.days:
            found.append(f"{name}: lasts {(a.end - a.start).days + 1} days, not {r.days}")
        first, last = problem.dyno_start_range(r, problem.dyno_by_id[a.dyno_id])
        if not first <= problem.day(a.start) <= last:
            found.append(f"{name}: starts {a.start}, outside its dates, horizon or commissioning")
        if a.lateness_days != max(0, (a.start - r.desired_start).days):
            found.append(f"{name}: lateness {a.lateness_days} is wrong")
        dyno_spans[a.dyno_id].append((a.start, a.end, name))
        vehicle_spans[r.vehicle].append((a.start, a.end, name))
        for busy in problem.busy:
            if busy.vehicle != r.vehicle or busy.step is None:
                continue
            if busy.step < r.step and a.start <= busy.end:
                found.append(f"{name}: starts before its vehicle's earlier booked step ends")
            if busy.step > r.step and a.end >= busy.start:
                found.append(f"{name}: ends after its vehicle's later booked step starts")
        for other in problem.requests:
            if other.vehicle == r.vehicle and other.step < r.step:
                earlier = placed.get(other.id)
                if earlier is None:
                    found.append(f"{name}: placed while earlier step request {other.id} is not")
                elif earlier.end >= a.start:
                    found.append(f"{name}: starts before earlier step request {other.id} ends")
    for owner, spans in [*dyno_spans.items(), *vehicle_spans.items()]:
        spans.sort()
        for i, (_, end, name) in enumerate(spans):
            for other_start, _, other_name in spans[i + 1 :]:
                if other_start > end:
                    break
                if not (name.startswith("fixed") and other_name.startswith("fixed")):
                    found.append(f"{owner}: {name} and {other_name} overlap")
    return found
