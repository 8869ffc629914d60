"""The agent's tools, by name."""

from __future__ import annotations

from dyno_agent.agent.tools.adhoc import ADHOC_TOOLS
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.agent.tools.planning import PLANNING_TOOLS
from dyno_agent.agent.tools.scheduling import SCHEDULING_TOOLS

TOOLS: dict[str, ToolSpec] = {
    spec.name: spec for spec in [*SCHEDULING_TOOLS, *ADHOC_TOOLS, *PLANNING_TOOLS]
}
DESTRUCTIVE = frozenset(name for name, spec in TOOLS.items() if spec.destructive)

__all__ = ["DESTRUCTIVE", "TOOLS", "ToolEnv", "ToolOutcome", "ToolSpec"]
