"""context: the live vocabularies (test types, drive types, dyno names) for this turn."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools.execute import is_transient

log = logging.getLogger(__name__)


async def context_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    try:
        async with runtime.context.session_factory() as session:
            vocabulary = await runtime.context.vocabulary.get(session)
    except Exception as exc:
        if not is_transient(exc):
            raise
        log.warning("vocabulary unavailable: %s", exc)
        return {"error": "database", "failures": 0}
    return {"vocabulary": vocabulary.as_dict(), "error": None, "failures": 0}
