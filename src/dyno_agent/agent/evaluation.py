"""The agent's evaluation set: load cases, ask the configured model, score its first answer.

Only the model runs: no database and no graph. Each case gets the system message the llm node
builds (prompt + context block with the demo vocabulary and a fixed today), the tool schemas
bound like the graph binds them, an optional fixed history, then one or more user turns; the
model's first response to each turn is scored against the turn's expectation:

- `tool` + `args`: one of the response's tool calls has that name and those key arguments
  (arguments not listed are not checked; an argument left out counts as the tool's default).
- `clarify: [fields]`: no tool call, and the reply asks (a question mark or an asking phrase)
  and names every missing field (keywords per field, see `FIELD_WORDS`).
- `refuse`: no tool call, and the reply declines (see `_DECLINES`).
- `say: [regex, ...]`: no tool call, and the reply matches every pattern (e.g. a table).

The file format is described in eval/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic_core import PydanticUndefined

from dyno_agent.agent.prompts import AgentPromptContext, system_text
from dyno_agent.agent.tools import TOOLS, tool_schemas
from dyno_agent.config import get_settings
from dyno_agent.demo.catalog import TEST_TYPES
from dyno_agent.demo.workbook import DYNO_NAMES
from dyno_agent.scheduling.vocab import DRIVE_TYPES

DEFAULT_TODAY = dt.date(2026, 3, 2)  # a Monday
DEFAULT_USER = {"email": "engineer@demo.local", "role": "user", "id": 3}
KINDS = ("tool", "clarify", "refuse", "say")
# The issue fixes these names; a set may expect one before it is registered in TOOLS (it then
# fails: the model is not offered it).
TOOL_NAMES = frozenset(
    {
        "get_datetime_now", "find_available_dynos", "auto_allocate_vehicle",
        "check_vehicle_allocation", "detect_conflicts", "maintenance_check",
        "completed_tests_count", "get_tests_by_status", "query_database", "cancel_allocation",
        "reschedule_allocation", "get_dyno_schedule", "utilization_report", "list_dynos",
        "get_dyno", "plan_requests", "commit_plan",
    }
)  # fmt: skip
MATCHERS = ("one_of", "approx", "tol", "contains", "regex")

# What a clarifying question must mention, per missing field.
FIELD_WORDS: dict[str, str] = {
    "vehicle": r"vehicle|\bvin\b|\bcar\b|truck",
    "test_type": r"test[ -]?type|type of test|kind of test|which test|what test|which kind",
    "start_date": r"date|when|which day|what day|start",
    "duration": r"how (?:many|long)|duration|\bdays\b|length",
    "end_date": r"\bend|until|through|how (?:many|long)|\bdays\b|date",
    "allocation_id": r"allocation|booking|reservation",
    "dyno": r"\bdynos?\b",
    "weight": r"weigh|\blbs?\b|pounds|\bkg\b",
    "drive_type": r"drive|2wd|awd|4wd",
    "status": r"status|scheduled|running|completed|delayed|cancel",
    "plan_id": r"\bplan\b",
}
_ASKS = re.compile(
    r"\?|\b(?:please (?:provide|give|tell|specify|share|send|include|let me know)|"
    r"i (?:will |'ll )?need|need to know|could you|can you|would you|which|what)\b",
    re.IGNORECASE,
)
_DECLINES = re.compile(
    r"\b(?:can(?:no|')t|can not|won't|will not|unable|not able|decline|refuse|"
    r"not (?:allowed|permitted|possible|supported)|"
    r"(?:only|just) (?:help|handle|assist|work|do|answer|book|schedule|manage)|"
    r"outside (?:of )?(?:my|the|what)|not (?:something|what|a task) i|isn't something|"
    r"don't (?:do|have access|support|share)|one (?:booking|allocation) at a time)",
    re.IGNORECASE,
)


class EvalFileError(ValueError):
    """The cases file cannot be used; the message says where and why."""


# The set ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    kind: str  # one of KINDS
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    fields: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    user: str | None
    expect: Expectation
    result: dict[str, Any] | None = None  # the tool result fed back before the next turn


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[Turn, ...]
    history: tuple[BaseMessage, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalSet:
    cases: tuple[Case, ...]
    today: dt.date = DEFAULT_TODAY
    user: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_USER))


def load_cases(path: Path | str) -> EvalSet:
    """Read a YAML (or JSON, which is YAML) cases file; EvalFileError when it is not valid."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalFileError(f"cannot read {path}: {exc}") from None
    return parse_cases(raw)


