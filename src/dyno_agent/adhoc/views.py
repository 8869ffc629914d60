"""The relations an ad-hoc query may read: five domain tables and three reporting views.

The views are virtual: they live here, next to the allow-list, and the runner puts the ones a query
names in front of it as `NOT MATERIALIZED` CTEs, so they behave like database views (the planner
inlines them) without a migration or a database object anything else could come to depend on.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlalchemy import Column, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import NullType

from dyno_agent.auth import models as _users  # noqa: F401  (allocations.created_by's target)
from dyno_agent.scheduling.models import Allocation, Dyno, DynoRule, MaintenanceWindow, Vehicle

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Vehicle.__table__, Dyno.__table__, DynoRule.__table__, MaintenanceWindow.__table__,
        Allocation.__table__,
    )
    if isinstance(table, Table)
}  # fmt: skip

# name -> (what it is, its SELECT). Trusted SQL: written here, never from a caller.
VIEWS: dict[str, tuple[str, str]] = {
    "allocation_overview": (
        "one row per allocation, with its vehicle's VIN/program and its dyno's name/facility",
        "SELECT a.id, a.status, a.test_type, a.start_date, a.end_date,"
        " a.end_date - a.start_date + 1 AS days, a.vehicle_id, v.vin, v.program,"
        " v.drive_type, v.weight_class, v.weight_lbs, a.dyno_id, d.name AS dyno_name,"
        " d.facility, a.notes, a.created_by, a.created_at, a.updated_at"
        " FROM allocations AS a JOIN vehicles AS v ON v.id = a.vehicle_id"
        " LEFT JOIN dynos AS d ON d.id = a.dyno_id",
    ),
    "dyno_capabilities": (
        "one row per dyno rule: which test type, drive type and weight class a dyno accepts"
        " ('any' matches every value)",
        "SELECT d.id AS dyno_id, d.name AS dyno_name, d.facility, d.enabled, d.available_from,"
        " d.available_to, r.test_type, r.drive_type, r.weight_class"
        " FROM dyno_rules AS r JOIN dynos AS d ON d.id = r.dyno_id",
    ),
    "maintenance_overview": (
        "one row per maintenance window, with its dyno's name/facility",
        "SELECT m.id, m.dyno_id, d.name AS dyno_name, d.facility, m.start_date, m.end_date,"
        " m.end_date - m.start_date + 1 AS days, m.reason"
        " FROM maintenance_windows AS m JOIN dynos AS d ON d.id = m.dyno_id",
    ),
}

RELATIONS = frozenset(TABLES) | frozenset(VIEWS)


def view_ctes(names: tuple[str, ...]) -> str:
    """`WITH name AS NOT MATERIALIZED (...), ...` for these views, or '' when there are none."""
    if not names:
        return ""
    parts = [f"{name} AS NOT MATERIALIZED ({VIEWS[name][1]})" for name in names]
    return "WITH " + ", ".join(parts) + " "


def describe_relations() -> str:
    """A compact schema of what ad-hoc queries may read, for prompts and tool descriptions."""
    lines = []
    for name, table in TABLES.items():
        columns = ", ".join(f"{c.name} {_type_name(c)}" for c in table.columns)
        lines.append(f"{name}({columns})")
    for name, (about, sql) in VIEWS.items():
        select = sqlglot.parse_one(sql, read="postgres")
        assert isinstance(select, sqlglot.exp.Select)
        columns = ", ".join(select.named_selects)
        lines.append(f"{name}({columns}): view, {about}")
    return "\n".join(lines)


def _type_name(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, NullType) and column.foreign_keys:
        kind = next(iter(column.foreign_keys)).column.type
    return kind.compile(dialect=postgresql.dialect()).lower()
