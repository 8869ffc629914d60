"""llm: ask the chat model for the next step, with the tools and the context block."""

from __future__ import annotations

import logging
import time
from typing import Any

from langchain_core.messages import SystemMessage
from langgraph.runtime import Runtime

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.prompts import AgentPromptContext, system_text
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import tool_schemas
from dyno_agent.observability import metrics

log = logging.getLogger(__name__)


def system_message(state: AgentState, context: AgentContext) -> SystemMessage:
    vocabulary = state.get("vocabulary") or {}
    prompt = AgentPromptContext(
        today=context.today,
        user_email=context.user_email,
        role=context.actor.role.value,
        user_id=context.actor.user_id,
        test_types=tuple(vocabulary.get("test_types", ())),
        drive_types=tuple(vocabulary.get("drive_types", ("2WD", "AWD", "4WD"))),
        dynos=tuple(vocabulary.get("dynos", ())),
        summary=state.get("summary") or "",
    )
    return SystemMessage(system_text(prompt))


async def llm_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    context = runtime.context
    model_name = context.settings.llm_spec()
    started = time.perf_counter()
    try:
        schemas = tool_schemas(state.get("vocabulary") or {}, context.settings)
        model = context.model_factory().bind_tools(schemas)
        response = await model.ainvoke([system_message(state, context), *state["messages"]])
    except Exception as exc:  # any provider failure ends the turn in the error node
        log.warning("model call failed: %s: %s", type(exc).__name__, exc)
        metrics.record_model_call(model_name, time.perf_counter() - started, None)
        return {"error": "model"}
    usage = getattr(response, "usage_metadata", None)
    metrics.record_model_call(model_name, time.perf_counter() - started, usage)
    return {"messages": [response]}
