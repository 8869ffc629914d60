"""Concurrent bookings never share dyno-days or a vehicle; losers move on or get a reason."""

from __future__ import annotations

import asyncio
import datetime as dt

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent import errors
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.db.engine import make_session_factory
from dyno_agent.db.errors import unavailable
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.availability import Need, Search
from dyno_agent.scheduling.windows import Window
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

START = TODAY + dt.timedelta(days=14)
ACTOR = Actor.system(Channel.api)


async def seed(committed: AsyncEngine, dynos: int, vehicles: int) -> list[int]:
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        for n in range(dynos):
            await make_dyno(session, f"Brake {n + 1}")
        return [(await make_vehicle(session)).id for _ in range(vehicles)]


async def attempt(committed: AsyncEngine, **kwargs) -> object:
    factory = make_session_factory(committed)
    try:
        async with factory() as session, session.begin():
            result = await booking.auto_allocate(session, ACTOR, test_type="brake", **kwargs)
            return (result.allocation.dyno_id, result.shift_days)
    except errors.DomainError as exc:
        return exc


async def overlaps(session: AsyncSession) -> int:
    return (
        await session.execute(
            text(
                "SELECT count(*) FROM allocations a JOIN allocations b ON a.id < b.id"
                " AND a.status <> 'cancelled' AND b.status <> 'cancelled'"
                " AND (a.dyno_id = b.dyno_id OR a.vehicle_id = b.vehicle_id)"
                " AND a.start_date <= b.end_date AND b.start_date <= a.end_date"
            )
        )
    ).scalar_one()


async def test_fifty_concurrent_requests_for_one_window(committed: AsyncEngine):
    vehicle_ids = await seed(committed, dynos=3, vehicles=50)
    results = await asyncio.gather(
        *(
            attempt(committed, vehicle_id=v, start_date=START, days_to_complete=3)
            for v in vehicle_ids
        )
    )
    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, errors.DomainError)]
    assert len(placed) == 3
    assert sorted(dyno for dyno, _ in placed) == sorted({dyno for dyno, _ in placed})
    assert len(refused) == 47
    assert all(isinstance(r, errors.NoCapacity) for r in refused)
    assert all(len(r.details["blocked"]) == 3 for r in refused)
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0
        count = (await session.execute(text("SELECT count(*) FROM allocations"))).scalar_one()
        assert count == 3


async def test_with_backup_every_request_is_placed_elsewhere_in_time(committed: AsyncEngine):
    vehicle_ids = await seed(committed, dynos=3, vehicles=30)
    results = await asyncio.gather(
        *(
            attempt(
                committed,
                vehicle_id=v,
                start_date=START,
                days_to_complete=1,
                backup=True,
                max_backup_days=9,
            )
            for v in vehicle_ids
        )
    )
    assert all(isinstance(r, tuple) for r in results), results
    slots = sorted(results)
    assert len(set(slots)) == 30  # 3 dynos x 10 distinct start days, each used once
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0


async def test_one_vehicle_booked_concurrently_ten_times_is_placed_once(committed: AsyncEngine):
    (vehicle_id,) = await seed(committed, dynos=10, vehicles=1)
    results = await asyncio.gather(
        *(
            attempt(committed, vehicle_id=vehicle_id, start_date=START, days_to_complete=2)
            for _ in range(10)
        )
    )
    assert sum(isinstance(r, tuple) for r in results) == 1
    assert all(isinstance(r, errors.VehicleBusy) for r in results if not isinstance(r, tuple))
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0


async def test_a_dyno_lost_to_a_moved_booking_is_not_retried_for_that_window(
    committed: AsyncEngine,
):
    """The loser's session already holds the moved booking (read before the move): it must see
    the booking's new dates and dyno, and never try the dyno it just lost for the same window."""
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        best, second, third = [await make_dyno(session, f"Brake {n}") for n in (1, 2, 3)]
        owner, newcomer = await make_vehicle(session), await make_vehicle(session)
        later = START + dt.timedelta(days=5)
        moved = await make_allocation(session, owner, third, later, later)
    move_onto_best = _move(moved.id, best.id, START, START + dt.timedelta(days=2))
    tried: list[tuple[int, dt.date]] = []

    def before_insert(conn, cursor, statement, params, *_):  # type: ignore[no-untyped-def]
        if not statement.startswith("INSERT INTO allocations"):
            return
        tried.append((params["dyno_id"], params["start_date"]))
        if len(tried) == 1:  # a concurrent request moves its booking onto the best dyno, now
            with psycopg.connect(libpq_conninfo(committed.url), autocommit=True) as other:
                other.execute(*move_onto_best)

    async with factory() as session, session.begin():
        connection = await session.connection()
        event.listen(connection.sync_connection, "before_cursor_execute", before_insert)
        result = await booking.auto_allocate(
            session,
            ACTOR,
            vehicle_id=newcomer.id,
            test_type="brake",
            start_date=START,
            days_to_complete=3,
            backup=True,
            max_backup_days=7,
        )
    assert len(tried) == 2, f"{len(tried)} insert attempts, from {tried[:3]}"
    assert tried == [(best.id, START), (second.id, START)]
    assert (result.allocation.dyno_id, result.shift_days) == (second.id, 0)


def _move(allocation_id: int, dyno_id: int, start: dt.date, end: dt.date) -> tuple[str, tuple]:
    return (
        "UPDATE allocations SET dyno_id = %s, start_date = %s, end_date = %s WHERE id = %s",
        (dyno_id, start, end, allocation_id),
    )


