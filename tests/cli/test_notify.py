"""`dyno notify`: subscriptions of the `--as` user, and the outbox and its retry for admins."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, pool, text

from tests.cli.conftest import Dyno

ENGINEER = "engineer@demo.local"


def test_a_user_subscribes_and_lists_and_the_operator_must_name_a_user(dyno_demo: Dyno):
    made = dyno_demo(
        "--as", ENGINEER, "notify", "subscribe", "--dyno", "mpg 3",
        "--webhook", "https://hooks.example.test/x",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "dyno MPG 3" in made.stdout and "Webhook secret (shown once): " in made.stdout
    listed = dyno_demo("--as", ENGINEER, "notify", "subscriptions", "--json")
    assert [s["dyno"] for s in json.loads(listed.stdout)] == ["MPG 3"]

    operator = dyno_demo("notify", "subscribe", "--all")
    assert operator.exit_code == 2 and "dyno --as EMAIL" in operator.output
    both = dyno_demo("--as", ENGINEER, "notify", "subscribe", "--all", "--dyno", "MPG 3")
    assert both.exit_code == 2 and "exactly one of" in both.output
    bad = dyno_demo("--as", ENGINEER, "notify", "subscribe", "--all", "--webhook", "ftp://x/y")
    assert bad.exit_code == 2 and "http:// or https://" in bad.output


def test_admins_list_the_outbox_and_retry_a_dead_letter(dyno_demo: Dyno):
    engine = create_engine(dyno_demo.url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        dead = conn.execute(
            text(
                "UPDATE notification_outbox SET status = 'dead', attempts = 8, "
                "last_error = 'refused' WHERE id = (SELECT min(id) FROM notification_outbox) "
                "RETURNING id"
            )
        ).scalar_one()
    engine.dispose()
    refused = dyno_demo("--as", ENGINEER, "notify", "outbox")
    assert refused.exit_code == 1 and "admin" in refused.output

    listed = dyno_demo("notify", "outbox", "--status", "dead")
    assert listed.exit_code == 0, listed.output
    assert f"#{dead}" in listed.stdout and "dead" in listed.stdout and "refused" in listed.stdout

    assert dyno_demo("notify", "retry", str(dead)).exit_code == 0
    assert dyno_demo.rows(
        "SELECT status, attempts FROM notification_outbox WHERE id = :id", id=dead
    ) == [("pending", 0)]
