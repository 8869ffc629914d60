"""SQL audit after a storm: the database's invariants, and the ledger's answers against the rows.

Invariants (whatever the clients saw):
- no two open allocations share a dyno-day or a vehicle-day, none overlaps its dyno's maintenance;
- nothing half-written: every allocation has its `insert` event in `allocation_events`, every
  event belongs to an allocation, each row equals the `after` of its latest event, and
  `dyno_occupancy` mirrors exactly the open placed allocations and the maintenance windows.

Answers: each 2xx is matched to the audit event that wrote what it reported (same allocation,
action, actor and state). Events of one allocation are ordered like their commits (the row lock
serialises writers), so the latest matched event is the last acknowledged state; where no request
of unknown outcome touched the allocation, the row must be in that state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.reliability.storm import BOOK_KINDS, Ledger, State

OPEN = "status <> 'cancelled'"
DAYS = "daterange({t}.start_date, {t}.end_date, '[]')"

CHECKS = {
    "overlapping bookings of a dyno": f"""
        SELECT count(*) FROM allocations a JOIN allocations b
          ON a.id < b.id AND a.dyno_id = b.dyno_id AND a.{OPEN} AND b.{OPEN}
         AND {DAYS.format(t="a")} && {DAYS.format(t="b")}""",
    "overlapping bookings of a vehicle": f"""
        SELECT count(*) FROM allocations a JOIN allocations b
          ON a.id < b.id AND a.vehicle_id = b.vehicle_id AND a.{OPEN} AND b.{OPEN}
         AND {DAYS.format(t="a")} && {DAYS.format(t="b")}""",
    "bookings overlapping maintenance": f"""
        SELECT count(*) FROM allocations a JOIN maintenance_windows m
          ON m.dyno_id = a.dyno_id AND a.{OPEN} AND {DAYS.format(t="a")} && {DAYS.format(t="m")}""",
    "allocations without their insert event": """
        SELECT count(*) FROM allocations a WHERE NOT EXISTS (SELECT 1 FROM allocation_events e
            WHERE e.allocation_id = a.id AND e.action = 'insert')""",
    "events of allocations that do not exist": """
        SELECT count(DISTINCT e.allocation_id) FROM allocation_events e
        WHERE NOT EXISTS (SELECT 1 FROM allocations a WHERE a.id = e.allocation_id)
          AND NOT EXISTS (SELECT 1 FROM allocation_events d
                          WHERE d.allocation_id = e.allocation_id AND d.action = 'delete')""",
    "allocations unlike their latest event": """
        SELECT count(*) FROM allocations a CROSS JOIN LATERAL (
            SELECT after FROM allocation_events e WHERE e.allocation_id = a.id
            ORDER BY e.id DESC LIMIT 1) last
        WHERE (last.after->>'dyno_id')::int IS DISTINCT FROM a.dyno_id
           OR (last.after->>'vehicle_id')::int <> a.vehicle_id
           OR (last.after->>'start_date')::date <> a.start_date
           OR (last.after->>'end_date')::date <> a.end_date
           OR last.after->>'status' <> a.status""",
    "open allocations or maintenance missing from dyno_occupancy": f"""
        SELECT (SELECT count(*) FROM allocations a WHERE a.{OPEN} AND a.dyno_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM dyno_occupancy o WHERE o.kind = 'allocation'
                    AND o.source_id = a.id AND o.dyno_id = a.dyno_id
                    AND o.during = {DAYS.format(t="a")}))
             + (SELECT count(*) FROM maintenance_windows m
                WHERE NOT EXISTS (SELECT 1 FROM dyno_occupancy o WHERE o.kind = 'maintenance'
                    AND o.source_id = m.id AND o.dyno_id = m.dyno_id
                    AND o.during = {DAYS.format(t="m")}))""",
    "dyno_occupancy rows without their open allocation or maintenance": f"""
        SELECT count(*) FROM dyno_occupancy o
        WHERE (o.kind = 'allocation' AND NOT EXISTS (SELECT 1 FROM allocations a
                 WHERE a.id = o.source_id AND a.{OPEN} AND a.dyno_id = o.dyno_id
                   AND {DAYS.format(t="a")} = o.during))
           OR (o.kind = 'maintenance' AND NOT EXISTS (SELECT 1 FROM maintenance_windows m
                 WHERE m.id = o.source_id AND m.dyno_id = o.dyno_id
                   AND {DAYS.format(t="m")} = o.during))""",
}


async def last_event_id(conninfo: str) -> int:
    """Events after this one were written by the storm (the demo's come before)."""
    async with await psycopg.AsyncConnection.connect(conninfo) as conn:
        row = await (await conn.execute("SELECT max(id) FROM allocation_events")).fetchone()
        return int(row[0] or 0) if row else 0


@dataclass(frozen=True)
class Event:
    id: int
    allocation_id: int
    action: str
    actor_id: int | None
    state: State


@dataclass
class Audit:
    invariants: dict[str, int]
    acknowledged: int = 0
    missing: int = 0  # 2xx answers the database does not hold
    stale: int = 0  # rows not in their last acknowledged state
    noop_moves: int = 0  # 2xx moves to where the booking already was (no write to match)
    unacknowledged_writes: int = 0  # committed changes that no 2xx answer reported
    unknown_outcomes: int = 0  # requests without an answer, or answered 5xx
    examples: list[str] = field(default_factory=list)

    @property
    def overlaps(self) -> int:
        return sum(n for name, n in self.invariants.items() if "overlapping" in name)

    def failures(self) -> dict[str, int]:
        """Every count that must be zero, by name."""
        counts = {**self.invariants, "acknowledged but missing": self.missing}
        counts["not in the last acknowledged state"] = self.stale
        return {name: n for name, n in counts.items() if n}

    def lines(self, label: str) -> list[str]:
        return [
            f"{label}: {self.overlaps} overlaps, {self.acknowledged} acknowledged writes, "
            f"{self.missing} acknowledged but missing, {self.stale} not in the last "
            f"acknowledged state, {self.unacknowledged_writes} unacknowledged writes "
            f"({self.unknown_outcomes} requests of unknown outcome), "
            f"{self.noop_moves} no-op moves",
            "  " + ", ".join(f"{name}: {n}" for name, n in self.invariants.items()),
        ]


async def audit(conninfo: str, ledger: Ledger, since_event: int) -> Audit:
    async with await psycopg.AsyncConnection.connect(conninfo) as conn:
        invariants = {}
        for name, query in CHECKS.items():
            row = await (await conn.execute(query)).fetchone()
            invariants[name] = int(row[0]) if row else -1
        cur = conn.cursor(row_factory=dict_row)
        await cur.execute("SELECT id, dyno_id, start_date, end_date, status FROM allocations")
        rows = {r["id"]: State.of(r) for r in await cur.fetchall()}
        await cur.execute(
            "SELECT id, allocation_id, action, actor_id, after FROM allocation_events"
            " WHERE after IS NOT NULL ORDER BY id"
        )
        events = [
            Event(r["id"], r["allocation_id"], r["action"], r["actor_id"], State.of(r["after"]))
            for r in await cur.fetchall()
        ]
    result = Audit(invariants)
    _reconcile(result, ledger, rows, events, since_event)
    return result


def _reconcile(
    result: Audit, ledger: Ledger, rows: dict[int, State], events: list[Event], since: int
) -> None:
    history: dict[int, set[State]] = defaultdict(set)
    new: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        history[event.allocation_id].add(event.state)
        if event.id > since:
            new[event.allocation_id].append(event)
    matched: set[int] = set()
    last_acked: dict[int, Event] = {}
    ambiguous: set[int] = set()
    for op in ledger.ops:
        if not op.acknowledged:
            continue
        result.acknowledged += 1
        assert op.allocation_id is not None and op.state is not None
        action = "insert" if op.kind in BOOK_KINDS else "update"
        found = next(
            (
                e
                for e in new[op.allocation_id]
                if e.id not in matched
                and e.action == action
                and e.actor_id == op.account.user_id
                and e.state == op.state
            ),
            None,
        )
        if found is not None:
            matched.add(found.id)
            previous = last_acked.get(op.allocation_id)
            if previous is None or found.id > previous.id:
                last_acked[op.allocation_id] = found
        elif op.kind == "move" and op.state in history[op.allocation_id]:
            result.noop_moves += 1  # nothing changed, so nothing was written
            ambiguous.add(op.allocation_id)
        else:
            result.missing += 1
            _example(result, f"{op.kind} {op.allocation_id} answered {op.http_status}: {op.state}")
    unknown = [op for op in ledger.ops if op.unknown]
    result.unknown_outcomes = len(unknown)
    touched = {op.allocation_id for op in unknown if op.allocation_id is not None}
    for allocation_id, event in last_acked.items():
        if allocation_id in touched or allocation_id in ambiguous:
            continue
        if rows.get(allocation_id) != event.state:
            result.stale += 1
            _example(
                result,
                f"allocation {allocation_id} is {rows.get(allocation_id)}, "
                f"last acknowledged {event.state}",
            )
    result.unacknowledged_writes = sum(
        e.id not in matched for changes in new.values() for e in changes
    )


def _example(result: Audit, text: Any) -> None:
    if len(result.examples) < 10:
        result.examples.append(str(text))
