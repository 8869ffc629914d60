"""The audit itself: silent on a consistent database, and it counts every kind of damage the
suites look for (here made by hand, with the guarantees switched off in a scratch database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.url import libpq_conninfo
from tests.conftest import TODAY, create_scratch_database
from tests.reliability.audit import audit
from tests.reliability.storm import Account, Ledger, Op, State

DAY = dt.timedelta(days=1)


@pytest.fixture
def scratch(server_url: URL) -> Iterator[str]:
    url, admin = create_scratch_database(server_url, "dyno_audit")
    migrate.upgrade(url)
    try:
        yield libpq_conninfo(url)
    finally:
        drop_database(admin, url.database or "")


def seed(conn: psycopg.Connection) -> tuple[int, int, int]:
    """A user, a dyno and two vehicles; the user books vehicle 1 on the dyno (audited)."""
    user = conn.execute(
        "INSERT INTO users (email, password_hash) VALUES ('a@lab.test', 'x') RETURNING id"
    ).fetchone()[0]  # type: ignore[index]
    dyno = conn.execute(
        "INSERT INTO dynos (name, facility) VALUES ('VTS #1', 'VTS') RETURNING id"
    ).fetchone()[0]  # type: ignore[index]
    for vin in ("1FTFW1E50PFA00001", "1FTFW1E50PFA00002"):
        conn.execute(
            "INSERT INTO vehicles (tag, vin, weight_class, drive_type) "
            "VALUES (%s, %s, '<10K', '2WD')",
            (vin, vin),
        )
    conn.execute("SELECT set_config('dyno.actor_id', %s, false)", (str(user),))
    allocation = book(conn, dyno, vehicle=1, start=TODAY + DAY, days=3)
    return user, dyno, allocation


def book(conn: psycopg.Connection, dyno: int, vehicle: int, start: dt.date, days: int) -> int:
    row = conn.execute(
        "INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date)"
        " VALUES (%s, %s, 'brake', %s, %s) RETURNING id",
        (vehicle, dyno, start, start + (days - 1) * DAY),
    ).fetchone()
    assert row is not None
    return int(row[0])


def acknowledged(user: int, kind: str, allocation: int, state: State) -> Op:
    account = Account(user, "a@lab.test", "user", "token")
    return Op(kind, "test", account, 0, allocation, 201, state=state, done=True)


async def test_a_consistent_database_and_its_answers_pass_the_audit(scratch: str) -> None:
    with psycopg.connect(scratch, autocommit=True) as conn:
        user, dyno, allocation = seed(conn)
    reported = State(dyno, TODAY + DAY, TODAY + 3 * DAY, "scheduled")
    ledger = Ledger(ops=[acknowledged(user, "named", allocation, reported)])

    result = await audit(scratch, ledger, since_event=0)

    assert result.failures() == {}
    assert (result.acknowledged, result.unacknowledged_writes) == (1, 0)


async def test_the_audit_counts_overlaps_half_writes_and_lost_answers(scratch: str) -> None:
    with psycopg.connect(scratch, autocommit=True) as conn:
        user, dyno, allocation = seed(conn)
        for constraint in ("ex_allocations_dyno_overlap", "ex_allocations_vehicle_overlap"):
            conn.execute(f"ALTER TABLE allocations DROP CONSTRAINT {constraint}")
        conn.execute("ALTER TABLE dyno_occupancy DROP CONSTRAINT ex_dyno_occupancy_maintenance")
        book(conn, dyno, vehicle=1, start=TODAY + 2 * DAY, days=1)  # same dyno, same vehicle
        conn.execute(
            "INSERT INTO maintenance_windows (dyno_id, start_date, end_date) VALUES (%s, %s, %s)",
            (dyno, TODAY + DAY, TODAY + DAY),
        )
        unaudited = book(conn, dyno, vehicle=2, start=TODAY + 30 * DAY, days=1)
        conn.execute("DELETE FROM allocation_events WHERE allocation_id = %s", (unaudited,))
        conn.execute("DELETE FROM dyno_occupancy WHERE kind = 'maintenance'")
        moved = book(conn, dyno, vehicle=2, start=TODAY + 20 * DAY, days=1)
        conn.execute("SET session_replication_role = replica")  # no triggers: no audit, no mirror
        conn.execute(
            "UPDATE allocations SET start_date = start_date + 1, end_date = end_date + 1"
            " WHERE id = %s",
            (moved,),
        )
        conn.execute(
            "INSERT INTO allocation_events (allocation_id, action, channel, after)"
            " VALUES (999, 'insert', 'sql', NULL)"
        )
    reported = State(dyno, TODAY + DAY, TODAY + 3 * DAY, "scheduled")
    lost = State(dyno, TODAY + 50 * DAY, TODAY + 50 * DAY, "scheduled")
    ledger = Ledger(
        ops=[
            acknowledged(user, "named", allocation, reported),
            acknowledged(user, "auto", 12345, lost),  # answered 201, never stored
        ]
    )

    result = await audit(scratch, ledger, since_event=0)

    assert result.failures() == {
        "overlapping bookings of a dyno": 1,
        "overlapping bookings of a vehicle": 1,
        "bookings overlapping maintenance": 1,
        "allocations without their insert event": 1,
        "events of allocations that do not exist": 1,
        "allocations unlike their latest event": 1,
        "open allocations or maintenance missing from dyno_occupancy": 2,
        "dyno_occupancy rows without their open allocation or maintenance": 1,
        "acknowledged but missing": 1,
    }
