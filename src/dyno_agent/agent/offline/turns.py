"""One turn of the offline model: from the conversation so far to the next AIMessage.

- After the user speaks: a refusal, help, a clarifying question, or one tool call (one per
  vehicle or booking when several are named).
- After tool results: a Markdown answer, never another tool call.
A clarifying question carries `additional_kwargs["offline"]["pending"]` (the request so far), so the
next user message can fill the gap ("Which vehicle?" -> "vehicle 5").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from dyno_agent.agent.confirm_words import read_answer
from dyno_agent.agent.offline import (
    approvals,
    booking_notes,
    notifications,
    replies,
    safety,
    waitlist,
)
from dyno_agent.agent.offline.answers import answer
from dyno_agent.agent.offline.calls import names_several, sql_statement, tool_calls
from dyno_agent.agent.offline.dialogue import dialogue_state, proposal
from dyno_agent.agent.offline.follow_ups import follow_up
from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.language import conversation_language
from dyno_agent.agent.offline.messages import say, speaking
from dyno_agent.agent.offline.parse import ParsedRequest, parse_request
from dyno_agent.agent.offline.restate import restatement
from dyno_agent.agent.offline.tool_results import recent_id
from dyno_agent.agent.prompts import AgentPromptContext, parse_context

KEY = "offline"
# Intents a bare fragment falls into ("vehicle 5", "MPG 3", "booking 17"): an answer, unless it
# asks for more.
_FRAGMENT_INTENTS = {Intent.CHECK_VEHICLE, Intent.GET_DYNO, Intent.GET_BOOKING}
_EXPLICIT = re.compile(
    r"\b(?:check|where|when|show|list|status|history|look\s*up|tell|about|details?|info|"
    r"describe|booked|bookings?|scheduled|rules?|supports?)\b",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\W*#?\s*(\d{1,9})\W*$")
# "la 17", "die 5", "number 17": an answer that is a number after an article.
_ARTICLE_NUMBER = re.compile(
    r"^\W*(?:the|la|el|le|lo|o|a|die|der|das|number|nr\.?|no\.?|n[ºo°])\s+#?\s*(\d{1,9})\W*$",
    re.IGNORECASE,
)
_BARE_AS = {
    "vehicle": "vehicle {}",
    "allocation_id": "booking {}",
    "duration": "{} days",
    "dyno": "dyno {}",
    "weight": "{} lbs",
    "plan_id": "plan {}",
}
_FOCUS_INTENTS = {Intent.MAINTENANCE, Intent.UTILIZATION}
_DATA_QUESTION = re.compile(
    r"\b(?:sql|query|database|tables?|how\s+many|average|mean|sum|total|count|per\s+(?:dyno|month))\b",
    re.IGNORECASE,
)


def message_text(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = [
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in message.content
        if isinstance(part, str) or (isinstance(part, dict) and part.get("type") == "text")
    ]
    return " ".join(parts)


def read_context(messages: Sequence[BaseMessage]) -> AgentPromptContext:
    system = "\n".join(message_text(m) for m in messages if isinstance(m, SystemMessage))
    return parse_context(system)


def respond(messages: Sequence[BaseMessage], tools: frozenset[str] | None) -> AIMessage:
    """The next message, in the language of the request; `tools` is the set of bound tool names
    (None: any tool)."""
    human = [message_text(m) for m in messages if isinstance(m, HumanMessage)]
    context = read_context(messages)
    with speaking(conversation_language(human, (*context.test_types, *context.dynos))):
        return _respond(messages, tools, context)


def _respond(
    messages: Sequence[BaseMessage], tools: frozenset[str] | None, context: AgentPromptContext
) -> AIMessage:
    last = messages[-1] if messages else None
    if isinstance(last, ToolMessage):
        return _answer_results(messages, context)
    if isinstance(last, HumanMessage):
        return _reply(messages, message_text(last), context, tools)
    return AIMessage(content=replies.help_reply("", context))


def _answer_results(messages: Sequence[BaseMessage], context: AgentPromptContext) -> AIMessage:
    ai_index = max((i for i, m in enumerate(messages) if isinstance(m, AIMessage)), default=-1)
    ai = messages[ai_index] if ai_index >= 0 else None
    calls = {c["id"]: c for c in ai.tool_calls} if isinstance(ai, AIMessage) else {}
    hints = (ai.additional_kwargs.get(KEY) or {}).get("hints", {}) if ai is not None else {}
    parts = []
    for message in messages[ai_index + 1 :]:
        if isinstance(message, ToolMessage):
            call = calls.get(message.tool_call_id)
            name, args = (call["name"], call["args"]) if call else (message.name or "tool", {})
            parts.append(answer(name, args, message.content, context, hints))
    return AIMessage(content="\n\n".join(parts) or say("done"))


def _pending(messages: Sequence[BaseMessage]) -> str | None:
    """The request a clarifying question is waiting on (the AI message before the user's)."""
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage):
            pending = (message.additional_kwargs.get(KEY) or {}).get("pending")
            return pending if isinstance(pending, str) and pending.strip() else None
        if isinstance(message, HumanMessage):
            return None
    return None


