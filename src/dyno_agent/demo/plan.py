"""A few weeks of demo bookings around today, planned in memory before anything is written.

Everything is placed relative to `today` with a fixed seed, so the same day always gives the same
plan. Every booking is allowed by the rule table, and no dyno or vehicle is booked twice on a day
(nor a dyno during its maintenance), so the database's exclusion constraints accept all of them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from dyno_agent.demo.catalog import TEST_TYPES, compatible_dynos
from dyno_agent.demo.fleet import VehicleSpec
from dyno_agent.demo.workbook import WORKBOOK_MAINTENANCE

SEED = 7_301
DAYS_BEFORE = 28
DAYS_AFTER = 35
ROUNDS = 3  # bookings per vehicle, at most

# Typical length in days of each test, and how often the lab books it.
DURATIONS: dict[str, tuple[int, int]] = {
    "150k mileage": (14, 45),
    "4k certification": (3, 6),
    "not cert-durability": (8, 15),
    "evap": (3, 5),
    "brake": (2, 4),
    "emissions": (2, 4),
    "durability": (10, 20),
    "coastdown": (1, 2),
}
FREQUENCY: dict[str, int] = {
    "150k mileage": 5,
    "4k certification": 5,
    "not cert-durability": 1,
    "evap": 1,
    "brake": 3,
    "emissions": 3,
    "durability": 2,
    "coastdown": 1,
}

# Demo maintenance ahead of today: (dyno, first day offset, last day offset, reason).
FUTURE_MAINTENANCE: tuple[tuple[str, int, int, str], ...] = (
    ("MPG 3", 9, 11, "Roll calibration"),
    ("VTS #2", 20, 24, "Annual service"),
    ("Track", 3, 4, "Surface repair"),
)


# Kept free over the next two weeks so the documented first steps work on a fresh demo whatever
# today is ("Book vehicle 5 for a brake test next Monday for 2 days"): one brake dyno and vehicle 5
# (index 4; vehicles get ids in list order in a fresh database).
KEEP_FREE_DYNOS = ("TRP #3",)
KEEP_FREE_VEHICLES = (4,)
KEEP_FREE_DAYS = (1, 14)


@dataclass(frozen=True)
class PlannedMaintenance:
    dyno: str
    start: dt.date
    end: dt.date
    reason: str


@dataclass(frozen=True)
class PlannedAllocation:
    vehicle: int  # index into the vehicle list
    dyno: str
    test_type: str
    start: dt.date
    end: dt.date
    status: str
    owner: str  # a demo user's email


def maintenance_plan(today: dt.date) -> list[PlannedMaintenance]:
    windows = [PlannedMaintenance(d, s, e, r) for d, s, e, r in WORKBOOK_MAINTENANCE]
    for dyno, first, last, reason in FUTURE_MAINTENANCE:
        start, end = today + dt.timedelta(days=first), today + dt.timedelta(days=last)
        windows.append(PlannedMaintenance(dyno, start, end, reason))
    return windows


def _free(spans: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> bool:
    return all(end < s or start > e for s, e in spans)


def _status(rng: random.Random, start: dt.date, end: dt.date, today: dt.date) -> str:
    if end < today:
        return "completed"
    if start <= today:
        return "running"
    return "delayed" if rng.random() < 0.2 else "scheduled"


def allocation_plan(
    vehicles: list[VehicleSpec], today: dt.date, owners: tuple[str, ...]
) -> list[PlannedAllocation]:
    """Bookings from `today - DAYS_BEFORE` to `today + DAYS_AFTER`, in every status."""
    rng = random.Random(SEED)
    first_day = today - dt.timedelta(days=DAYS_BEFORE)
    last_day = today + dt.timedelta(days=DAYS_AFTER)
    dyno_busy: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for window in maintenance_plan(today):
        dyno_busy.setdefault(window.dyno, []).append((window.start, window.end))
    vehicle_busy: dict[int, list[tuple[dt.date, dt.date]]] = {}
    kept = (
        today + dt.timedelta(days=KEEP_FREE_DAYS[0]),
        today + dt.timedelta(days=KEEP_FREE_DAYS[1]),
    )
    for name in KEEP_FREE_DYNOS:
        dyno_busy.setdefault(name, []).append(kept)
    for index in KEEP_FREE_VEHICLES:
        vehicle_busy.setdefault(index, []).append(kept)
    plan: list[PlannedAllocation] = []

    for round_ in range(ROUNDS):
        order = list(range(len(vehicles)))
        rng.shuffle(order)
        for index in order:
            if round_ and rng.random() < 0.35:
                continue
            vehicle = vehicles[index]
            drive = vehicle.drive_type.lower()
            weight_class = "<10k" if vehicle.weight_lbs <= 10_000 else ">10k"
            tests = [t for t in TEST_TYPES if compatible_dynos(t, drive, weight_class)]
            test = rng.choices(tests, weights=[FREQUENCY[t] for t in tests])[0]
            days = rng.randint(*DURATIONS[test])
            start = first_day + dt.timedelta(days=rng.randint(0, (last_day - first_day).days))
            candidates = compatible_dynos(test, drive, weight_class)
            rng.shuffle(candidates)
            for shift in range(8):
                begin = start + dt.timedelta(days=shift)
                end = begin + dt.timedelta(days=days - 1)
                if end > last_day or not _free(vehicle_busy.get(index, []), begin, end):
                    continue
                dyno = next(
                    (d for d in candidates if _free(dyno_busy.get(d, []), begin, end)), None
                )
                if dyno is None:
                    continue
                dyno_busy.setdefault(dyno, []).append((begin, end))
                vehicle_busy.setdefault(index, []).append((begin, end))
                status = _status(rng, begin, end, today)
                plan.append(
                    PlannedAllocation(index, dyno, test, begin, end, status, rng.choice(owners))
                )
                break

    plan.sort(key=lambda a: (a.start, a.dyno))
    return _with_cancellations(plan, rng)


def _with_cancellations(
    plan: list[PlannedAllocation], rng: random.Random
) -> list[PlannedAllocation]:
    """Cancel two bookings ahead of today and one that was running: a realistic few."""
    ahead = [i for i, a in enumerate(plan) if a.status in ("scheduled", "delayed")]
    done = [i for i, a in enumerate(plan) if a.status == "completed"]
    chosen = set(rng.sample(ahead, min(2, len(ahead)))) | set(rng.sample(done, min(1, len(done))))
    return [
        PlannedAllocation(**{**a.__dict__, "status": "cancelled"}) if i in chosen else a
        for i, a in enumerate(plan)
    ]