def parse_cases(raw: Any) -> EvalSet:
    if isinstance(raw, list):
        raw = {"cases": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list) or not raw["cases"]:
        raise EvalFileError("the file needs a non-empty `cases` list")
    today = _date(raw.get("today", DEFAULT_TODAY), "today")
    user = {**DEFAULT_USER, **(raw.get("user") or {})}
    cases: list[Case] = []
    seen: set[str] = set()
    for index, item in enumerate(raw["cases"]):
        label = item.get("id") if isinstance(item, dict) else None
        where = f"case {label or index + 1}"
        try:
            case = _case(item, index)
        except (EvalFileError, TypeError, ValueError, KeyError) as exc:
            raise EvalFileError(f"{where}: {exc}") from None
        if case.id in seen:
            raise EvalFileError(f"{where}: duplicate id")
        seen.add(case.id)
        cases.append(case)
    return EvalSet(tuple(cases), today, user)


def _case(item: Any, index: int) -> Case:
    if not isinstance(item, dict):
        raise EvalFileError("a case is a mapping")
    unknown = set(item) - {"id", "user", "expect", "result", "turns", "history", "tags", "note"}
    if unknown:
        raise EvalFileError(f"unknown keys {sorted(unknown)}")
    if "turns" in item:
        if "user" in item or "expect" in item:
            raise EvalFileError("give either `turns` or `user` + `expect`")
        turns = tuple(_turn(t) for t in item["turns"])
    else:
        turns = (_turn({k: item[k] for k in ("user", "expect", "result") if k in item}),)
    history = _history(item.get("history") or [])
    if not turns:
        raise EvalFileError("no turns")
    for position, turn in enumerate(turns):
        if turn.user is None and (position > 0 or not history):
            raise EvalFileError("only a first turn after a history may omit `user`")
    return Case(
        id=str(item.get("id") or f"case-{index + 1}"),
        turns=turns,
        history=history,
        tags=tuple(item.get("tags") or ()),
    )


def _turn(item: Any) -> Turn:
    if not isinstance(item, dict) or "expect" not in item:
        raise EvalFileError("a turn needs `expect`")
    user = item.get("user")
    if user is not None and (not isinstance(user, str) or not user.strip()):
        raise EvalFileError("`user` must be a non-empty string")
    return Turn(user=user, expect=_expectation(item["expect"]), result=item.get("result"))


def _expectation(raw: Any) -> Expectation:
    if raw == "refuse" or raw == {"refuse": True}:
        return Expectation("refuse")
    if not isinstance(raw, dict):
        raise EvalFileError(f"unknown expectation {raw!r}")
    if "tool" in raw:
        name = raw["tool"]
        if name not in TOOLS and name not in TOOL_NAMES:
            raise EvalFileError(f"unknown tool {name!r}")
        args = {key: _plain(value) for key, value in (raw.get("args") or {}).items()}
        known = TOOLS[name].args.model_fields if name in TOOLS else args
        if unknown := sorted(set(args) - set(known)):
            raise EvalFileError(f"{name} has no argument(s) {unknown}")
        for value in args.values():
            if isinstance(value, dict) and (bad := sorted(set(value) - set(MATCHERS))):
                raise EvalFileError(f"unknown matcher(s) {bad}; use {', '.join(MATCHERS)}")
        return Expectation("tool", tool=name, args=args)
    if "clarify" in raw:
        fields = tuple(raw["clarify"] or ())
        if unknown := sorted(set(fields) - set(FIELD_WORDS)):
            raise EvalFileError(f"unknown clarify field(s) {unknown}")
        return Expectation("clarify", fields=fields)
    if "say" in raw:
        patterns = tuple(str(p) for p in raw["say"] or ())
        for pattern in patterns:
            re.compile(pattern)
        return Expectation("say", patterns=patterns)
    raise EvalFileError(f"an expectation is one of {', '.join(KINDS)}")


