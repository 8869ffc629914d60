"""The migrations build the schema on an empty database, match the models, and downgrade cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool, text
from sqlalchemy.engine import URL

import dyno_agent.models  # noqa: F401
from dyno_agent.db import migrate
from dyno_agent.db.base import Base
from dyno_agent.db.embedded import drop_database
from tests.conftest import create_scratch_database

TRIGGER_TABLES = {"dyno_occupancy", "dyno_busy_days", "scheduling_rules_version"}  # not mapped


def test_upgrade_on_empty_database_matches_models_and_downgrade_empties_it(server_url: URL):
    url, admin = create_scratch_database(server_url, "dyno_migrations")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        migrate.upgrade(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_object": lambda o, name, kind, r, c: (
                        not (kind == "table" and name in TRIGGER_TABLES)
                    ),
                },
            )
            assert compare_metadata(context, Base.metadata) == []
            constraints = {
                row[0]
                for row in conn.execute(text("SELECT conname FROM pg_constraint WHERE contype='x'"))
            }
        assert constraints == {
            "ex_allocations_dyno_overlap",
            "ex_allocations_vehicle_overlap",
            "ex_dyno_occupancy_maintenance",
        }

        migrate.downgrade(url, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == {"alembic_version"}
            functions = conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'allocations_%'")
            ).scalar_one()
            assert functions == 0

        migrate.upgrade(url)  # and back up again from empty
        with engine.connect() as conn:
            assert "allocations" in inspect(conn).get_table_names()
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")


def test_test_requests_migration_goes_down_to_0006_and_up_again_with_its_triggers(
    server_url: URL,
):
    url, admin = create_scratch_database(server_url, "dyno_migrations_0007")
    engine = create_engine(url, poolclass=pool.NullPool)
    triggers = (
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        " AND tgrelid = 'test_requests'::regclass ORDER BY tgname"
    )
    try:
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert [r[0] for r in conn.execute(text(triggers))] == [
                "test_requests_audit",
                "test_requests_check_transition",
            ]

        migrate.downgrade(url, "0006")
        with engine.connect() as conn:
            assert "test_requests" not in inspect(conn).get_table_names()
            leftover = conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'test_requests_%'")
            ).scalar_one()
            assert leftover == 0
            assert "audit_log" in inspect(conn).get_table_names()

        migrate.upgrade(url)
        with engine.connect() as conn:
            assert len(list(conn.execute(text(triggers)))) == 2
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")
