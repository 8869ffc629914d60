"""The agent's tools, by name: the one list the graph binds, validates against and runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dyno_agent.agent.tools.adhoc import ADHOC_TOOLS
from dyno_agent.agent.tools.approvals import APPROVAL_TOOLS
from dyno_agent.agent.tools.base import SchemaFill, ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.agent.tools.feeds import FEED_TOOLS
from dyno_agent.agent.tools.notes import NOTE_TOOLS
from dyno_agent.agent.tools.notifications import NOTIFICATION_TOOLS
from dyno_agent.agent.tools.planning import PLANNING_TOOLS
from dyno_agent.agent.tools.scheduling import SCHEDULING_TOOLS
from dyno_agent.agent.tools.series import SERIES_TOOLS
from dyno_agent.agent.tools.waitlist import WAITLIST_TOOLS
from dyno_agent.config import Settings

TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in [
        *SCHEDULING_TOOLS,
        *ADHOC_TOOLS,
        *PLANNING_TOOLS,
        *FEED_TOOLS,
        *SERIES_TOOLS,
        *NOTIFICATION_TOOLS,
        *WAITLIST_TOOLS,
        *APPROVAL_TOOLS,
        *NOTE_TOOLS,
    ]
}
DESTRUCTIVE = frozenset(name for name, spec in TOOLS.items() if spec.destructive)


def schema_fill(vocabulary: Mapping[str, Sequence[str]], settings: Settings) -> SchemaFill:
    """The live test and drive types and the configured limits, as the schemas show them."""
    return SchemaFill(
        enums={
            "test_type": tuple(vocabulary.get("test_types", ())),
            "drive_type": tuple(vocabulary.get("drive_types", ())),
        },
        maximums={
            "days_to_complete": settings.max_booking_days,
            "extend_days": settings.max_booking_days - 1,
            "max_backup_days": settings.max_backup_days,
            "max_shift_days": settings.max_backup_days,
        },
    )


def tool_schemas(
    vocabulary: Mapping[str, Sequence[str]], settings: Settings
) -> list[dict[str, Any]]:
    """Every tool's definition as bound to the chat model for this turn."""
    fill = schema_fill(vocabulary, settings)
    return [spec.schema(fill) for spec in TOOLS.values()]


__all__ = ["DESTRUCTIVE", "TOOLS", "ToolEnv", "ToolOutcome", "ToolSpec", "tool_schemas"]
