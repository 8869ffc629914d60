"""Migration 0017 goes down (a pending request becomes a scheduled booking) and up again."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from tests.conftest import create_scratch_database

_REQUEST = """
    WITH d AS (INSERT INTO dynos (name, facility, needs_approval) VALUES ('Cert', 'C', true)
               RETURNING id),
         v AS (INSERT INTO vehicles (tag, weight_class, drive_type) VALUES ('T1', '<10K', '2WD')
               RETURNING id)
    INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date, status)
    SELECT v.id, d.id, 'brake', '2030-01-07', '2030-01-08', 'requested' FROM d, v
"""


def test_0017_downgrades_requests_to_scheduled_and_upgrades_again(server_url: URL):
    url, admin = create_scratch_database(server_url, "dyno_migrations_0017")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        migrate.upgrade(url)
        with engine.begin() as conn:
            conn.execute(text(_REQUEST))
        with pytest.raises(IntegrityError), engine.begin() as conn:  # never straight to running
            conn.execute(text("UPDATE allocations SET status = 'running'"))

        migrate.downgrade(url, "0011")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT status FROM allocations")).scalar_one() == "scheduled"
            assert "needs_approval" not in {c["name"] for c in inspect(conn).get_columns("dynos")}
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE allocations SET status = 'requested'"))

        migrate.upgrade(url)
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("allocations")}
        assert "approval_reason" in columns
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")
