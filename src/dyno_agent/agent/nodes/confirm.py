"""review and confirm: nothing destructive runs unless the user approved exactly that call.

review parses every pending destructive call with its tool's model (`parse_call`, as the tools node
does) and asks the tool what to confirm. A call certain to be refused (invalid arguments, an unknown
or someone else's booking, a finished one) gets its refusal as the result and is neither asked nor
run; any doubt means asking. The question is kept in the state, so confirm (which LangGraph runs
again on resume) asks exactly what review decided. One question lists every call of the message;
approving or rejecting applies to all of them.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import ToolMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import close_calls, tool_message, unanswered_calls
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import ToolEnv, ToolOutcome
from dyno_agent.agent.tools.execute import known_tool, parse_call, question_for
from dyno_agent.observability import metrics

DECLINED = "The user declined; nothing was changed."


async def review_node(
    state: AgentState, runtime: Runtime[AgentContext]
) -> Command[Literal["confirm", "tools"]]:
    context = runtime.context

    def env_factory(session: AsyncSession) -> ToolEnv:
        return ToolEnv(session, context.actor, context.settings, context.today)

    refusals: list[ToolMessage] = []
    asked: list[dict[str, Any]] = []
    for call in unanswered_calls(state["messages"]):
        parsed = parse_call(call["name"], call["args"])
        if isinstance(parsed, ToolOutcome):
            metrics.record_tool_call(known_tool(call["name"]), parsed.error or "refused")
            refusals.append(tool_message(call, parsed))
            continue
        if not parsed.spec.destructive:
            continue
        question = await question_for(
            parsed, session_factory=context.session_factory, env_factory=env_factory
        )
        if isinstance(question, ToolOutcome):
            metrics.record_tool_call(parsed.spec.name, question.error or "refused")
            refusals.append(tool_message(call, question))
        else:
            asked.append(
                {"id": call["id"], "name": call["name"], "args": parsed.shown_args(), "q": question}
            )
    update: dict[str, Any] = {"messages": refusals, "approved": [], "confirmation": None}
    if not asked:
        return Command(goto="tools", update=update)
    if len(asked) == 1:
        payload = {"action": asked[0]["name"], "args": asked[0]["args"], "prompt": asked[0]["q"]}
    else:
        lines = " ".join(f"({n}) {item['q']}" for n, item in enumerate(asked, start=1))
        payload = {
            "action": "multiple",
            "args": {"calls": [{"name": i["name"], "args": i["args"]} for i in asked]},
            "prompt": f"{len(asked)} changes, approved or rejected together: {lines}",
        }
    update["confirmation"] = {"payload": payload, "ids": [item["id"] for item in asked]}
    metrics.record_confirmation("asked")
    return Command(goto="confirm", update=update)


async def confirm_node(
    state: AgentState, runtime: Runtime[AgentContext]
) -> Command[Literal["tools", "llm"]]:
    pending = state.get("confirmation") or {}
    answer = interrupt(pending.get("payload", {}))
    approved = answer.get("approve") if isinstance(answer, dict) else answer
    # Runs once per answer: the first run stops in interrupt() above until the user answers.
    metrics.record_confirmation("approved" if approved is True else "rejected")
    if approved is True:
        update = {"approved": list(pending.get("ids", [])), "confirmation": None}
        return Command(goto="tools", update=update)
    calls = unanswered_calls(state["messages"])
    update = {"messages": close_calls(calls, "declined", DECLINED), "confirmation": None}
    return Command(goto="llm", update=update)