async def test_a_refreshed_search_sees_a_booking_moved_after_it_was_read(committed: AsyncEngine):
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        first, second = await make_dyno(session, "Brake 1"), await make_dyno(session, "Brake 2")
        later = START + dt.timedelta(days=5)
        moved = await make_allocation(session, await make_vehicle(session), second, later, later)
    window = Window(START, START + dt.timedelta(days=5))
    async with factory() as session, session.begin():
        search = await Search.start(session, Need.of("brake", "2WD", 6000), window)
        assert [d.id for d in (await search.evaluate(Window(START, START))).free] == [
            first.id,
            second.id,
        ]
        with psycopg.connect(libpq_conninfo(committed.url), autocommit=True) as other:
            other.execute(*_move(moved.id, first.id, START, START))
        await search.reload(refresh=True)
        assert [d.id for d in (await search.evaluate(Window(START, START))).free] == [second.id]
        assert [d.id for d in (await search.evaluate(Window(later, later))).free] == [
            first.id,
            second.id,
        ]


async def test_a_move_that_loses_its_connection_fails_as_an_outage_not_a_bug(
    committed: AsyncEngine,
):
    """The backend dies as the move's UPDATE goes out: the error says the database is gone
    (503 at the API), instead of a follow-up error from touching the dead connection (500)."""
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        dyno = await make_dyno(session, "Brake 1")
        booked = await make_allocation(
            session, await make_vehicle(session), dyno, START, START + dt.timedelta(days=1)
        )

    async with factory() as session:
        connection = await session.connection()
        backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()

        def kill_backend(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
            if statement.startswith("UPDATE allocations"):
                with psycopg.connect(libpq_conninfo(committed.url), autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", (backend,))
                    other.execute("SELECT pg_sleep(0.2)")  # let it go before the UPDATE is sent

        event.listen(connection.sync_connection, "before_cursor_execute", kill_backend)
        with pytest.raises(Exception) as caught:
            await booking.reschedule_allocation(
                session, ACTOR, booked.id, START + dt.timedelta(days=7)
            )
        await session.rollback()
    assert unavailable(caught.value) is not None, repr(caught.value)


async def test_an_uncontended_booking_takes_at_most_five_statements(committed: AsyncEngine):
    (vehicle_id,) = await seed(committed, dynos=5, vehicles=1)
    statements: list[str] = []
    factory = make_session_factory(committed)
    async with factory() as session:  # the rules snapshot is read once per change of the rules
        await Search.start(session, Need.of("brake", "2WD", 6000), Window(START, START))
    async with factory() as session, session.begin():
        connection = await session.connection()  # checked out (and pinged) before counting
        event.listen(
            connection.sync_connection,
            "before_cursor_execute",
            lambda conn, cursor, statement, *_: statements.append(statement),
        )
        await booking.auto_allocate(
            session,
            ACTOR,
            vehicle_id=vehicle_id,
            test_type="brake",
            start_date=START,
            days_to_complete=2,
        )
    assert len(statements) <= 5, [s[:60] for s in statements]  # COMMIT is not counted


async def test_fifty_concurrent_requests_spread_over_the_dynos_instead_of_queueing(
    committed: AsyncEngine,
):
    """Everyone's best dyno is the same; a request that finds it being booked takes the next
    one it can lock in the same statement, so the statements stay close to a handful per
    request, not one more per request ahead of it."""
    vehicle_ids = await seed(committed, dynos=60, vehicles=50)
    inserts: list[int] = []
    statements: list[int] = []

    @event.listens_for(committed.sync_engine, "before_cursor_execute")
    def count(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        statements.append(1)
        if statement.startswith("INSERT INTO allocations"):
            inserts.append(1)

    try:
        results = await asyncio.gather(
            *(
                attempt(committed, vehicle_id=v, start_date=START, days_to_complete=3)
                for v in vehicle_ids
            )
        )
    finally:
        event.remove(committed.sync_engine, "before_cursor_execute", count)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({dyno for dyno, _ in results}) == 50  # type: ignore[misc]
    assert len(inserts) < 100, f"{len(inserts)} inserts for 50 bookings"
    assert len(statements) < 500, f"{len(statements)} statements for 50 bookings"
    async with AsyncSession(committed) as session:
        assert await overlaps(session) == 0


async def test_a_waiting_claim_that_would_deadlock_gives_the_dyno_up_and_goes_on(
    committed: AsyncEngine,
):
    """A request waiting for one dyno's lock while holding another's (from a day it lost),
    against a booking that holds the first and waits for the second: PostgreSQL breaks the
    deadlock in the request (it waits first, with the shorter timeout), which gives that dyno
    up instead of failing, and its transaction stays usable."""
    await seed(committed, dynos=2, vehicles=0)
    factory = make_session_factory(committed)
    async with factory() as session:
        first, second = (
            (await session.execute(text("SELECT id FROM dynos ORDER BY id"))).scalars().all()
        )
    lock = "SELECT pg_advisory_xact_lock(:space, :id)"
    space = booking._DYNO_LOCKS
    async with factory() as request, factory() as other:
        await request.begin()
        await other.begin()
        await request.execute(text("SET LOCAL deadlock_timeout = '200ms'"))
        await request.execute(text(lock), {"space": space, "id": first})
        await other.execute(text(lock), {"space": space, "id": second})

        async def request_waits_for_the_second() -> object:
            claimed = await booking._claim(request, ACTOR, [second], wait=True, stamp=True)
            usable = (await request.execute(text("SELECT 1"))).scalar_one()
            await request.commit()  # lets the other booking have the first dyno
            return claimed, usable

        async def other_waits_for_the_first() -> None:
            await asyncio.sleep(0.05)  # after the request started waiting
            await other.execute(text(lock), {"space": space, "id": first})
            await other.commit()

        outcome, _ = await asyncio.gather(
            request_waits_for_the_second(), other_waits_for_the_first()
        )
        assert outcome == (None, 1)
