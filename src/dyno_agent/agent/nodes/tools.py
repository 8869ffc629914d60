"""tools: run the model's tool calls with the caller's identity, one transaction each."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import ToolMessage
from langgraph.runtime import Runtime
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import close_calls, tool_message, unanswered_calls
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import TOOLS, ToolEnv, ToolOutcome
from dyno_agent.agent.tools.execute import TransientToolError, run_tool


async def tools_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    context = runtime.context
    calls = unanswered_calls(state["messages"])
    results: list[ToolMessage] = []

    def env_factory(session: AsyncSession) -> ToolEnv:
        return ToolEnv(session, context.actor, context.settings, context.today)

    for position, call in enumerate(calls):
        spec = TOOLS.get(call["name"])
        if spec is None:
            outcome = ToolOutcome.failure(
                "unknown_tool", f"There is no tool called {call['name']!r}.", {"tools": list(TOOLS)}
            )
            results.append(tool_message(call, outcome))
            continue
        runtime.stream_writer({"type": "status", "message": f"Running {spec.name}…"})
        try:
            outcome = await run_tool(
                spec,
                call["args"],
                session_factory=context.session_factory,
                env_factory=env_factory,
                attempts=context.settings.agent_tool_retries,
            )
        except TransientToolError:
            rest = close_calls(calls[position:], "unavailable", "The database did not answer.")
            return {"messages": [*results, *rest], "error": "database"}
        results.append(tool_message(call, outcome))
    return {"messages": results}