def _history(items: Sequence[Any]) -> tuple[BaseMessage, ...]:
    messages: list[BaseMessage] = []
    open_calls: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise EvalFileError("a history entry is a mapping")
        if "user" in item:
            messages.append(HumanMessage(str(item["user"])))
        elif "assistant" in item:
            calls = [
                {"name": c["name"], "args": c.get("args") or {}, "id": f"call_{len(messages)}_{i}"}
                for i, c in enumerate(item.get("calls") or ())
            ]
            open_calls.extend(calls)
            messages.append(AIMessage(content=str(item["assistant"] or ""), tool_calls=calls))
        elif "tool" in item:
            call = next((c for c in open_calls if c["name"] == item["tool"]), None)
            if call is None:
                raise EvalFileError(f"tool result for {item['tool']!r} without a call")
            open_calls.remove(call)
            content = json.dumps(item.get("result") or {}, default=str)
            messages.append(ToolMessage(content, tool_call_id=call["id"], name=call["name"]))
        else:
            raise EvalFileError("a history entry has `user`, `assistant` or `tool`")
    if open_calls:
        raise EvalFileError("every tool call in the history needs a tool result")
    return tuple(messages)


def _plain(value: Any) -> Any:
    """YAML reads unquoted dates as dates; expectations compare ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise EvalFileError(f"`{name}` must be YYYY-MM-DD, got {value!r}") from None


# Scoring ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def reply_text(message: AIMessage) -> str:
    text = message.text if isinstance(message.text, str) else str(message.content)
    return text.replace("\u2019", "'").strip()


def score(expect: Expectation, message: AIMessage) -> Verdict:
    """Does the model's response meet the expectation? The reason says why not."""
    calls = list(message.tool_calls)
    text = reply_text(message)
    if getattr(message, "invalid_tool_calls", None):
        return Verdict(False, f"invalid tool call: {message.invalid_tool_calls[0].get('error')}")
    if expect.kind == "tool":
        return _score_call(expect, calls, text)
    if calls:
        return Verdict(False, f"expected {_wanted(expect)}, got a call to {_show_calls(calls)}")
    if not text:
        return Verdict(False, f"expected {_wanted(expect)}, got an empty reply")
    if expect.kind == "clarify":
        if not _ASKS.search(text):
            return Verdict(False, f"the reply does not ask anything: {_snippet(text)}")
        missed = [f for f in expect.fields if not re.search(FIELD_WORDS[f], text, re.IGNORECASE)]
        if missed:
            return Verdict(
                False, f"the question does not mention {', '.join(missed)}: {_snippet(text)}"
            )
        return Verdict(True)
    if expect.kind == "refuse":
        if not _DECLINES.search(text):
            return Verdict(False, f"the reply does not decline: {_snippet(text)}")
        return Verdict(True)
    missing = [p for p in expect.patterns if not re.search(p, text, re.IGNORECASE)]
    if missing:
        return Verdict(False, f"the reply does not match {missing[0]!r}: {_snippet(text)}")
    return Verdict(True)


def _score_call(expect: Expectation, calls: list[Any], text: str) -> Verdict:
    named = [call for call in calls if call["name"] == expect.tool]
    if not named:
        got = _show_calls(calls) if calls else f"no tool call: {_snippet(text)}"
        return Verdict(False, f"expected {expect.tool}, got {got}")
    reasons = [_args_mismatch(expect, call.get("args") or {}) for call in named]
    if any(reason is None for reason in reasons):
        return Verdict(True)
    return Verdict(False, f"{expect.tool}: {reasons[0]}")


def _args_mismatch(expect: Expectation, actual: dict[str, Any]) -> str | None:
    spec = TOOLS.get(expect.tool or "")
    fields = spec.args.model_fields if spec else {}
    for name, wanted in expect.args.items():
        if name in actual:
            value = actual[name]
        elif name in fields and fields[name].default is not PydanticUndefined:
            value = fields[name].default
        else:
            return f"{name} missing (expected {_show(wanted)})"
        if not matches(wanted, value):
            return f"{name}={_show(value)}, expected {_show(wanted)}"
    return None


