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
- `language: de` (with clarify, refuse or say): the reply's prose is in that language (en, de, es,
  pt, fr), as the offline model's language identifier reads it.

A conversation is scored turn by turn: every turn with an expectation is scored, and the
model's real reply (with its tool calls answered) stays in the history for the next turn, also
after a failed turn. A case passes when all its scored turns pass. Each case has a category (its
`category`, else its first tag, else its expectation's kind); the report gives pass rates per
category. A directory loads every `*.yaml` file in it (not its subdirectories).

The file format is described in eval/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
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

from dyno_agent.agent.offline.language import DEFAULT as DEFAULT_LANGUAGE
from dyno_agent.agent.offline.language import detect
from dyno_agent.agent.prompts import AgentPromptContext, system_text
from dyno_agent.agent.tools import TOOLS, tool_schemas
from dyno_agent.config import get_settings
from dyno_agent.demo.catalog import TEST_TYPES
from dyno_agent.demo.workbook import DYNO_NAMES
from dyno_agent.scheduling.models import AllocationStatus
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
# The categories the report groups by (issue 9): a case's `category` must be one of these; a case
# without one is counted under its first tag (or its first expectation's kind).
CATEGORIES = (
    "book", "find", "dates", "durations", "weights", "questions", "plan", "clarify", "refuse",
    "answer", "change", "multi-turn", "other-language", "by-reference", "safety",
)  # fmt: skip
# Older tags counted under a category (a case without `category` uses its first tag).
TAG_CATEGORIES = {
    "availability": "find", "cancel": "change", "reschedule": "change",
    "status-change": "change", "commit-plan": "plan", "check-vehicle": "questions",
    "completed": "questions", "conflicts": "questions", "datetime": "questions",
    "dyno-schedule": "questions", "get-booking": "questions", "get-dyno": "questions",
    "list-dynos": "questions", "maintenance": "questions", "my-bookings": "questions",
    "query-database": "questions", "status": "questions", "utilization": "questions",
    "help": "answer",
}  # fmt: skip

# What a clarifying question must mention, per missing field (in the five languages the offline
# model answers in: English, German, Spanish, Portuguese, French).
FIELD_WORDS: dict[str, str] = {
    "vehicle": r"vehicle|\bvin\b|\bcar\b|truck|fahrzeug|ve[hí]?[íi]cul|v[ée]hicule",
    "test_type": (
        r"test[ -]?type|type of test|kind of test|which test|what test|which kind|"
        r"testart|welche[rn]? (?:test|prüfung)|tipo de (?:prueba|teste|ensayo)|"
        r"qu[ée] prueba|qual teste|type d'essai|quel (?:essai|test)"
    ),
    "start_date": (
        r"date|when|which day|what day|start|datum|wann|beginn|fecha|cu[áa]ndo|empie[zc]|"
        r"comien[zc]|\bdata\b|quando|come[çc]|quand|commence"
    ),
    "duration": (
        r"how (?:many|long)|duration|\bdays\b|length|wie (?:viele|lange)|\btage\b|dauer|"
        r"cu[áa]nt[oa]s|d[íi]as|duraci[óo]n|quant[oa]s|dura[çc][ãa]o|combien|jours|dur[ée]e"
    ),
    "end_date": (
        r"\bend|until|through|how (?:many|long)|\bdays\b|date|\bende|\bbis\b|hasta|\bfin\b|"
        r"at[ée]\b|\bfim\b|jusqu"
    ),
    "allocation_id": r"allocation|booking|reservation|buchung|reserva|r[ée]servation",
    "dyno": r"\bdynos?\b|pr[üu]fst[äa]nd|dinam[óôo]metro|\bbancs?\b",
    "weight": r"weigh|\blbs?\b|pounds|\bkg\b|gewicht|wiegt|\bpes[ao]\b|poids|p[èe]se",
    "drive_type": r"drive|2wd|awd|4wd|antrieb|tracci[óo]n|tra[çc][ãa]o|transmission",
    "status": r"status|scheduled|running|completed|delayed|cancel|estado|statut",
    "plan_id": r"\bplan[oa]?\b",
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
    r"don't (?:do|have access|support|share)|one (?:booking|allocation) at a time)|"
    # German, Spanish, Portuguese, French
    r"\b(?:kann (?:ich )?(?:dabei )?nicht|nicht (?:möglich|erlaubt)|helfe (?:nur|ausschließlich)|"
    r"no puedo|no (?:es posible|está permitido)|solo (?:ayudo|trabajo|puedo)|"
    r"n[ãa]o posso|n[ãa]o (?:é possível|é permitido)|s[óo] (?:ajudo|trabalho|posso)|"
    r"ne (?:peux|puis) pas|pas (?:possible|autorisé)|je n'aide qu|je ne travaille que)",
    re.IGNORECASE,
)
LANGUAGES = ("en", "de", "es", "pt", "fr")


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
    language: str | None = None  # the text reply's language (clarify, refuse and say only)


@dataclass(frozen=True)
class Turn:
    user: str | None
    expect: Expectation | None  # None: the turn only feeds the conversation, it is not scored
    result: dict[str, Any] | None = None  # the tool result fed back before the next turn


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[Turn, ...]
    history: tuple[BaseMessage, ...] = ()
    tags: tuple[str, ...] = ()
    category: str | None = None
    today: dt.date | None = None  # the file's, when a directory mixes files with different ones
    user: dict[str, Any] | None = None

    @property
    def group(self) -> str:
        """The category the report counts this case under."""
        if self.category:
            return self.category
        if self.tags:
            tag = str(self.tags[0])
            return TAG_CATEGORIES.get(tag, tag)
        scored = next((t.expect for t in self.turns if t.expect is not None), None)
        return scored.kind if scored else "other"


@dataclass(frozen=True)
class EvalSet:
    cases: tuple[Case, ...]
    today: dt.date = DEFAULT_TODAY
    user: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_USER))


