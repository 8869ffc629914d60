"""Migration 0006 carries vehicles over to tags (tag = VIN) and downgrades back cleanly."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from tests.conftest import create_scratch_database

VIN = "1FTFW1E50PFA00001"


def test_existing_vehicles_get_their_vin_as_tag_and_the_migration_goes_down_and_up(
    server_url: URL,
) -> None:
    url, admin = create_scratch_database(server_url, "dyno_tags")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        migrate.upgrade(url, "0005")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO vehicles (vin, weight_class, drive_type) "
                    "VALUES (:vin, '<10K', 'AWD')"
                ),
                {"vin": VIN},
            )
        migrate.upgrade(url, "0006")
        with engine.connect() as conn:
            row = conn.execute(text("SELECT tag, vin, placeholder_key FROM vehicles")).one()
            assert tuple(row) == (VIN, VIN, None)
            view = conn.execute(text("SELECT tag, model_year FROM reporting.vehicles")).one()
            assert tuple(view) == (VIN, None)

        migrate.downgrade(url, "0005")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT vin FROM reporting.vehicles")).scalar_one() == VIN
            columns = conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'reporting' AND table_name = 'vehicles'"
                )
            ).scalars()
            assert "tag" not in set(columns)

        migrate.upgrade(url, "0006")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO vehicles (placeholder_key, weight_class, drive_type) "
                    "VALUES ('TBD-2027 P702#1', '<10K', 'AWD')"
                )
            )
        with pytest.raises(DBAPIError, match="without a VIN"):
            migrate.downgrade(url, "0005")
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")


def test_a_vehicle_needs_a_tag_or_a_placeholder_key(server_url: URL) -> None:
    url, admin = create_scratch_database(server_url, "dyno_tags")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        migrate.upgrade(url, "0006")
        with engine.begin() as conn, pytest.raises(DBAPIError, match="tag_or_placeholder"):
            conn.execute(
                text("INSERT INTO vehicles (weight_class, drive_type) VALUES ('<10K', 'AWD')")
            )
    finally:
        engine.dispose()
        drop_database(admin, url.database or "")
