"""Scheduling benchmark: availability search and auto-allocation on a realistic lab.

Run: `uv run python bench/bench_scheduling.py [--queries 300] [--bookings 300] [--history 4000]`

It starts a throwaway embedded PostgreSQL (or uses DATABASE_URL's server), loads the demo lab (the
workbook's 23 dynos and rules), adds `--history` past allocations so the tables are not toy-sized,
then measures, in the same run:

1. availability search through the engine (one indexed rules query + overlap queries), against a
   baseline that does what a naive ORM app does: load every dyno, rule, booking and maintenance
   window and filter in Python. Both must return the same free dynos for every query;
2. sequential auto-allocations (each its own transaction, as over the API);
3. concurrent auto-allocations for one window (the contention case), with the placed/refused split
   and the insert attempts each request made (counted by a listener on the engine's INSERTs), once
   as is and once while bookings the requests have already read are moved to days they try next.

It prints figures only; nothing here passes or fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from scratch_db import scratch_database
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dyno_agent import errors
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo.loader import load_demo
from dyno_agent.scheduling import booking, clock
from dyno_agent.scheduling.availability import Need, availability_for
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule, MaintenanceWindow, Vehicle
from dyno_agent.scheduling.windows import Window

TODAY = dt.date(2026, 3, 2)
ACTOR = Actor.system(Channel.cli)
TESTS = ["150k mileage", "4k certification", "brake", "emissions", "durability", "coastdown"]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(
        f"  {name:<34} n={len(ms):<5} mean={statistics.fmean(ms):7.2f} ms  "
        f"p50={percentile(ms, 0.5):7.2f} ms  p95={percentile(ms, 0.95):7.2f} ms"
    )


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await call()
    return time.perf_counter() - start, result


async def add_history(engine: AsyncEngine, count: int, rng: random.Random) -> None:
    """Past, completed allocations spread over two years, packed without overlaps."""
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        await session.execute(text("SELECT set_config('dyno.channel', 'import', true)"))
        dynos = list(await session.scalars(select(Dyno.id)))
        vehicles = list(await session.scalars(select(Vehicle.id)))
        cursor = {d: TODAY - dt.timedelta(days=730) for d in dynos}
        vehicle_free = {v: TODAY - dt.timedelta(days=730) for v in vehicles}
        serviced = [
            (m.dyno_id, m.start_date, m.end_date)
            for m in await session.scalars(select(MaintenanceWindow))
        ]
        rows = []
        for _ in range(count):
            dyno = rng.choice(dynos)
            vehicle = rng.choice(vehicles)
            start = max(cursor[dyno], vehicle_free[vehicle])
            end = start + dt.timedelta(days=rng.randint(0, 3))
            for dyno_id, m_start, m_end in serviced:
                if dyno_id == dyno and start <= m_end and m_start <= end:
                    start = m_end + dt.timedelta(days=1)
                    end = start + dt.timedelta(days=rng.randint(0, 3))
            if end >= TODAY - dt.timedelta(days=40):
                continue
            cursor[dyno] = vehicle_free[vehicle] = end + dt.timedelta(days=1)
            rows.append({"v": vehicle, "d": dyno, "s": start, "e": end, "t": rng.choice(TESTS)})
        await session.execute(
            text(
                "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date,"
                " status) VALUES (:v, :d, :t, :s, :e, 'completed')"
            ),
            rows,
        )
    print(f"  history: {len(rows)} completed allocations added")


async def naive_free(engine: AsyncEngine, need: Need, window: Window) -> list[str]:
    """Baseline: load everything, filter in Python (no index use, no SQL predicates)."""
    factory = make_session_factory(engine)
    async with factory() as session:
        dynos = list(await session.scalars(select(Dyno)))
        rules = list(await session.scalars(select(DynoRule)))
        bookings = list(await session.scalars(select(Allocation)))
        maintenance = list(await session.scalars(select(MaintenanceWindow)))
    free = []
    for dyno in dynos:
        compatible = any(
            r.dyno_id == dyno.id
            and r.test_type == need.test_type
            and r.drive_type in (need.drive_type, "any")
            and r.weight_class in (need.weight_class, "any")
            for r in rules
        )
        in_window = (not dyno.available_from or window.start >= dyno.available_from) and (
            not dyno.available_to or window.end <= dyno.available_to
        )
        busy = any(
            a.dyno_id == dyno.id
            and a.status != "cancelled"
            and window.overlaps(a.start_date, a.end_date)
            for a in bookings
        )
        serviced = any(
            m.dyno_id == dyno.id and window.overlaps(m.start_date, m.end_date) for m in maintenance
        )
        if compatible and dyno.enabled and in_window and not busy and not serviced:
            free.append(dyno.name)
    return sorted(free)


async def engine_free(engine: AsyncEngine, need: Need, window: Window) -> list[str]:
    factory = make_session_factory(engine)
    async with factory() as session:
        result = await availability_for(session, need, window)
    return sorted(d.name for d in result.free)


def random_need(rng: random.Random) -> tuple[Need, Window]:
    need = Need(rng.choice(TESTS), rng.choice(["2WD", "AWD", "4WD"]), rng.choice(["<10K", ">10K"]))
    start = TODAY + dt.timedelta(days=rng.randint(0, 60))
    return need, Window(start, start + dt.timedelta(days=rng.randint(0, 9)))


async def bench_availability(engine: AsyncEngine, queries: int, rng: random.Random) -> None:
    print(f"\nAvailability search ({queries} random queries, same queries for both):")
    cases = [random_need(rng) for _ in range(queries)]
    ours, naive = [], []
    for need, window in cases:
        t_ours, got = await timed(lambda n=need, w=window: engine_free(engine, n, w))
        t_naive, expected = await timed(lambda n=need, w=window: naive_free(engine, n, w))
        if got != expected:
            raise SystemExit(f"MISMATCH for {need} {window}: engine {got} != baseline {expected}")
        ours.append(t_ours)
        naive.append(t_naive)
    report("engine (indexed SQL)", ours)
    report("baseline (load all, filter in Python)", naive)
    print(
        f"  engine vs baseline: {statistics.fmean(naive) / statistics.fmean(ours):.1f}x faster "
        f"on mean; answers identical for all {queries} queries"
    )


INSERTS = "inserts"  # key in the connection's info: (dyno_id, start_date) of each insert tried


def count_inserts(engine: AsyncEngine) -> None:
    """Record every INSERT into allocations on the connection that ran it."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("INSERT INTO allocations") and isinstance(params, dict):
            conn.info.setdefault(INSERTS, []).append((params["dyno_id"], params["start_date"]))


