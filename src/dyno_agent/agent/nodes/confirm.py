"""confirm: ask the user (LangGraph `interrupt`) before a cancel or a reschedule runs.

When the action cannot happen anyway (unknown booking, someone else's, already finished), there is
nothing to confirm: the tool runs and reports the domain error.
"""

from __future__ import annotations

from typing import Literal

from langchain_core.messages import ToolCall
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import close_calls, unanswered_calls
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import DESTRUCTIVE
from dyno_agent.errors import DomainError
from dyno_agent.scheduling.allocations import get_allocation
from dyno_agent.scheduling.booking import ensure_can_modify
from dyno_agent.scheduling.models import MOVABLE_STATUSES, TRANSITIONS, AllocationStatus

DECLINED = "The user declined; nothing was changed."


async def describe(call: ToolCall, context: AgentContext) -> str | None:
    """The question to ask, or None when the call will fail anyway (then it just runs)."""
    allocation_id = call["args"].get("allocation_id")
    if not isinstance(allocation_id, int):
        return None
    async with context.session_factory() as session:
        try:
            allocation = await get_allocation(session, allocation_id)
            ensure_can_modify(context.actor, allocation)
        except DomainError:
            return None
    status = AllocationStatus(allocation.status)
    dyno = allocation.dyno.name if allocation.dyno else "no dyno"
    what = (
        f"allocation #{allocation.id}: {allocation.test_type} for {allocation.vehicle.vin} on "
        f"{dyno}, {allocation.start_date} to {allocation.end_date} ({status.value})"
    )
    if call["name"] == "cancel_allocation":
        if AllocationStatus.cancelled not in TRANSITIONS[status]:
            return None
        return f"Cancel {what}?"
    if status not in MOVABLE_STATUSES:
        return None
    days = call["args"].get("days_to_complete") or allocation.days
    return f"Move {what} to start {call['args'].get('new_start_date')} for {days} day(s)?"


async def confirm_node(
    state: AgentState, runtime: Runtime[AgentContext]
) -> Command[Literal["tools", "llm"]]:
    calls = unanswered_calls(state["messages"])
    destructive = [c for c in calls if c["name"] in DESTRUCTIVE]
    prompts = [p for c in destructive if (p := await describe(c, runtime.context))]
    if not prompts:
        return Command(goto="tools")
    first = destructive[0]
    payload = {
        "action": first["name"] if len(destructive) == 1 else "multiple",
        "args": first["args"] if len(destructive) == 1 else {"calls": destructive},
        "prompt": " ".join(prompts),
    }
    answer = interrupt(payload)
    approved = answer.get("approve") if isinstance(answer, dict) else bool(answer)
    if approved is True:
        return Command(goto="tools")
    return Command(goto="llm", update={"messages": close_calls(calls, "declined", DECLINED)})
