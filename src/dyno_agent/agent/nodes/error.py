"""error: end the turn with a short, friendly message; the conversation stays usable."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import close_calls, unanswered_calls
from dyno_agent.agent.state import AgentState
from dyno_agent.observability import metrics

MESSAGES = {
    "model": "Sorry, the language model is not answering right now. Please try again in a moment.",
    "database": "Sorry, the scheduling database is not answering right now. Nothing was changed "
    "by this step; please try again in a moment.",
}


async def error_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    message = MESSAGES.get(
        state.get("error") or "", "Sorry, something went wrong. Please try again."
    )
    runtime.stream_writer({"type": "error", "message": message})
    metrics.record_error_turn(state.get("error"))
    dangling = unanswered_calls(state.get("messages", []))
    update: dict[str, Any] = {"error": None}
    if dangling:
        update["messages"] = close_calls(
            dangling, "not_run", "Not run: the turn ended in an error."
        )
    return update
