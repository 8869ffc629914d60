"""The date-first availability engine: the same answers as the old engine on a lab that bookings,
moves, cancellations and maintenance keep changing; busy bitmaps that match a rebuild; a rules
cache that sees every committed change."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.db.engine import make_session_factory
from dyno_agent.scheduling.availability import Need, availability_for
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule
from dyno_agent.scheduling.windows import Window
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle
from tests.scheduling.availability_oracle import answer_of, old_availability, same

TESTS = ["150k mileage", "4k certification", "evap", "not cert-durability", "brake"]
DRIVES = ["2WD", "AWD", "4WD"]
WEIGHTS = ["<10K", ">10K"]

BITMAPS = text("SELECT day, encode(dynos, 'hex') FROM dyno_busy_days ORDER BY day")


def _day(rng: random.Random, spread: int = 40) -> dt.date:
    return TODAY + dt.timedelta(days=rng.randint(0, spread))


async def _busy_lab(session: AsyncSession, dynos: list[Dyno], rng: random.Random) -> None:
    """Bookings placed, moved and cancelled, maintenance added and removed, a dyno disabled and
    one with a commissioning window: every path that changes the bitmaps."""
    vehicle = await make_vehicle(session)
    bookings: list[Allocation] = []
    for dyno in dynos:
        cursor = TODAY + dt.timedelta(days=rng.randint(0, 4))
        for _ in range(rng.randint(0, 5)):
            end = cursor + dt.timedelta(days=rng.randint(0, 3))
            if rng.random() < 0.2:
                await make_maintenance(session, dyno, cursor, end)
            else:
                vehicle = vehicle if rng.random() < 0.5 else await make_vehicle(session)
                try:
                    async with session.begin_nested():
                        bookings.append(await make_allocation(session, vehicle, dyno, cursor, end))
                except Exception:  # the vehicle is busy then: leave the gap
                    pass
            cursor = end + dt.timedelta(days=rng.randint(1, 6))
    for allocation in rng.sample(bookings, len(bookings) // 5):
        allocation.status = "cancelled"
    await session.flush()
    moved = 0
    for allocation in rng.sample(bookings, len(bookings) // 4):
        if allocation.status == "cancelled":
            continue
        shift = dt.timedelta(days=rng.randint(30, 60))
        try:
            async with session.begin_nested():
                await session.execute(
                    update(Allocation)
                    .where(Allocation.id == allocation.id)
                    .values(
                        start_date=allocation.start_date + shift,
                        end_date=allocation.end_date + shift,
                        dyno_id=rng.choice(dynos).id,
                    )
                )
                moved += 1
        except Exception:  # an overlap on the new dyno: the move is refused, nothing changes
            pass
    assert moved
    serviced = await make_dyno(session, "Serviced", rules=[("brake", "any", "any")])
    overhaul = await make_maintenance(session, serviced, TODAY, TODAY + dt.timedelta(days=9))
    await make_maintenance(session, serviced, TODAY + dt.timedelta(days=3), _day(rng, 12))
    await session.delete(overhaul)  # the overlapping one keeps its days busy
    dynos[1].enabled = False
    dynos[2].available_from = TODAY + dt.timedelta(days=10)
    await session.flush()
    session.expire_all()


async def test_the_new_engine_answers_as_the_old_one_on_every_query(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    rng = random.Random(11)
    extra = [
        await make_dyno(
            session,
            f"Rig {n}",
            rules=sorted(
                {
                    (rng.choice(TESTS), rng.choice([*DRIVES, "any"]), rng.choice([*WEIGHTS, "any"]))
                    for _ in range(rng.randint(1, 4))
                }
            ),
        )
        for n in range(12)
    ]
    await _busy_lab(session, [*workbook_dynos.values(), *extra], rng)
    checked = 0
    for n in range(120):
        test_type, drive, weight = rng.choice(TESTS), rng.choice(DRIVES), rng.choice(WEIGHTS)
        start = _day(rng, 70)
        window = Window(start, start + dt.timedelta(days=rng.randint(0, 6)))
        limit, explained = rng.choice([1, 3, 20]), n % 3 == 0
        new = await availability_for(
            session, Need(test_type, drive, weight), window, limit=limit, explain_blocked=explained
        )
        old = await old_availability(session, test_type, drive, weight, window)
        assert same(answer_of(new), old, limit=limit, explained=explained), (
            test_type,
            drive,
            weight,
            window,
            answer_of(new),
            old,
        )
        checked += bool(old.free) + bool(old.blocked)
    assert checked > 150  # both free and blocked answers were compared


async def test_the_busy_bitmaps_equal_a_rebuild_from_the_bookings(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    await _busy_lab(session, list(workbook_dynos.values()), random.Random(5))
    kept = (await session.execute(BITMAPS)).all()
    await session.execute(text("SELECT dyno_busy_days_rebuild()"))
    rebuilt = (await session.execute(BITMAPS)).all()
    strip = [(day, bits.rstrip("0")) for day, bits in kept if bits.strip("0")]
    assert strip == [(day, bits.rstrip("0")) for day, bits in rebuilt]
    assert len(rebuilt) > 30


async def test_the_answer_holds_the_best_n_free_dynos_and_counts_them(
    session: AsyncSession, workbook_dynos: dict[str, Dyno]
):
    window = Window(TODAY, TODAY + dt.timedelta(days=2))
    need = Need("4k certification", "2WD", "<10K")
    full = await availability_for(session, need, window, limit=100)
    assert full.free_count == len(full.free) == full.compatible_count == 23
    assert len((await availability_for(session, need, window)).free) == 20  # the default
    best = await availability_for(session, Need("4k certification", "2WD", "<10K"), window, limit=3)
    assert [d.name for d in best.free] == [d.name for d in full.free[:3]]
    assert (best.free_count, best.blocked_count, best.blocked) == (23, 0, [])
    assert best.explain().startswith("23 dyno(s) free (best 3 shown): ")


async def test_a_committed_rules_change_reaches_every_session_at_once(committed: AsyncEngine):
    factory = make_session_factory(committed)
    async with factory() as session, session.begin():
        dyno = await make_dyno(session, "Brake 1")
    need, window = Need("brake", "2WD", "<10K"), Window(TODAY, TODAY)
    async with factory() as session:
        assert [d.name for d in (await availability_for(session, need, window)).free] == ["Brake 1"]
    async with factory() as session, session.begin():
        await session.execute(
            update(DynoRule).where(DynoRule.dyno_id == dyno.id).values(test_type="evap")
        )
        inside = await availability_for(session, need, window)
        assert not inside.compatible  # its own uncommitted change
    async with factory() as session:
        assert not (await availability_for(session, need, window)).compatible
    async with factory() as session, session.begin():
        await session.execute(update(Dyno).values(enabled=False))
    async with factory() as session:
        after = await availability_for(session, Need("evap", "2WD", "<10K"), window)
        assert after.free == [] and after.blocked[0].reason == "disabled"
