"""Audit log responses."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The tables with the `audit_row` trigger (migration 0005).
AuditTable = Literal["users", "vehicles", "dynos", "dyno_rules", "maintenance_windows"]
AuditChannel = Literal["api", "agent", "cli", "import", "sql", "plan"]


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_id: int | None = Field(description="The user acting, if any.")
    actor_label: str | None = Field(description="e.g. `os:alice` for a CLI command.")
    channel: str = Field(description="api, agent, cli, import, or sql (no stamp: direct SQL).")
    table_name: str
    row_id: int
    action: Literal["insert", "update", "delete"]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
