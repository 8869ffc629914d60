"""Searching bookings' notes and references (`GET /allocations?q=`): with and without the trigram
indexes of migration 0012.

    uv run python bench/bench_note_search.py [--history 4000] [--copies 0] [--queries 200]

Loads the demo lab plus `--history` completed bookings (bench_scheduling.add_history) and, with
`--copies N`, N cancelled copies of each (cancelled rows may overlap, so the table can grow past
what the dynos' days hold), gives every booking a note of 3-12 words from a small lab vocabulary
and every third one a reference, then times
`allocations.list_allocations(q=...)` (the page and its count, as the API runs it) for words and
reference fragments, first with the indexes, then after dropping them (sequential scans). Prints
the p50/p95 of each and the plan PostgreSQL chose.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scheduling import TODAY, add_history, percentile, timed
from scratch_db import scratch_database

from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo.loader import load_demo
from dyno_agent.scheduling import allocations, clock
from dyno_agent.scheduling.allocations import AllocationFilter

WORDS = (
    "waiting", "for", "tyres", "driver", "sick", "rig", "recalibrated", "coolant", "leak",
    "fixed", "retest", "after", "software", "update", "fuel", "sample", "sent", "customer",
    "witness", "needed", "ambient", "too", "hot", "cold", "start", "emissions", "bag",
    "analyser", "drift", "checked", "brake", "pads", "swapped", "axle", "weights", "confirmed",
    "harness", "fault", "resolved",
)  # fmt: skip
QUERIES = ["tyres", "coolant leak", "ANALYSER", "wo-12", "TR-2026", "witness needed", "zzz-none"]


async def annotate(engine, rng: random.Random) -> int:  # type: ignore[no-untyped-def]
    """One UPDATE from arrays, with the indexes dropped meanwhile and built again after."""
    async with engine.begin() as conn:
        ids = list((await conn.execute(text("SELECT id FROM allocations ORDER BY id"))).scalars())
        notes = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in ids]
        refs = [
            (f"WO-{rng.randint(1000, 9999)}" if i % 2 else f"TR-2026-{i:04d}")
            if i % 3 == 0
            else None
            for i in ids
        ]
        await conn.execute(text("SET LOCAL statement_timeout = 0"))
        for column in ("notes", "reference"):
            await conn.execute(text(f"DROP INDEX ix_allocations_{column}_trgm"))
        await conn.execute(
            text(
                "UPDATE allocations AS a SET notes = v.n, reference = v.r FROM unnest("
                "CAST(:ids AS integer[]), CAST(:notes AS text[]), CAST(:refs AS text[]))"
                " AS v(id, n, r) WHERE a.id = v.id"
            ),
            {"ids": ids, "notes": notes, "refs": refs},
        )
        for column in ("notes", "reference"):
            await conn.execute(
                text(
                    f"CREATE INDEX ix_allocations_{column}_trgm ON allocations"
                    f" USING gin ({column} gin_trgm_ops)"
                )
            )
    return len(ids)


async def run(engine, queries: int, rng: random.Random) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    samples: dict[str, list[float]] = {q: [] for q in QUERIES}
    factory = make_session_factory(engine)
    for _ in range(queries):
        q = rng.choice(QUERIES)
        async with factory() as session:
            elapsed, _ = await timed(
                lambda q=q, session=session: allocations.list_allocations(
                    session, AllocationFilter(q=q), limit=50
                )
            )
        samples[q].append(elapsed * 1000)
    return samples


async def plan(engine, q: str) -> str:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM allocations"
                " WHERE notes ILIKE :p OR reference ILIKE :p"
            ),
            {"p": f"%{q}%"},
        )
        return " / ".join(line.strip() for (line,) in rows if "->" in line or "Scan" in line)


def show(label: str, samples: dict[str, list[float]]) -> None:
    every = [s for values in samples.values() for s in values]
    print(
        f"  {label:<22} n={len(every):<4} p50={percentile(every, 0.5):6.2f} ms  "
        f"p95={percentile(every, 0.95):6.2f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    clock.today = lambda: TODAY
    rng = random.Random(20261129)
    with scratch_database("dyno_bench_notes") as url:
        engine = make_engine(url, pool_size=4)
        try:
            async with make_session_factory(engine)() as session, session.begin():
                await load_demo(session)
            await add_history(engine, args.history, rng)
            if args.copies:
                async with engine.begin() as conn:
                    await conn.execute(
                        text(
                            "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date,"
                            " end_date, status) SELECT vehicle_id, dyno_id, test_type, start_date,"
                            " end_date, 'cancelled' FROM allocations, generate_series(1, :n)"
                        ),
                        {"n": args.copies},
                    )
            count = await annotate(engine, rng)
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE allocations"))
            print(f"Setup: {count} bookings, each with a note, a third with a reference")
            print("With the trigram indexes (migration 0012):")
            show("list + count, q=...", await run(engine, args.queries, rng))
            print(f"  plan for 'tyres': {await plan(engine, 'tyres')}")
            print(f"  plan for 'wo-12': {await plan(engine, 'wo-12')}")
            async with engine.begin() as conn:
                await conn.execute(text("DROP INDEX ix_allocations_notes_trgm"))
                await conn.execute(text("DROP INDEX ix_allocations_reference_trgm"))
            print("Without them (sequential scan):")
            show("list + count, q=...", await run(engine, args.queries, rng))
            print(f"  plan for 'tyres': {await plan(engine, 'tyres')}")
        finally:
            await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=4000)
    parser.add_argument("--copies", type=int, default=0)
    parser.add_argument("--queries", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