def load_cases(path: Path | str) -> EvalSet:
    """Read a YAML (or JSON, which is YAML) cases file, or every `*.yaml` file of a directory
    (sorted by name, not recursive); EvalFileError when one is not valid."""
    path = Path(path)
    if not path.is_dir():
        return _load_file(path)
    files = sorted(path.glob("*.yaml"))
    if not files:
        raise EvalFileError(f"{path} holds no *.yaml file")
    sets = [(file, _load_file(file)) for file in files]
    first = sets[0][1]
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for file, eval_set in sets:
        for case in eval_set.cases:
            if case.id in seen:
                also = seen[case.id]
                raise EvalFileError(f"{file}: case {case.id}: duplicate id (also in {also})")
            seen[case.id] = file
            if eval_set.today != first.today or eval_set.user != first.user:
                case = replace(case, today=eval_set.today, user=eval_set.user)
            cases.append(case)
    return EvalSet(tuple(cases), first.today, first.user)


def _load_file(path: Path) -> EvalSet:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalFileError(f"cannot read {path}: {exc}") from None
    try:
        return parse_cases(raw)
    except EvalFileError as exc:
        raise EvalFileError(f"{path}: {exc}") from None


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
    known_keys = {"id", "user", "expect", "result", "turns", "history", "tags", "note", "category"}
    unknown = set(item) - known_keys
    if unknown:
        raise EvalFileError(f"unknown keys {sorted(unknown)}")
    if "turns" in item:
        if "user" in item or "expect" in item:
            raise EvalFileError("give either `turns` or `user` + `expect`")
        turns = tuple(_turn(t, scored=False) for t in item["turns"])
    else:
        turns = (_turn({k: item[k] for k in ("user", "expect", "result") if k in item}),)
    history = _history(item.get("history") or [])
    if not turns:
        raise EvalFileError("no turns")
    if all(turn.expect is None for turn in turns):
        raise EvalFileError("no turn has an expectation")
    category = item.get("category")
    if category is not None and category not in CATEGORIES:
        raise EvalFileError(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    for position, turn in enumerate(turns):
        if turn.user is None and (position > 0 or not history):
            raise EvalFileError("only a first turn after a history may omit `user`")
    return Case(
        id=str(item.get("id") or f"case-{index + 1}"),
        turns=turns,
        history=history,
        tags=tuple(item.get("tags") or ()),
        category=category,
    )


def _turn(item: Any, *, scored: bool = True) -> Turn:
    """A turn; in a conversation (`scored=False`) a turn may leave `expect` out: its reply only
    feeds the history."""
    if not isinstance(item, dict) or ("expect" not in item and scored):
        raise EvalFileError("a turn needs `expect`")
    if "expect" not in item and "user" not in item:
        raise EvalFileError("a turn without `expect` needs `user`")
    user = item.get("user")
    if user is not None and (not isinstance(user, str) or not user.strip()):
        raise EvalFileError("`user` must be a non-empty string")
    expect = _expectation(item["expect"]) if "expect" in item else None
    return Turn(user=user, expect=expect, result=item.get("result"))


def _expectation(raw: Any) -> Expectation:
    if isinstance(raw, dict) and "language" in raw:
        raw = dict(raw)
        language = raw.pop("language")
        if language not in LANGUAGES:
            raise EvalFileError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        if "tool" in raw:
            raise EvalFileError(
                "`language` checks a text reply: use it with clarify, refuse or say"
            )
        return replace(_expectation(raw), language=language)
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
    verdict = _score_text(expect, message)
    if not verdict.ok or expect.language is None or expect.kind == "tool":
        return verdict
    text = reply_text(message)
    language = reply_language(text)
    if language != expect.language:
        return Verdict(
            False, f"the reply is in {language}, expected {expect.language}: {_snippet(text)}"
        )
    return verdict


def reply_language(text: str) -> str:
    """The language of a reply's prose (table rows and code spans hold tool data, not prose)."""
    prose = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    statuses = tuple(status.value for status in AllocationStatus)
    names = (*TEST_TYPES, *DYNO_NAMES, *DRIVE_TYPES, *statuses)  # vocabulary, in no language
    return detect(re.sub(r"`[^`]*`", " ", prose), names) or DEFAULT_LANGUAGE


def _score_text(expect: Expectation, message: AIMessage) -> Verdict:
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
    category: str = "other"
    turns_scored: int = 1
    turns_passed: int = 0

    def line(self) -> str:
        return f"PASS  {self.id}" if self.ok else f"FAIL  {self.id}  {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ok": self.ok,
            "reason": self.reason,
            "category": self.category,
            "turns": self.turns_scored,
            "turns_passed": self.turns_passed,
        }


