"""`dyno waitlist`: join when nothing is free, see the offer a cancellation makes, accept it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from sqlalchemy.engine import URL

from dyno_agent.db.engine import make_engine, make_session_factory
from tests.cli.conftest import Dyno
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

MAR10 = TODAY + dt.timedelta(days=8)


async def _seed(url: URL) -> tuple[int, str]:
    """One brake dyno booked on the 10th, and a vehicle that wants that day (its tag)."""
    engine = make_engine(url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            dyno = await make_dyno(session, "Brake 1")
            taken = await make_allocation(session, await make_vehicle(session), dyno, MAR10, MAR10)
            waiting = await make_vehicle(session, tag="WAIT-1")
            return taken.id, waiting.tag or ""
    finally:
        await engine.dispose()


def test_join_then_a_cancellation_offers_the_slot_and_accept_books_it(dyno: Dyno):
    taken, tag = asyncio.run(_seed(dyno.url))
    joined = dyno("waitlist", "join", "--tag", tag, "-t", "brake", "--start", str(MAR10),
                  "--days", "1", "--json")  # fmt: skip
    assert joined.exit_code == 0, joined.output
    [entry] = json.loads(joined.stdout)
    assert entry["status"] == "waiting"

    assert dyno("cancel", str(taken)).exit_code == 0
    listed = dyno("waitlist", "list")
    assert listed.exit_code == 0, listed.output
    assert f"#{entry['id']}" in listed.stdout and "offered" in listed.stdout
    assert f"Brake 1 {MAR10} to {MAR10} (held), accept by" in listed.stdout

    accepted = dyno("waitlist", "accept", str(entry["id"]))
    assert accepted.exit_code == 0, accepted.output
    assert "booked" in accepted.stdout and "(scheduled)" in accepted.stdout
    again = dyno("waitlist", "decline", str(entry["id"]))
    assert again.exit_code == 1 and "is booked; it cannot be declined" in again.output
    swept = dyno("waitlist", "sweep")
    assert swept.exit_code == 0 and "0 hold(s) released" in swept.stdout


def test_an_end_before_the_days_fit_names_the_flag(dyno: Dyno):
    _, tag = asyncio.run(_seed(dyno.url))
    result = dyno("waitlist", "join", "--tag", tag, "-t", "brake", "--start", str(MAR10),
                  "--days", "3", "--end", str(MAR10))  # fmt: skip
    assert result.exit_code != 0
    assert "field: --end" in result.output
