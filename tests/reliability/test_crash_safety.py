"""`kill -9` of a server mid-storm, then of PostgreSQL mid-storm, then restart: every acknowledged
write is in the recovered database, nothing is half-written, no booking overlaps another."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.reliability.audit import audit, last_event_id
from tests.reliability.conftest import Lab
from tests.reliability.storm import Catalog, Ledger, Storm, sign_in

CLIENTS = 200
REQUESTS_PER_CLIENT = 3  # per phase
AFTER_CLIENTS = 60  # the restarted servers' first storm
AFTER_REQUESTS = 2
EXTRA_USERS = 5
KILL_AT = 0.3  # the share of a phase's requests answered when the kill comes
PHASE_TIMEOUT_S = 120  # bounds, not targets


async def kill_when_answered(
    ledger: Ledger, phase: str, count: int, kill: Callable[[], None], noted: dict[str, int]
) -> None:
    """Once `count` requests of `phase` are answered, run `kill` and note what was in flight."""
    await ledger.wait_answered(phase, count)
    noted[phase] = sum(not op.done for op in ledger.ops if op.phase == phase)
    await asyncio.to_thread(kill)


async def test_kill_9_of_a_server_and_of_postgres_loses_no_acknowledged_write(
    lab: Lab, figures: list[str]
) -> None:
    servers = list(lab.servers)
    assert len(lab.urls()) == len(servers) >= 3
    accounts = await sign_in(servers[0].base_url, EXTRA_USERS)
    catalog = await Catalog.load(lab.conninfo())
    since = await last_event_id(lab.conninfo())
    ledger = Ledger()
    storm = Storm(catalog, accounts, lab.urls(), ledger, seed=11)
    kill_at = int(CLIENTS * REQUESTS_PER_CLIENT * KILL_AT)
    in_flight: dict[str, int] = {}
    started = time.monotonic()

    # 1. A server dies mid-storm; its clients see cut connections and move to the others.
    await asyncio.gather(
        storm.run("server kill", CLIENTS, REQUESTS_PER_CLIENT, PHASE_TIMEOUT_S),
        kill_when_answered(ledger, "server kill", kill_at, servers[0].kill, in_flight),
    )
    # 2. PostgreSQL dies mid-storm (postmaster first, then any backend that outlives it).
    storm.servers = lab.urls()
    await asyncio.gather(
        storm.run("postgres kill", CLIENTS, REQUESTS_PER_CLIENT, PHASE_TIMEOUT_S),
        kill_when_answered(ledger, "postgres kill", kill_at, lab.postgres.kill, in_flight),
    )
    # 3. PostgreSQL starts again on the same data directory (crash recovery); so do the servers.
    storms_done = time.monotonic()
    await asyncio.to_thread(lab.postgres.start)
    recovered_at = time.monotonic()
    await asyncio.to_thread(lab.restart_servers)
    restarted_at = time.monotonic()
    recovered = await audit(lab.conninfo(), ledger, since)
    # 4. The restarted servers take writes again.
    storm.servers = lab.urls()
    await storm.run("after recovery", AFTER_CLIENTS, AFTER_REQUESTS, PHASE_TIMEOUT_S)
    final = await audit(lab.conninfo(), ledger, since)
    elapsed = time.monotonic() - started

    figures.append(
        f"crash safety: {len(servers)} servers, {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests "
        f"per phase, kill -9 after {kill_at} answers (in flight: {in_flight}), "
        f"{elapsed:.1f} s in all: storms {storms_done - started:.1f} s, PostgreSQL recovery "
        f"{recovered_at - storms_done:.1f} s, {len(lab.servers)} servers restarted in "
        f"{restarted_at - recovered_at:.1f} s"
    )
    for phase in ("server kill", "postgres kill", "after recovery"):
        figures.extend(ledger.summary(phase))
    figures.extend(recovered.lines("audit after recovery"))
    figures.extend(final.lines("audit at the end"))
    figures.extend(f"  example: {line}" for line in recovered.examples + final.examples)

    assert in_flight.keys() == {"server kill", "postgres kill"}, "a kill did not happen"
    assert recovered.failures() == {}, recovered.examples
    assert final.failures() == {}, final.examples
    assert final.unacknowledged_writes <= final.unknown_outcomes

    def phase_ops(phase: str) -> list:  # type: ignore[type-arg]
        return [op for op in ledger.ops if op.phase == phase]

    first, second, after = (
        phase_ops(p) for p in ("server kill", "postgres kill", "after recovery")
    )
    assert any(op.acknowledged for op in first) and any(op.acknowledged for op in second)
    assert any(op.done and op.http_status is None for op in first), "no request was cut"
    assert any(op.unknown for op in second), "PostgreSQL died after the storm"
    # While it was down, the servers said so: 503 database_unavailable, never a bare 500.
    server_errors = {(op.http_status, op.error) for op in second if (op.http_status or 0) >= 500}
    assert server_errors <= {(503, "database_unavailable")}, lab.server_errors()
    # While the database was up, nothing failed on the server side...
    assert not any(op.http_status and op.http_status >= 500 for op in first)
    # ...and after the restart, every request got an answer, a 2xx or a 4xx.
    assert all(op.done and op.http_status and op.http_status < 500 for op in after)
    assert not [b for b in ledger.bad_bodies if b[0] < 500], "4xx without the error body"
