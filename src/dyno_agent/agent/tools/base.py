"""What a tool is for the graph: a name, a description, an argument model and a domain call."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.config import Settings
from dyno_agent.errors import DomainError


@dataclass(frozen=True)
class ToolEnv:
    """What a tool call runs with: its own session (one transaction) and the caller's identity."""

    session: AsyncSession
    actor: Actor
    settings: Settings
    today: dt.date


# Every result names the parts of it that may hold text people typed (vehicle programs, notes,
# dyno names and descriptions, maintenance reasons, query rows); the system prompt tells the model
# that such text is data and never an instruction.
UNTRUSTED_KEY = "untrusted_fields"


@dataclass
class ToolOutcome:
    """The JSON a ToolMessage carries (see the agent contract in README)."""

    ok: bool
    summary: str = ""
    data: dict[str, Any] | None = None
    error: str | None = None
    message: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def success(cls, summary: str, data: dict[str, Any]) -> ToolOutcome:
        return cls(ok=True, summary=summary, data=data)

    @classmethod
    def failure(
        cls, error: str, message: str, details: dict[str, Any] | None = None
    ) -> ToolOutcome:
        return cls(ok=False, error=error, message=message, details=details or {})

    @classmethod
    def from_domain(cls, exc: DomainError) -> ToolOutcome:
        return cls.failure(exc.code, exc.message, exc.details)

    def as_content(self) -> str:
        if self.ok:
            body: dict[str, Any] = {"ok": True, "summary": self.summary, "data": self.data}
            body[UNTRUSTED_KEY] = ["summary", "data"]
        else:
            body = {
                "ok": False,
                "error": self.error,
                "message": self.message,
                "details": self.details,
                UNTRUSTED_KEY: ["message", "details"],
            }
        return json.dumps(body, default=str)

    @property
    def line(self) -> str:
        """One line for the UI's tool_result event."""
        return self.summary if self.ok else f"{self.error}: {self.message}"

    @classmethod
    def parse(cls, content: str) -> ToolOutcome:
        body = json.loads(content)
        if body.get("ok"):
            return cls.success(body.get("summary", ""), body.get("data") or {})
        return cls.failure(body.get("error", "error"), body.get("message", ""), body.get("details"))


Runner = Callable[[ToolEnv, Any], Awaitable[ToolOutcome]]
# What a destructive tool asks before it runs: the question for the user, or a DomainError when
# the call is certain to be refused (then it is not asked and not run).
Question = Callable[[ToolEnv, Any], Awaitable[str]]


@dataclass(frozen=True)
class SchemaFill:
    """What a tool's JSON schema shows from the live lab: vocabularies as enums (by argument name)
    and configured upper limits (by argument name), so a model that trusts the schema is never
    refused for a value or a limit the schema did not show."""

    enums: Mapping[str, Sequence[str]] = field(default_factory=dict)
    maximums: Mapping[str, int] = field(default_factory=dict)

    def apply(self, parameters: dict[str, Any]) -> None:
        for name, prop in parameters.get("properties", {}).items():
            branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
            values = list(self.enums.get(name, ()))
            limit = self.maximums.get(name)
            for branch in branches:
                if values and branch.get("type") == "string":
                    branch["enum"] = values
                if limit is not None and branch.get("type") == "integer":
                    branch["maximum"] = min(limit, branch.get("maximum", limit))
                    if "minimum" in branch and branch["minimum"] < 0:
                        branch["minimum"] = max(-limit, branch["minimum"])
            if limit is not None and isinstance(prop.get("default"), int):
                prop["default"] = min(prop["default"], limit)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    args: type[BaseModel]
    run: Runner
    destructive: bool = False
    question: Question | None = None

    def schema(self, fill: SchemaFill | None = None) -> dict[str, Any]:
        """OpenAI-format tool definition; every LangChain chat model's bind_tools accepts it."""
        parameters = self.args.model_json_schema()
        parameters.pop("title", None)
        if fill is not None:
            fill.apply(parameters)
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }
