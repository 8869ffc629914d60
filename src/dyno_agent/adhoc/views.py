"""What an ad-hoc query may read: the views of the `reporting` schema (migration 0004).

Five views show a domain table each (same name, its columns written out) and three join them for
common questions. Queries run as the role `dyno_adhoc_reader`, which may read these views and
nothing else, so the database enforces this list too. The lists below describe the views for the
guard and the prompt; a test checks them against the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import NullType

from dyno_agent.auth import models as _users  # noqa: F401  (allocations.created_by's target)
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule, MaintenanceWindow, Vehicle

SCHEMA = "reporting"
READER_ROLE = "dyno_adhoc_reader"

_TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Vehicle.__table__, Dyno.__table__, DynoRule.__table__, MaintenanceWindow.__table__,
        Allocation.__table__, TestRequest.__table__,
    )
    if isinstance(table, Table)
}  # fmt: skip

# name -> the columns its reporting view shows (types come from the table).
TABLES: dict[str, tuple[str, ...]] = {
    "vehicles": (
        "id", "vin", "program", "build_id", "cert_team", "powerpack", "build_type", "weight_lbs",
        "weight_class", "drive_type", "created_at", "updated_at", "tag", "placeholder_key",
        "model_year",
    ),
    "dynos": (
        "id", "name", "facility", "enabled", "available_from", "available_to", "notes",
        "supported_weight_classes", "supported_drives", "supported_test_types", "created_at",
        "updated_at",
    ),
    "dyno_rules": ("id", "dyno_id", "test_type", "drive_type", "weight_class"),
    "maintenance_windows": ("id", "dyno_id", "start_date", "end_date", "reason", "created_at"),
    "allocations": (
        "id", "vehicle_id", "dyno_id", "test_type", "start_date", "end_date", "status", "notes",
        "created_by", "created_at", "updated_at",
    ),
    "test_requests": (
        "id", "vehicle_id", "test_type", "mileage_step", "step_from_miles", "step_to_miles",
        "days", "earliest_start", "desired_start", "priority", "status", "allocation_id",
        "source_file", "source_sheet", "source_row", "notes", "created_by", "created_at",
        "updated_at", "facility",
    ),
}  # fmt: skip

# name -> (what it is, its columns).
VIEWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "allocation_overview": (
        "one row per allocation, with its vehicle's tag/VIN/program and its dyno's name/facility",
        (
            "id", "status", "test_type", "start_date", "end_date", "days", "vehicle_id", "vin",
            "program", "drive_type", "weight_class", "weight_lbs", "dyno_id", "dyno_name",
            "facility", "notes", "created_by", "created_at", "updated_at", "tag",
        ),
    ),
    "dyno_capabilities": (
        "one row per dyno rule: which test type, drive type and weight class a dyno accepts"
        " ('any' matches every value)",
        (
            "dyno_id", "dyno_name", "facility", "enabled", "available_from", "available_to",
            "test_type", "drive_type", "weight_class",
        ),
    ),
    "maintenance_overview": (
        "one row per maintenance window, with its dyno's name/facility",
        ("id", "dyno_id", "dyno_name", "facility", "start_date", "end_date", "days", "reason"),
    ),
}  # fmt: skip

RELATIONS = frozenset(TABLES) | frozenset(VIEWS)


def describe_relations() -> str:
    """A compact schema of what ad-hoc queries may read, for prompts and tool descriptions."""
    lines = []
    for name, names in TABLES.items():
        table = _TABLES[name]
        columns = ", ".join(f"{c} {_type_name(table.columns[c])}" for c in names)
        lines.append(f"{name}({columns})")
    for name, (about, names) in VIEWS.items():
        lines.append(f"{name}({', '.join(names)}): view, {about}")
    return "\n".join(lines)


def _type_name(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, NullType) and column.foreign_keys:
        kind = next(iter(column.foreign_keys)).column.type
    return kind.compile(dialect=postgresql.dialect()).lower()