def _parse(text: str, context: AgentPromptContext, intent: Intent | None = None) -> ParsedRequest:
    return parse_request(text, context.today, context.test_types, context.dynos, intent)


def _standalone(new: ParsedRequest, text: str) -> bool:
    """A complete request of its own, not just an answer to the question asked."""
    if new.intent in (Intent.UNKNOWN, Intent.HELP) or new.missing or new.problems:
        return False
    return new.intent not in _FRAGMENT_INTENTS or bool(_EXPLICIT.search(text))


def _fill(pending: str, text: str, context: AgentPromptContext) -> tuple[ParsedRequest, str] | None:
    """The pending request completed by the answer, when the answer supplies something missing."""
    old = _parse(pending, context)
    number = _BARE_NUMBER.match(text) or _ARTICLE_NUMBER.match(text)
    if number and old.missing and old.missing[0] in _BARE_AS:
        text = _BARE_AS[old.missing[0]].format(number.group(1))
    # The answer first as well: "from March 10" must be read before a pending "until March 20".
    for combined in (f"{pending}\n{text}", f"{text}\n{pending}"):
        filled = _parse(combined, context, old.intent)  # the answer continues that request
        if filled.intent is old.intent and len(filled.missing) < len(old.missing):
            return filled, combined
    return None


def _reply(
    messages: Sequence[BaseMessage],
    text: str,
    context: AgentPromptContext,
    tools: frozenset[str] | None,
) -> AIMessage:
    noted = booking_notes.call_for(text)  # the note is taken as typed, not classified
    if noted is not None and not safety.must_decline(text):
        return _call(messages, *noted, tools, {})
    new = _parse(text, context)
    queue = _approvals(messages, text, tools) if not safety.must_decline(text) else None
    if queue is not None:
        return queue
    if new.intent is Intent.DECLINE:
        return AIMessage(content=replies.refusal(context))
    sql = sql_statement(text)
    if sql is not None:
        return _call(messages, "query_database", {"sql": sql}, tools, {})
    proposed = proposal(messages)
    if proposed and read_answer(text) is True:  # "yes" to a restated booking
        return _calls(messages, [(c.name, c.args) for c in proposed], tools, {})
    if proposed and read_answer(text) is False and (pending := _pending(messages)):
        return _ask("OK, I won't book it. Which start date and length should I use?", pending)
    pending = _pending(messages)
    if pending is None or _standalone(new, text):
        return _act(messages, new, text, context, tools)
    filled = _fill(pending, text, context)
    if filled is not None:
        return _act(messages, filled[0], filled[1], context, tools)
    if new.intent is not Intent.UNKNOWN:
        return _act(messages, new, text, context, tools)
    old = _parse(pending, context)
    question = replies.clarifying_question(old, context)
    return _ask(replies.didnt_catch(question), pending, old.missing)


def _approvals(
    messages: Sequence[BaseMessage], text: str, tools: frozenset[str] | None
) -> AIMessage | None:
    """The approval queue's exact phrasings, and the reason asked for after "reject 15"."""
    pending = _pending(messages)
    if pending and pending.startswith(approvals.REJECT_PENDING):
        if read_answer(text) is False:
            return AIMessage(content=say("approvals.not_rejecting"))
        found = approvals.match(text) or approvals.reason_for(pending, text)
    else:
        found = approvals.match(text)
    if found is None:
        return None
    if found.question is not None and found.pending is not None:
        return _ask(found.question, found.pending, ("reason",))
    assert found.tool is not None
    return _call(messages, found.tool, found.args, tools, {})


_CUE_BEFORE = re.compile(r"\b(?:from|starting(?:\s+on)?|on|between|beginning)\s+$", re.IGNORECASE)


def _without_dates(text: str, p: ParsedRequest) -> str:
    if not p.dates.spans:
        return text
    start, end = p.dates.spans[0][0], p.dates.spans[-1][1]
    cue = _CUE_BEFORE.search(text[:start])
    start = cue.start() if cue else start
    return re.sub(r"\s+", " ", f"{text[:start]} {text[end:]}").strip()


