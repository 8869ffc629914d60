"""The planner's answer: assignments, unplaced requests with a reason, and how the solver did."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Literal

UnplacedReason = Literal["no_compatible_dyno", "capacity", "vehicle_chain", "bad_data"]
PlanStatus = Literal["OPTIMAL", "FEASIBLE", "GREEDY"]


@dataclass(frozen=True)
class Assignment:
    request_id: int
    dyno_id: int
    start: dt.date
    end: dt.date  # inclusive
    lateness_days: int  # days after the desired start, 0 when on time or earlier


@dataclass(frozen=True)
class Unplaced:
    request_id: int
    reason: UnplacedReason
    detail: str


@dataclass(frozen=True)
class Stage:
    """One step of the lexicographic optimisation (`objective` and `bound` in the stage's units)."""

    name: str
    status: str
    objective: float
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        return abs(self.bound - self.objective) / max(1.0, abs(self.objective))


@dataclass(frozen=True)
class Plan:
    """`status` is OPTIMAL when every stage was proved optimal, FEASIBLE otherwise, and GREEDY
    for the greedy baseline (or when the solver found nothing better in time). `gap` is the largest
    relative gap of the stages."""

    assignments: tuple[Assignment, ...]
    unplaced: tuple[Unplaced, ...]
    status: PlanStatus
    stages: tuple[Stage, ...] = ()
    seconds: float = 0.0
    work: float = 0.0  # CP-SAT deterministic time spent (machine-independent, unlike seconds)

    @property
    def placed(self) -> int:
        return len(self.assignments)

    @property
    def total_lateness(self) -> int:
        return sum(a.lateness_days for a in self.assignments)

    @property
    def mean_lateness(self) -> float:
        return self.total_lateness / self.placed if self.assignments else 0.0

    @property
    def gap(self) -> float:
        return max((s.gap for s in self.stages), default=0.0)

    def unplaced_by_reason(self) -> dict[str, int]:
        return dict(Counter(u.reason for u in self.unplaced))

    def assignment(self, request_id: int) -> Assignment | None:
        return next((a for a in self.assignments if a.request_id == request_id), None)

    def reason(self, request_id: int) -> UnplacedReason | None:
        return next((u.reason for u in self.unplaced if u.request_id == request_id), None)
