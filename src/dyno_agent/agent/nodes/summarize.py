"""summarize: when the history passes its token budget, fold older turns into a summary.

Older assistant and tool messages are removed and described in `summary` (what the user did:
bookings made, cancelled, moved, questions asked); the user's own messages stay, and a recent
tail is kept whole. Tool calls and their results are never split.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, RemoveMessage, ToolMessage
from langgraph.runtime import Runtime

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.state import AgentState

MAX_SUMMARY_LINES = 40


def estimate_tokens(messages: list[AnyMessage]) -> int:
    """About four characters a token, plus tool-call arguments: cheap and provider-neutral."""
    total = 0
    for message in messages:
        total += len(str(message.content)) // 4 + 4
        if isinstance(message, AIMessage):
            total += sum(len(json.dumps(c["args"])) // 4 + 8 for c in message.tool_calls)
    return total


def tail_start(messages: list[AnyMessage], keep_tokens: int) -> int:
    """Index where the kept tail begins: at a user message, within about `keep_tokens`."""
    start = len(messages)
    for index in range(len(messages) - 1, -1, -1):
        if estimate_tokens(messages[index:]) > keep_tokens:
            break
        if isinstance(messages[index], HumanMessage):
            start = index
    if start == len(messages):  # even the last turn is over budget: keep from its user message
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        start = humans[-1] if humans else len(messages)
    return start


def describe_actions(messages: list[AnyMessage]) -> list[str]:
    """One line per tool call in `messages`, with its outcome."""
    results = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    lines = []
    for message in messages:
        if not isinstance(message, AIMessage):
            continue
        for call in message.tool_calls:
            args = ", ".join(f"{k}={v}" for k, v in call["args"].items() if v is not None)
            outcome = _outcome(results.get(call["id"] or ""))
            lines.append(f"- {call['name']}({args}): {outcome}")
    return lines


def _outcome(result: ToolMessage | None) -> str:
    if result is None:
        return "no result"
    try:
        body = json.loads(str(result.content))
    except ValueError:
        return str(result.content)[:120]
    if body.get("ok"):
        return str(body.get("summary", "done"))
    return f"failed ({body.get('error')}: {body.get('message')})"


async def summarize_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    messages = state.get("messages", [])
    budget = runtime.context.settings.agent_history_tokens
    if estimate_tokens(messages) <= budget:
        return {}
    cut = tail_start(messages, budget // 2)
    old = messages[:cut]
    removable = [m for m in old if not isinstance(m, HumanMessage) and m.id]
    if not removable:
        return {}
    lines = [*(state.get("summary") or "").splitlines(), *describe_actions(old)]
    summary = "\n".join(line for line in lines if line.strip())
    summary = "\n".join(summary.splitlines()[-MAX_SUMMARY_LINES:])
    return {"messages": [RemoveMessage(id=m.id) for m in removable if m.id], "summary": summary}