async def book_once(
    engine: AsyncEngine,
    vehicle_id: int,
    start: dt.date,
    days: int,
    attempts: list[list[tuple[int, dt.date]]] | None = None,
) -> object:
    factory = make_session_factory(engine)
    try:
        async with factory() as session, session.begin():
            connection = await session.connection()
            tried: list[tuple[int, dt.date]] = []
            connection.info[INSERTS] = tried
            if attempts is not None:
                attempts.append(tried)
            result = await booking.auto_allocate(
                session,
                ACTOR,
                vehicle_id=vehicle_id,
                test_type="brake",
                start_date=start,
                days_to_complete=days,
                backup=True,
                max_backup_days=14,
            )
            return result.allocation.id
    except errors.DomainError as exc:
        return exc


async def fresh_vehicles(engine: AsyncEngine, count: int, prefix: str) -> list[int]:
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        ids = []
        for n in range(count):
            vehicle = Vehicle(
                tag=f"{prefix}-{n:06d}", drive_type="AWD", weight_class="<10K", weight_lbs=5000
            )
            session.add(vehicle)
            await session.flush()
            ids.append(vehicle.id)
        return ids


async def bench_booking(engine: AsyncEngine, bookings: int, rng: random.Random) -> None:
    print(f"\nAuto-allocation, sequential ({bookings} bookings, one transaction each):")
    vehicles = await fresh_vehicles(engine, bookings, "1BNCH")
    samples, placed = [], 0
    for vehicle_id in vehicles:
        start = TODAY + dt.timedelta(days=rng.randint(60, 400))
        elapsed, result = await timed(lambda v=vehicle_id, s=start: book_once(engine, v, s, 3))
        samples.append(elapsed)
        placed += isinstance(result, int)
    report("auto_allocate", samples)
    print(f"  placed {placed}/{bookings}; {bookings / sum(samples):.0f} bookings/s")

    await bench_contention(engine, TODAY + dt.timedelta(days=500), movers=0)
    await bench_contention(engine, TODAY + dt.timedelta(days=600), movers=6)


