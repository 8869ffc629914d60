"""Run one tool call: validate its arguments, run it in its own transaction, classify failures.

Domain errors (unknown vehicle, no capacity, bad dates, permission) become the tool's result so the
model can explain them. Transient failures (the database unreachable, a deadlock) are retried a
bounded number of times; if they persist, `TransientToolError` tells the graph to give up politely.
"""

from __future__ import annotations

from collections.abc import Callable
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

from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.db.errors import sqlstate, translate
from dyno_agent.errors import DomainError
from dyno_agent.scheduling import audit

_TRANSIENT_STATES = {"40P01", "40001", "57P01", "08000", "08003", "08006"}


class TransientToolError(Exception):
    """A tool kept failing for reasons that are not the user's (database down, ...)."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and sqlstate(exc) in _TRANSIENT_STATES


def invalid_arguments(error: ValidationError) -> ToolOutcome:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    text = "; ".join(f"{e['field'] or 'arguments'}: {e['message']}" for e in errors[:5])
    return ToolOutcome.failure("invalid_arguments", text, {"errors": errors})


async def run_tool(
    spec: ToolSpec,
    raw_args: dict[str, Any],
    *,
    session_factory: async_sessionmaker[AsyncSession],
    env_factory: Callable[[AsyncSession], ToolEnv],
    attempts: int,
) -> ToolOutcome:
    try:
        parsed = spec.args.model_validate(raw_args or {})
    except ValidationError as error:
        return invalid_arguments(error)
    retrying = AsyncRetrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.2, max=2),
        retry=retry_if_exception(is_transient),
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                return await _once(spec, parsed, session_factory, env_factory)
    except Exception as exc:
        if is_transient(exc):
            raise TransientToolError(f"{spec.name} failed {attempts} time(s): {exc}") from exc
        raise
    raise AssertionError("unreachable")  # pragma: no cover


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