@dataclass(frozen=True)
class CategoryScore:
    category: str
    passed: int
    total: int
    turns_passed: int
    turns: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "passed": self.passed,
            "total": self.total,
            "pass_rate": round(self.pass_rate, 4),
            "turns": self.turns,
            "turns_passed": self.turns_passed,
        }


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

    def by_category(self) -> list[CategoryScore]:
        """Pass rates per category, in CATEGORIES order, then other categories by name."""
        groups: dict[str, list[CaseResult]] = {}
        for result in self.results:
            groups.setdefault(result.category, []).append(result)
        order = {name: index for index, name in enumerate(CATEGORIES)}
        names = sorted(groups, key=lambda name: (order.get(name, len(order)), name))
        return [
            CategoryScore(
                category=name,
                passed=sum(r.ok for r in groups[name]),
                total=len(groups[name]),
                turns_passed=sum(r.turns_passed for r in groups[name]),
                turns=sum(r.turns_scored for r in groups[name]),
            )
            for name in names
        ]

    def category_table(self) -> list[str]:
        """The per-category lines `dyno eval` prints before the closing line."""
        rows = self.by_category()
        width = max([len("category"), *(len(row.category) for row in rows)])
        lines = [f"{'category':<{width}}  passed  total    rate  turns"]
        for row in rows:
            lines.append(
                f"{row.category:<{width}}  {row.passed:>6}  {row.total:>5}  {row.pass_rate:>6.1%}"
                f"  {row.turns_passed}/{row.turns}"
            )
        return lines

    def summary_line(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"


def eval_context(
    eval_set: EvalSet, today: dt.date | None = None, case: Case | None = None
) -> AgentPromptContext:
    """The context block the graph would build on the demo database (no database needed)."""
    user = (case.user if case is not None else None) or eval_set.user
    day = today or (case.today if case is not None else None) or eval_set.today
    return AgentPromptContext(
        today=day,
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
    """Play the case's turns; every turn with an expectation is scored, and the model's real reply
    stays in the history (its tool calls answered) for the next turn, also after a failure. The
    reason is the first failed turn's."""
    messages: list[BaseMessage] = [SystemMessage(system), *case.history]
    scored = sum(turn.expect is not None for turn in case.turns)
    passed = 0
    reasons: list[str] = []
    for position, turn in enumerate(case.turns):
        where = f"turn {position + 1}: " if len(case.turns) > 1 else ""
        if turn.user is not None:
            messages.append(HumanMessage(turn.user))
        try:
            reply = await model.ainvoke(messages)
        except Exception as exc:  # a provider failure fails the case, not the run
            reasons.append(f"{where}model error: {type(exc).__name__}: {exc}")
            break
        if turn.expect is not None:
            verdict = score(turn.expect, reply)
            if verdict.ok:
                passed += 1
            else:
                reasons.append(where + verdict.reason)
        messages.append(reply)
        for call in reply.tool_calls:  # answered, so the next turn sees a consistent history
            result = turn.result or {"ok": True, "summary": "Done.", "data": {}}
            content = json.dumps(result, default=str)
            messages.append(ToolMessage(content, tool_call_id=call["id"], name=call["name"]))
    ok = not reasons and passed == scored
    reason = reasons[0] if reasons else ""
    if len(reasons) > 1:
        reason += f" (+{len(reasons) - 1} more failed turn(s))"
    return CaseResult(case.id, ok, reason, case.group, scored, passed)


async def evaluate(
    eval_set: EvalSet,
    model: BaseChatModel,
    today: dt.date | None = None,
    on_result: Callable[[CaseResult], Awaitable[None] | None] | None = None,
) -> EvalReport:
    """Run every case in order; `on_result` sees each result as soon as it is known."""
    bound: dict[tuple[str, str], tuple[Any, str]] = {}
    report = EvalReport()
    for case in eval_set.cases:
        context = eval_context(eval_set, today, case)
        key = (context.today.isoformat(), json.dumps(case.user or eval_set.user, sort_keys=True))
        if key not in bound:
            bound[key] = (bind_tools(model, context), system_text(context))
        runnable, system = bound[key]
        result = await run_case(runnable, case, system)
        report.results.append(result)
        if on_result is not None:
            maybe = on_result(result)
            if maybe is not None:
                await maybe
    return report
