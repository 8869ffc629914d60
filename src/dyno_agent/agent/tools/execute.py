"""One tool call: parse its arguments with its model, ask about it, run it, classify failures.

`parse_call` is the one place a call's arguments are validated: the confirmation and the run both
use its result, so what the user approves is exactly what runs, and invalid arguments or unknown
tools never reach a tool. Domain errors (unknown vehicle, no capacity, bad dates, permission) become
the tool's result so the model can explain them. Transient failures (the database unreachable, a
deadlock) are retried a bounded number of times; if they persist, `TransientToolError` tells the
graph to give up politely.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from dyno_agent.agent.tools import TOOLS
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.db.errors import sqlstate, translate
from dyno_agent.errors import DomainError
from dyno_agent.observability import metrics
from dyno_agent.scheduling import audit

log = logging.getLogger(__name__)
_TRANSIENT_STATES = {"40P01", "40001", "57P01", "08000", "08003", "08006"}


class TransientToolError(Exception):
    """A tool kept failing for reasons that are not the user's (database down, ...)."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and sqlstate(exc) in _TRANSIENT_STATES


def known_tool(name: str) -> str:
    """The tool's name as a metric label: a name the model made up counts as `unknown`."""
    return name if name in TOOLS else "unknown"


def invalid_arguments(error: ValidationError) -> ToolOutcome:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    text = "; ".join(f"{e['field'] or 'arguments'}: {e['message']}" for e in errors[:5])
    return ToolOutcome.failure("invalid_arguments", text, {"errors": errors})


@dataclass(frozen=True)
class ParsedCall:
    """A tool call whose arguments passed its tool's model: the values both confirm and run use."""

    spec: ToolSpec
    args: BaseModel

    def shown_args(self) -> dict[str, Any]:
        return self.args.model_dump(mode="json")


def parse_call(name: str, raw_args: Any) -> ParsedCall | ToolOutcome:
    """The call's tool and parsed arguments, or the result that refuses it without running."""
    spec = TOOLS.get(name)
    if spec is None:
        return ToolOutcome.failure(
            "unknown_tool", f"There is no tool called {name!r}.", {"tools": list(TOOLS)}
        )
    try:
        return ParsedCall(spec, spec.args.model_validate({} if raw_args is None else raw_args))
    except ValidationError as error:
        return invalid_arguments(error)


async def question_for(
    call: ParsedCall,
    *,
    session_factory: async_sessionmaker[AsyncSession],
    env_factory: Callable[[AsyncSession], ToolEnv],
) -> str | ToolOutcome:
    """What to ask the user before a destructive call, or its refusal when it is certain to fail.

    Fail-closed: only a DomainError from the tool's own check means "certain to be refused"; any
    other failure (the database unreachable, a bug) still asks, with the arguments as they are."""
    spec = call.spec
    generic = f"Run {spec.name} with {call.shown_args()}?"
    if spec.question is None:
        return generic
    try:
        async with session_factory() as session:
            try:
                return await spec.question(env_factory(session), call.args)
            finally:
                await session.rollback()
    except DomainError as exc:
        return ToolOutcome.from_domain(exc)
    except Exception as exc:  # doubt means asking
        log.warning("could not check %s before confirming: %s: %s", spec.name, type(exc), exc)
        return f"{generic} (Its details could not be checked.)"


async def run_tool(
    call: ParsedCall,
    *,
    session_factory: async_sessionmaker[AsyncSession],
    env_factory: Callable[[AsyncSession], ToolEnv],
    attempts: int,
) -> ToolOutcome:
    spec, parsed = call.spec, call.args
    retrying = AsyncRetrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.2, max=2),
        retry=retry_if_exception(is_transient),
        reraise=True,
    )
    started = time.perf_counter()
    try:
        async for attempt in retrying:
            with attempt:
                outcome = await _once(spec, parsed, session_factory, env_factory)
                _finish_call(spec.name, outcome.error or "ok", started)
                return outcome
    except Exception as exc:
        _finish_call(spec.name, "unavailable" if is_transient(exc) else "failed", started)
        if is_transient(exc):
            raise TransientToolError(f"{spec.name} failed {attempts} time(s): {exc}") from exc
        raise
    raise AssertionError("unreachable")  # pragma: no cover


def _finish_call(name: str, result: str, started: float) -> None:
    """One log line and one count per tool call (results: ok, an error code, unavailable,
    failed). Names only: the arguments carry what the user typed (see DYNO_LOG_PROMPTS)."""
    seconds = time.perf_counter() - started
    metrics.record_tool_call(name, result, seconds)
    latency_ms = round(seconds * 1000, 1)
    log.info("tool call", extra={"tool": name, "result": result, "latency_ms": latency_ms})


async def _once(
    spec: ToolSpec,
    parsed: BaseModel,
    session_factory: async_sessionmaker[AsyncSession],
    env_factory: Callable[[AsyncSession], ToolEnv],
) -> ToolOutcome:
    async with session_factory() as session:
        env = env_factory(session)
        try:
            await audit.stamp(session, env.actor)
            outcome = await spec.run(env, parsed)
            await session.commit()
            return outcome
        except DomainError as exc:
            await session.rollback()
            return ToolOutcome.from_domain(exc)
        except DBAPIError as exc:
            await session.rollback()
            domain = None if is_transient(exc) else translate(exc)
            if domain is None:
                raise
            return ToolOutcome.from_domain(domain)
