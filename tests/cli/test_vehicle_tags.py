"""The CLI names vehicles by tag: `--tag` wherever `--vin` is accepted, `dyno vehicles list` shows
tags, and `dyno vehicles assign-tag` gives a placeholder its tag (demo database, today pinned)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import create_engine, pool, text

from tests.cli.conftest import Dyno
from tests.conftest import TODAY

LATER = TODAY + dt.timedelta(days=40)  # past the demo's bookings: every vehicle is free


def tag_of(dyno: Dyno, drive: str, weight_class: str) -> str:
    return str(
        dyno.scalar(
            "SELECT tag FROM vehicles WHERE drive_type = :d AND weight_class = :w ORDER BY id",
            d=drive,
            w=weight_class,
        )
    )


def test_allocate_book_and_list_by_tag(dyno_demo: Dyno):
    tag = tag_of(dyno_demo, "2WD", "<10K")
    allocated = dyno_demo(
        "allocate", "--tag", tag.lower(), "-t", "brake", "--start", str(LATER), "--days", "2",
        "--json",
    )  # fmt: skip
    assert allocated.exit_code == 0, allocated.output
    assert json.loads(allocated.stdout)["allocation"]["vehicle"]["tag"] == tag

    later = LATER + dt.timedelta(days=10)
    booked = dyno_demo(
        "book", "TRP #3", "--tag", tag, "-t", "brake", "--start", str(later), "--days", "1"
    )
    assert booked.exit_code == 0, booked.output
    assert tag in booked.stdout

    listed = dyno_demo("allocations", "--tag", tag, "--start", str(LATER), "--json")
    assert listed.exit_code == 0, listed.output
    assert {a["vehicle"]["tag"] for a in json.loads(listed.stdout)} == {tag}
    assert len(json.loads(listed.stdout)) == 2


def test_an_unknown_tag_fails_and_a_malformed_one_is_invalid_input(dyno_demo: Dyno):
    unknown = dyno_demo(
        "allocate", "--tag", "999X999", "-t", "brake", "--start", str(LATER), "--days", "1"
    )
    assert unknown.exit_code != 0 and "999X999" in unknown.output
    malformed = dyno_demo("allocations", "--tag", "bad;tag")
    assert malformed.exit_code == 2, malformed.output


def test_vehicles_list_shows_tags_and_a_placeholder_gets_its_tag_keeping_its_bookings(
    dyno_demo: Dyno,
):
    listed = dyno_demo("vehicles", "list", "--limit", "3")
    assert listed.exit_code == 0, listed.output
    assert "DEMO-001" in listed.stdout and "3 of 60 vehicle(s)." in listed.stdout

    engine = create_engine(dyno_demo.url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        placeholder_id = conn.execute(
            text(
                "INSERT INTO vehicles (placeholder_key, program, weight_class, drive_type) "
                "VALUES ('TBD-2027 P702#1', 'P702', '<10K', 'AWD') RETURNING id"
            )
        ).scalar_one()
    engine.dispose()
    booked = dyno_demo(
        "allocate", "--vehicle", str(placeholder_id), "-t", "brake", "--start", str(LATER),
        "--days", "2", "--json",
    )  # fmt: skip
    assert booked.exit_code == 0, booked.output
    booking_id = json.loads(booked.stdout)["allocation"]["id"]
    placeholders = dyno_demo("vehicles", "list", "--placeholder")
    assert "(TBD-2027 P702#1)" in placeholders.stdout and "1 of 1" in placeholders.stdout

    assigned = dyno_demo("vehicles", "assign-tag", str(placeholder_id), "312w240")
    assert assigned.exit_code == 0, assigned.output
    assert "312W240" in assigned.stdout
    rows = dyno_demo.rows(
        "SELECT v.id, v.tag, v.placeholder_key FROM allocations a JOIN vehicles v "
        "ON v.id = a.vehicle_id WHERE a.id = :i",
        i=booking_id,
    )
    assert [tuple(r) for r in rows] == [(placeholder_id, "312W240", "TBD-2027 P702#1")]
