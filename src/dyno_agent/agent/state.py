"""The graph's state: the conversation plus what the nodes pass each other."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


class AgentState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    # A running summary of what the user did earlier, folded out of the message history.
    summary: str
    # The lab's vocabularies for this turn (test types, drive types, dyno names).
    vocabulary: dict[str, list[str]]
    # Set by a node that failed for good; the error node turns it into a friendly message.
    error: str | None
    # Bookkeeping for the error node: how many transient failures this turn has seen.
    failures: int
    # The question the confirm node asks, set by the review node before it pauses the graph.
    confirmation: dict[str, Any] | None
    # Ids of the destructive calls the user approved; the tools node runs no other destructive call.
    approved: list[str]
    extra: dict[str, Any]
