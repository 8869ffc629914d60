"""Three server processes on one database and 200 concurrent clients booking, moving and cancelling:
no double booking, every answer a 2xx or a 4xx with the error body, every 2xx in the database."""

from __future__ import annotations

import time

from tests.reliability.audit import audit, last_event_id
from tests.reliability.conftest import Lab
from tests.reliability.storm import Catalog, Ledger, Storm, sign_in

CLIENTS = 200
REQUESTS_PER_CLIENT = 4
EXTRA_USERS = 5  # registered `user` accounts, next to the demo's admin, manager and engineer
STORM_TIMEOUT_S = 180  # a bound, not a target: unanswered requests would count as unknown


async def test_a_storm_on_three_servers_keeps_every_invariant_and_every_answer(
    lab: Lab, figures: list[str]
) -> None:
    servers = list(lab.servers)
    assert len(lab.urls()) == len(servers) >= 3
    accounts = await sign_in(servers[0].base_url, EXTRA_USERS)
    catalog = await Catalog.load(lab.conninfo())
    since = await last_event_id(lab.conninfo())
    ledger = Ledger()
    storm = Storm(catalog, accounts, lab.urls(), ledger)

    started = time.monotonic()
    finished = await storm.run("storm", CLIENTS, REQUESTS_PER_CLIENT, STORM_TIMEOUT_S)
    elapsed = time.monotonic() - started
    result = await audit(lab.conninfo(), ledger, since)

    figures.append(
        f"storm: {len(servers)} servers, {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests, "
        f"{len(accounts)} users, {elapsed:.1f} s ({len(ledger.ops) / elapsed:.0f} requests/s)"
        + ("" if finished else ", stopped by its time bound")
    )
    figures.extend(ledger.summary())
    figures.extend(result.lines("storm audit"))
    figures.extend(f"  example: {line}" for line in result.examples)

    assert all(server.alive for server in servers), "a server process died during the storm"
    assert all(op.http_status and op.http_status < 500 for op in ledger.ops if op.done), (
        ledger.summary()
    )
    assert ledger.bad_bodies == [], "non-2xx answers without the {error, message, details} body"
    assert result.failures() == {}, result.examples
    assert result.unacknowledged_writes <= result.unknown_outcomes
    kinds = {op.kind for op in ledger.ops if op.acknowledged}
    assert {"move", "cancel"} <= kinds and kinds & {"auto", "named"}, "every write must succeed"
