"""Run one checked ad-hoc query: its own connection, a READ ONLY transaction, a timeout, a row cap.

Why a connection of its own: the caller's transaction belongs to the caller. Sharing it (in a
savepoint) would let the query see the caller's uncommitted writes, and a `SET LOCAL
statement_timeout` made in a savepoint outlives its release and would bind the caller's later
statements. So the runner takes a fresh connection from the caller's engine: its transaction starts
with `SET TRANSACTION READ ONLY`, sees committed data only, and is always rolled back.

Why one statement `SELECT count(*) OVER (), q.* FROM (<query>) q LIMIT n`: the window count is
computed before LIMIT, so one execution gives both the first n rows and the total, and PostgreSQL
keeps a subquery's ORDER BY through a window with an empty OVER () (it neither flattens a sorted
subquery nor re-sorts for that window). The LIMIT is a bound parameter, which makes psycopg use the
extended protocol: the server accepts exactly one statement, a second layer under the parser's.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.range import Range
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from dyno_agent.adhoc.guard import QueryRefused, ValidatedQuery, validate_query
from dyno_agent.adhoc.views import view_ctes
from dyno_agent.db.errors import sqlstate
from dyno_agent.errors import InvalidInput

DEFAULT_ROW_LIMIT = 50
MAX_ROW_LIMIT = 500
DEFAULT_TIMEOUT_MS = 2000
_TOTAL = "dyno_adhoc_total_rows"


class QueryFailed(InvalidInput):
    """PostgreSQL rejected a query that passed the guard (unknown column, bad cast, ...)."""

    code = "query_failed"


class QueryTimeout(InvalidInput):
    code = "query_timeout"


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # JSON-friendly values
    row_count: int
    total_rows: int
    truncated: bool
    limit: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """One line for the UI: "3 rows" or "50 of 123 rows (first 50 shown)"."""
        noun = "row" if self.total_rows == 1 else "rows"
        if self.truncated:
            return f"{self.row_count} of {self.total_rows} {noun} (first {self.row_count} shown)"
        return f"{self.total_rows} {noun}"


async def run_query(
    source: AsyncSession | AsyncEngine | AsyncConnection,
    sql: str,
    *,
    row_limit: int = DEFAULT_ROW_LIMIT,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> QueryResult:
    """Check `sql` with the guard, then run it read-only on a connection of its own."""
    query = validate_query(sql)
    return await run_validated(engine_of(source), query, row_limit=row_limit, timeout_ms=timeout_ms)


def engine_of(source: AsyncSession | AsyncEngine | AsyncConnection) -> AsyncEngine:
    """The engine behind a session or connection: where the runner takes its own connection."""
    bind = source.bind if isinstance(source, AsyncSession) else source
    if isinstance(bind, AsyncConnection):
        return bind.engine
    if isinstance(bind, AsyncEngine):
        return bind
    raise TypeError("run_query needs an AsyncSession bound to an engine, or an AsyncEngine")


async def run_validated(
    engine: AsyncEngine, query: ValidatedQuery, *, row_limit: int, timeout_ms: int
) -> QueryResult:
    if not 1 <= row_limit <= MAX_ROW_LIMIT:
        raise InvalidInput(f"row_limit must be between 1 and {MAX_ROW_LIMIT}.", row_limit=row_limit)
    if timeout_ms < 1:
        raise InvalidInput("timeout_ms must be at least 1.", timeout_ms=timeout_ms)
    # psycopg reads %-placeholders once there are parameters; the query's own % are literal.
    inner = query.sql.replace("%", "%%")
    views = view_ctes(query.views).replace("%", "%%")
    statement = (
        f"{views}SELECT count(*) OVER () AS {_TOTAL}, q.* FROM ({inner}) AS q LIMIT %(limit)s"
    )
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            await conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            await conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            await conn.exec_driver_sql("SET LOCAL search_path = public")
            await conn.exec_driver_sql("SET LOCAL standard_conforming_strings = on")
            mode = await conn.exec_driver_sql("SHOW transaction_read_only")
            if mode.scalar() != "on":  # e.g. an engine in autocommit mode: no transaction to set
                raise RuntimeError("ad-hoc queries need a read-only transaction; none was started")
            result = await conn.exec_driver_sql(statement, {"limit": row_limit})
            columns = list(result.keys())[1:]
            fetched = result.fetchall()
        except DBAPIError as exc:
            domain = _domain_error(exc, timeout_ms)
            if domain is None:
                raise
            raise domain from exc
        finally:
            await transaction.rollback()
    total = int(fetched[0][0]) if fetched else 0
    rows = [[json_value(value) for value in list(row)[1:]] for row in fetched]
    return QueryResult(
        columns=columns,
        rows=rows,
        row_count=len(rows),
        total_rows=total,
        truncated=total > len(rows),
        limit=row_limit,
    )


def _domain_error(exc: DBAPIError, timeout_ms: int) -> InvalidInput | None:
    """The query's own failures as domain errors; None for the rest (connection loss, ...)."""
    state = sqlstate(exc)
    diag = getattr(exc.orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc.orig).splitlines()[0]
    if state == "57014":  # query_canceled: our statement_timeout
        return QueryTimeout(
            f"The query took longer than {timeout_ms / 1000:g} s and was stopped; narrow it "
            "down (filters, fewer joins, aggregates) and try again.",
            timeout_ms=timeout_ms,
        )
    if state == "25006":  # read_only_sql_transaction: the database's own guard caught a write
        return QueryRefused(
            "The query tried to change data; ad-hoc queries are read-only.", "write_operation"
        )
    unreadable = state is None and isinstance(exc.orig, psycopg.DataError)  # e.g. date 'infinity'
    if unreadable or (state or "")[:2] in ("21", "22", "42", "0A", "54") or state == "53200":
        hint = getattr(diag, "message_hint", None)
        message = f"PostgreSQL rejected the query: {primary}" + (f" (hint: {hint})" if hint else "")
        return QueryFailed(message, sqlstate=state)
    return None


def json_value(value: Any) -> Any:
    """A JSON-friendly form of a value psycopg returned: ISO dates, floats for decimals, ..."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _iso_duration(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, Range):
        if value.isempty:
            return "empty"
        lower = "" if value.lower is None else json_value(value.lower)
        upper = "" if value.upper is None else json_value(value.upper)
        return f"{value.bounds[0]}{lower},{upper}{value.bounds[1]}"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _iso_duration(value: dt.timedelta) -> str:
    """ISO 8601, as pydantic writes it: 3 days 4 hours -> P3DT4H."""
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    days, seconds = value.days, value.seconds + value.microseconds / 1e6
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ((hours, "H"), (minutes, "M"), (secs, "S"))
    time = "".join(f"{amount:g}{unit}" for amount, unit in parts if amount)
    text = (f"{days}D" if days else "") + (f"T{time}" if time else "")
    return f"{sign}P{text or 'T0S'}"
