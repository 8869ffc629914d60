"""Translate PostgreSQL's integrity errors into domain errors, by constraint name, in one place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import psycopg
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import (
    AlreadyExists,
    Conflict,
    DatabaseUnavailable,
    DomainError,
    DynoBusy,
    HoldExpired,
    InUse,
    InvalidInput,
    InvalidTransition,
    MaintenanceConflict,
    VehicleBusy,
)

log = logging.getLogger(__name__)

_BY_CONSTRAINT: dict[str, Callable[[], DomainError]] = {
    "ex_allocations_dyno_overlap": lambda: DynoBusy(
        "The dyno already has a booking on some of these days."
    ),
    "ex_allocations_vehicle_overlap": lambda: VehicleBusy(
        "The vehicle already has a booking on some of these days."
    ),
    "ex_dyno_occupancy_maintenance": lambda: MaintenanceConflict(
        "A booking and a maintenance window of this dyno would share a day."
    ),
    "ck_allocations_status_transition": lambda: InvalidTransition(
        "That status change is not allowed."
    ),
    "ck_allocations_hold_expired": lambda: HoldExpired(
        "The hold on this offer has expired; the slot went to the next in line."
    ),
    "uq_vehicles_vin": lambda: AlreadyExists("A vehicle with this VIN already exists."),
    "uq_vehicles_tag": lambda: AlreadyExists("A vehicle with this tag already exists."),
    "uq_vehicles_placeholder_key": lambda: AlreadyExists(
        "A vehicle with this placeholder key already exists."
    ),
    "uq_dynos_name": lambda: AlreadyExists("A dyno with this name already exists."),
    "uq_users_email": lambda: AlreadyExists("A user with this email already exists."),
    "uq_dyno_rule": lambda: AlreadyExists("This dyno already has that rule."),
    "uq_test_requests_key": lambda: AlreadyExists(
        "The vehicle already has a request for this test and mileage step."
    ),
    "ck_test_requests_status_transition": lambda: InvalidTransition(
        "That test request status change is not allowed."
    ),
}

NUL_REFUSED = "cannot contain NUL (0x00) bytes"


def constraint_name(error: DBAPIError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


# Besides DBAPIError, what reaching the database can raise: SQLAlchemy's pool timeout, psycopg's own
# errors (the checkpointer's pool), sockets, client-side timeouts. `unavailable` decides which mean
# "down or not answering".
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.SQLAlchemyError,  # e.g. PendingRollbackError, raised while handling a lost connection
    psycopg.Error,
    ConnectionError,
    TimeoutError,
)

# connection_exception, insufficient_resources (too many connections, out of memory, disk full)
_UNAVAILABLE_CLASSES = ("08", "53")
# query_canceled (statement_timeout), admin_shutdown, crash_shutdown, cannot_connect_now,
# idle_session_timeout
_UNAVAILABLE_STATES = {"57014", "57P01", "57P02", "57P03", "57P05"}


def unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """A 503 for an error that means the database is down, restarting or not answering in time,
    or that was raised while handling such an error (a rollback or refresh on the lost
    connection); None for anything else (a constraint, a bug)."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        found = _unavailable_itself(link)
        if found is not None:
            return found
        link = link.__cause__ or link.__context__
    return None


def _unavailable_itself(error: BaseException) -> DatabaseUnavailable | None:
    cause: BaseException | None = error
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return _unavailable(error.orig or error)
        cause = error.orig
    if isinstance(cause, psycopg.Error):
        state = cause.sqlstate
        if state is None:  # raised by the client: refused, closed, timed out, pool exhausted
            if isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
                return _unavailable(cause)
            return None
        if state.startswith(_UNAVAILABLE_CLASSES) or state in _UNAVAILABLE_STATES:
            return _unavailable(cause)
        return None
    if isinstance(cause, sa_exc.TimeoutError | ConnectionError | TimeoutError):
        return _unavailable(cause)
    return None


def _unavailable(cause: BaseException) -> DatabaseUnavailable:
    log.warning("database unavailable: %s: %s", type(cause).__name__, cause)
    return DatabaseUnavailable(
        "The database is unavailable or not answering; try again shortly.",
        reason=type(cause).__name__,
    )


def translate(error: DBAPIError) -> DomainError | None:
    """The domain error for a constraint violation, or None for anything else."""
    if NUL_REFUSED in str(error.orig):  # psycopg refuses it; a NUL that got past inputs.py
        return InvalidInput("Text may not contain NUL (\\x00) characters.")
    name = constraint_name(error)
    if name in _BY_CONSTRAINT:
        return _BY_CONSTRAINT[name]()
    state = sqlstate(error) or ""
    if state in ("40P01", "40001"):  # deadlock, serialization failure: a concurrent change won
        return Conflict("A concurrent change touched the same records; try again.", retry=True)
    if state == "23503":  # foreign_key_violation
        if "is still referenced" in str(error.orig):
            return InUse("It is still referenced by other records.", constraint=name)
        return InvalidInput("It refers to a record that does not exist.", constraint=name)
    if state in ("23514", "23502", "22001", "22003", "22007", "22008"):
        return InvalidInput("The database rejected a value as invalid.", constraint=name)
    if state.startswith("23"):
        return Conflict("The change conflicts with existing data.", constraint=name)
    return None


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """Flush the block's writes in a savepoint: a constraint violation becomes its domain error
    and the outer transaction stays usable. `begin_nested` flushes what is pending *before* the
    savepoint, so make the writes inside the block."""
    try:
        async with session.begin_nested():
            yield
    except DBAPIError as exc:
        domain = translate(exc)
        if domain is None:
            raise
        raise domain from exc
