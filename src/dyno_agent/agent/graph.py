"""The agent graph: context -> summarize -> llm -> (review -> confirm ->) tools -> llm ... ; error
ends it. Any call of a destructive tool's name sends the whole message through review."""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dyno_agent.agent.context import AgentContext
from dyno_agent.agent.nodes.common import unanswered_calls
from dyno_agent.agent.nodes.confirm import confirm_node, review_node
from dyno_agent.agent.nodes.context import context_node
from dyno_agent.agent.nodes.error import error_node
from dyno_agent.agent.nodes.llm import llm_node
from dyno_agent.agent.nodes.summarize import summarize_node
from dyno_agent.agent.nodes.tools import tools_node
from dyno_agent.agent.state import AgentState
from dyno_agent.agent.tools import DESTRUCTIVE


def after_context(state: AgentState) -> Literal["summarize", "error"]:
    return "error" if state.get("error") else "summarize"


def after_llm(state: AgentState) -> Literal["tools", "review", "error", "__end__"]:
    if state.get("error"):
        return "error"
    calls = unanswered_calls(state["messages"])
    if not calls:
        return "__end__"
    if any(call["name"] in DESTRUCTIVE for call in calls):
        return "review"
    return "tools"


def after_tools(state: AgentState) -> Literal["llm", "error"]:
    return "error" if state.get("error") else "llm"


AgentGraph = CompiledStateGraph[AgentState, AgentContext, AgentState, AgentState]


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> AgentGraph:
    graph = StateGraph(AgentState, context_schema=AgentContext)
    graph.add_node("context", context_node)
    graph.add_node("summarize", summarize_node)
    graph.add_node("llm", llm_node)
    graph.add_node("review", review_node)
    graph.add_node("confirm", confirm_node)
    graph.add_node("tools", tools_node)
    graph.add_node("error", error_node)
    graph.add_edge(START, "context")
    graph.add_conditional_edges("context", after_context)
    graph.add_edge("summarize", "llm")
    graph.add_conditional_edges("llm", after_llm)
    graph.add_conditional_edges("tools", after_tools)
    graph.add_edge("error", END)
    return graph.compile(checkpointer=checkpointer)