async def move_once(engine: AsyncEngine, allocation_id: int, start: dt.date) -> object:
    factory = make_session_factory(engine)
    try:
        async with factory() as session, session.begin():
            await booking.reschedule_allocation(session, ACTOR, allocation_id, start)
            return allocation_id
    except errors.DomainError as exc:
        return exc


async def bench_contention(engine: AsyncEngine, start: dt.date, movers: int) -> None:
    """50 requests for one window; with `movers`, bookings the requests have already read (ten
    days later, inside their backup span) are moved to days they will try next, while they run."""
    concurrent = 50
    title = f"Auto-allocation, {concurrent} concurrent requests for one 3-day window"
    moves = f" while {movers} bookings move into its backup days" if movers else ""
    print(f"\n{title}{moves}:")
    moving = []
    for vehicle_id in await fresh_vehicles(engine, movers, f"1MV{start:%j}"):
        moving.append(await book_once(engine, vehicle_id, start + dt.timedelta(days=10), 1))
    vehicles = await fresh_vehicles(engine, concurrent, f"1CN{start:%j}")
    attempts: list[list[tuple[int, dt.date]]] = []

    async def move_soon(allocation_id: object) -> object:
        await asyncio.sleep(0.2)  # once the requests have read the lab, before they get there
        return await move_once(engine, int(str(allocation_id)), start + dt.timedelta(days=6))

    began = time.perf_counter()
    results = await asyncio.gather(
        *(book_once(engine, v, start, 3, attempts) for v in vehicles),
        *(move_soon(a) for a in moving),
    )
    wall = time.perf_counter() - began
    ok = sum(isinstance(r, int) for r in results[:concurrent])
    moved = sum(isinstance(r, int) for r in results[concurrent:])
    print(
        f"  wall {wall * 1000:.0f} ms; placed {ok}, refused {concurrent - ok}"
        + (f"; moved {moved} of {movers}" if movers else "")
    )
    counts = [len(tried) for tried in attempts]
    repeats = [max(Counter(tried).values(), default=1) - 1 for tried in attempts]
    print(
        f"  insert attempts per request: total {sum(counts)}, mean {statistics.fmean(counts):.1f},"
        f" max {max(counts)}; most retries of one dyno for one window: {max(repeats)}"
    )
    async with engine.connect() as conn:
        overlaps = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM allocations a JOIN allocations b ON a.id < b.id"
                    " AND a.dyno_id = b.dyno_id AND a.status <> 'cancelled'"
                    " AND b.status <> 'cancelled'"
                    " AND a.start_date <= b.end_date AND b.start_date <= a.end_date"
                )
            )
        ).scalar_one()
    print(f"  overlapping bookings in the database afterwards: {overlaps}")


async def main(args: argparse.Namespace) -> None:
    clock.today = lambda: TODAY  # pin "today" so runs are comparable
    rng = random.Random(20261123)
    with scratch_database("dyno_bench") as url:
        engine = make_engine(url, pool_size=20)
        try:
            print("Setup:")
            async with make_session_factory(engine)() as session, session.begin():
                summary = await load_demo(session)
            print(f"  demo lab loaded: {summary}")
            await add_history(engine, args.history, rng)
            count_inserts(engine)
            await bench_availability(engine, args.queries, rng)
            await bench_booking(engine, args.bookings, rng)
        finally:
            await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--history", type=int, default=4000)
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