def _ask(
    question: str,
    pending: str,
    missing: Sequence[str] = (),
    proposed: dict[str, Any] | None = None,
) -> AIMessage:
    """A question; `pending` is the request so far, `missing` what is asked for and `proposed`
    the call a "yes" makes."""
    marker: dict[str, Any] = {"pending": pending, "missing": list(missing)}
    if proposed is not None:
        marker["proposal"] = proposed
    return AIMessage(content=question, additional_kwargs={KEY: marker})


def _act(
    messages: Sequence[BaseMessage],
    p: ParsedRequest,
    text: str,
    context: AgentPromptContext,
    tools: frozenset[str] | None,
) -> AIMessage:
    if p.intent is Intent.DECLINE:
        return AIMessage(content=replies.refusal(context))
    found = follow_up(dialogue_state(messages), p, text, context.dynos, _standalone(p, text))
    if found is not None and found.question:
        return _ask(found.question, text, ())
    if found is not None and found.calls:
        restated = restatement(p, found.calls)
        if restated is not None:
            return _ask(restated.question, restated.pending, ("start_date",), restated.proposal)
        return _calls(messages, found.calls, tools, {}, found.note)
    p = found.request if found is not None and found.request is not None else p
    if p.intent is Intent.HELP:
        return AIMessage(content=replies.help_reply(text, context))
    if p.intent is Intent.UNKNOWN:
        if _DATA_QUESTION.search(text):
            return AIMessage(content=replies.sql_out_of_scope(context))
        return AIMessage(content=replies.unknown_reply(context))
    if p.problems:  # keep the request without its wrong dates, so the answer can replace them
        question = replies.clarifying_question(p, context)
        return _ask(question, _without_dates(text, p), ("start_date", "end_date"))
    if p.intent is Intent.SUBSCRIBE and not notifications.subscription_args(text, p.entities):
        return _ask(say("notify.which"), text, ())
    refused = waitlist.refused_booking(messages) if p.intent is Intent.WAITLIST_JOIN else None
    if p.missing and refused is not None:  # "yes, put me on the waitlist" after a refusal
        return _calls(messages, [("join_waitlist", refused)], tools, {})
    offered = waitlist.offered_entry(messages) if p.intent is Intent.WAITLIST_ANSWER else None
    if p.entities.entry_id is None and offered is not None:  # "accept the offer"
        p = replace(p, entities=replace(p.entities, entry_id=offered))
    if p.missing == ("plan_id",) and (plan_id := recent_id(messages, "plan_id")):
        p = replace(p, entities=replace(p.entities, plan_id=plan_id), missing=())
    if "series_id" in p.missing and (series_id := recent_id(messages, "series_id")):
        missing = tuple(m for m in p.missing if m != "series_id")
        p = replace(p, entities=replace(p.entities, series_id=series_id), missing=missing)
    if p.missing:
        return _ask(replies.clarifying_question(p, context), text, p.missing)
    if names_several(p):
        return _ask(replies.one_at_a_time(p), text, ())
    planned = tool_calls(p)
    if not planned:
        return AIMessage(content=replies.unknown_reply(context))
    restated = restatement(p, planned)
    if restated is not None:  # a date or duration read from vague words: ask before booking
        return _ask(restated.question, restated.pending, ("start_date",), restated.proposal)
    hints = {"dyno": p.entities.dyno} if p.intent in _FOCUS_INTENTS and p.entities.dyno else {}
    return _calls(messages, planned, tools, hints)


def call_id(messages: Sequence[BaseMessage]) -> str:
    """Deterministic, and unlikely to repeat within a conversation even after summarising."""
    digest = hashlib.sha256()
    for message in messages:
        digest.update(f"{message.type}\x00{message_text(message)}\x00".encode())
    return f"call_{len(messages)}_{digest.hexdigest()[:8]}"


def _call(
    messages: Sequence[BaseMessage],
    name: str,
    args: dict[str, Any],
    tools: frozenset[str] | None,
    hints: dict[str, Any],
) -> AIMessage:
    return _calls(messages, [(name, args)], tools, hints)


def _calls(
    messages: Sequence[BaseMessage],
    planned: Sequence[tuple[str, dict[str, Any]]],
    tools: frozenset[str] | None,
    hints: dict[str, Any],
    note: str = "",
) -> AIMessage:
    """One message with every call, in order (one per vehicle or booking named)."""
    for name, _ in planned:
        if tools is not None and name not in tools:
            return AIMessage(content=replies.tool_unavailable(name))
    extra = {KEY: {"hints": hints}} if hints else {}
    first = call_id(messages)
    ids = [first] + [f"{first}_{i}" for i in range(1, len(planned))]
    calls = [
        {"name": name, "args": args, "id": ids[i], "type": "tool_call"}
        for i, (name, args) in enumerate(planned)
    ]
    return AIMessage(content=note, tool_calls=calls, additional_kwargs=extra)
