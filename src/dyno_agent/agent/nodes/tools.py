"""tools: run the model's tool calls with the caller's identity, one transaction each."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import ToolMessage
from langgraph.runtime import Runtime
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import close_calls, tool_message, unanswered_calls
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import ToolEnv, ToolOutcome
from dyno_agent.agent.tools.execute import TransientToolError, known_tool, parse_call, run_tool
from dyno_agent.observability import metrics

NOT_CONFIRMED = "Not run: the user did not confirm this change."


async def tools_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    context = runtime.context
    calls = unanswered_calls(state["messages"])
    approved = set(state.get("approved") or [])
    results: list[ToolMessage] = []

    def env_factory(session: AsyncSession) -> ToolEnv:
        return ToolEnv(session, context.actor, context.settings, context.today)

    for position, call in enumerate(calls):
        parsed = parse_call(call["name"], call["args"])
        if isinstance(parsed, ToolOutcome):
            metrics.record_tool_call(known_tool(call["name"]), parsed.error or "refused")
            results.append(tool_message(call, parsed))
            continue
        if parsed.spec.destructive and call["id"] not in approved:
            # Only the review/confirm path approves; a destructive call never runs without it.
            metrics.record_tool_call(parsed.spec.name, "not_confirmed")
            results.append(tool_message(call, ToolOutcome.failure("not_confirmed", NOT_CONFIRMED)))
            continue
        runtime.stream_writer({"type": "status", "message": f"Running {parsed.spec.name}…"})
        try:
            outcome = await run_tool(
                parsed,
                session_factory=context.session_factory,
                env_factory=env_factory,
                attempts=context.settings.agent_tool_retries,
            )
        except TransientToolError:
            rest = close_calls(calls[position:], "unavailable", "The database did not answer.")
            return {"messages": [*results, *rest], "error": "database", "approved": []}
        results.append(tool_message(call, outcome))
    return {"messages": results, "approved": []}