def matches(wanted: Any, value: Any) -> bool:
    """Compare an expected argument with the model's: numbers by value, text without case or
    extra spaces, dates as ISO text; or a matcher (one_of, approx/tol, contains, regex)."""
    if isinstance(wanted, dict):
        if "one_of" in wanted:
            return any(matches(option, value) for option in wanted["one_of"])
        if "approx" in wanted:
            number = _number(value)
            return number is not None and abs(number - wanted["approx"]) <= wanted.get("tol", 0)
        if "contains" in wanted:
            parts = wanted["contains"]
            parts = [parts] if isinstance(parts, str) else parts
            return isinstance(value, str) and all(_text(p) in _text(value) for p in parts)
        if "regex" in wanted:
            return isinstance(value, str) and re.search(wanted["regex"], value, re.I) is not None
        return False
    if wanted is None:
        return value is None
    if isinstance(wanted, bool):
        return value is wanted or (isinstance(value, str) and value.lower() == str(wanted).lower())
    if isinstance(wanted, int | float):
        return _number(value) == wanted
    if value is None or isinstance(value, dict | list):
        return False
    return _text(str(value)) == _text(str(wanted))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def _text(value: str) -> str:
    return " ".join(value.split()).casefold()


def _wanted(expect: Expectation) -> str:
    if expect.kind == "clarify":
        return f"a question about {', '.join(expect.fields) or 'what is missing'}"
    return {"refuse": "a refusal", "say": "a reply"}.get(expect.kind, expect.kind)


def _show_calls(calls: list[Any]) -> str:
    return "; ".join(f"{c['name']}({json.dumps(c.get('args') or {}, default=str)})" for c in calls)


def _show(value: Any) -> str:
    return json.dumps(value, default=str)


def _snippet(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


# Running ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseResult:
    id: str
    ok: bool
    reason: str = ""

    def line(self) -> str:
        return f"PASS  {self.id}" if self.ok else f"FAIL  {self.id}  {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "reason": self.reason}


@dataclass
class EvalReport:
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(result.ok for result in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def pass_rate(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    def summary_line(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"


def eval_context(eval_set: EvalSet, today: dt.date | None = None) -> AgentPromptContext:
    """The context block the graph would build on the demo database (no database needed)."""
    user = eval_set.user
    return AgentPromptContext(
        today=today or eval_set.today,
        user_email=str(user["email"]),
        role=str(user["role"]),
        user_id=int(user["id"]),
        test_types=tuple(sorted(TEST_TYPES)),  # the vocabulary cache lists them sorted
        drive_types=DRIVE_TYPES,
        dynos=DYNO_NAMES,
    )


def bind_tools(model: BaseChatModel, context: AgentPromptContext | None = None) -> Any:
    """The model with the agent's tool schemas bound, as the llm node binds them (filled from the
    context's vocabularies and the configured limits)."""
    if context is None:
        return model.bind_tools([spec.schema() for spec in TOOLS.values()])
    vocabulary = {"test_types": context.test_types, "drive_types": context.drive_types}
    return model.bind_tools(tool_schemas(vocabulary, get_settings()))


async def run_case(model: Any, case: Case, system: str) -> CaseResult:
    messages: list[BaseMessage] = [SystemMessage(system), *case.history]
    for position, turn in enumerate(case.turns):
        where = f"turn {position + 1}: " if len(case.turns) > 1 else ""
        if turn.user is not None:
            messages.append(HumanMessage(turn.user))
        try:
            reply = await model.ainvoke(messages)
        except Exception as exc:  # a provider failure fails the case, not the run
            return CaseResult(case.id, False, f"{where}model error: {type(exc).__name__}: {exc}")
        verdict = score(turn.expect, reply)
        if not verdict.ok:
            return CaseResult(case.id, False, where + verdict.reason)
        messages.append(reply)
        for call in reply.tool_calls:  # answered, so the next turn sees a consistent history
            result = turn.result or {"ok": True, "summary": "Done.", "data": {}}
            content = json.dumps(result, default=str)
            messages.append(ToolMessage(content, tool_call_id=call["id"], name=call["name"]))
    return CaseResult(case.id, True)


async def evaluate(
    eval_set: EvalSet,
    model: BaseChatModel,
    today: dt.date | None = None,
    on_result: Callable[[CaseResult], Awaitable[None] | None] | None = None,
) -> EvalReport:
    """Run every case in order; `on_result` sees each result as soon as it is known."""
    context = eval_context(eval_set, today)
    system = system_text(context)
    bound = bind_tools(model, context)
    report = EvalReport()
    for case in eval_set.cases:
        result = await run_case(bound, case, system)
        report.results.append(result)
        if on_result is not None:
            maybe = on_result(result)
            if maybe is not None:
                await maybe
    return report
