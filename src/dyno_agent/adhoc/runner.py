"""Run one checked ad-hoc query: its own connection, a READ ONLY transaction as a reader role,
bounds on time, memory and size, a row cap.

Why a connection of its own: the caller's transaction belongs to the caller. Sharing it (in a
savepoint) would let the query see the caller's uncommitted writes, and a `SET LOCAL
statement_timeout` made in a savepoint outlives its release and would bind the caller's later
statements. So the runner takes a fresh connection from the caller's engine: its transaction starts
with `SET TRANSACTION READ ONLY`, sees committed data only, and is always rolled back.

Inside it, `SET LOCAL ROLE dyno_adhoc_reader` (migration 0004): PostgreSQL then lets the query read
the `reporting` views and nothing else, whatever slipped past the guard. `work_mem` bounds sorts
and hashes (and `temp_file_limit` their spill files, when the connecting user may set it). Before
running, the planner's estimate is checked: a plan whose largest step would hold more than
`max_plan_bytes` (rows x width, plus the text the guard saw repeat() build) is refused, which stops
cross joins and generators that would build huge values in memory, where PostgreSQL has no per-value
limit. The statement timeout stops a query on the server; a client-side deadline (with cancel) also
bounds waiting for a connection and fetching.

Why `SELECT count(*) OVER (), ... FROM (<query>) AS q(c1, ...) LIMIT n`: the window count is
computed before LIMIT, so one execution gives both the first n rows and the total, and PostgreSQL
keeps a subquery's ORDER BY through a window with an empty OVER (). Each column comes with its size
and is withheld when it is over `max_value_bytes`, so a huge value never leaves the server; the
column names come from a `LIMIT 0` run first (the positional aliases keep duplicate names apart).
The LIMIT is a bound parameter, which makes psycopg use the extended protocol: the server accepts
exactly one statement, a second layer under the parser's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.range import Range
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from dyno_agent.adhoc.guard import QueryRefused, ValidatedQuery, validate_query
from dyno_agent.adhoc.views import READER_ROLE, SCHEMA
from dyno_agent.db.errors import sqlstate
from dyno_agent.errors import InvalidInput

DEFAULT_ROW_LIMIT = 50
MAX_ROW_LIMIT = 500
DEFAULT_TIMEOUT_MS = 2000
CLIENT_GRACE_S = 0.5  # the client-side deadline is the statement timeout plus this
_TOTAL = "dyno_adhoc_total_rows"


class QueryFailed(InvalidInput):
    """PostgreSQL rejected a query that passed the guard (unknown column, bad cast, ...)."""

    code = "query_failed"


class QueryTimeout(InvalidInput):
    code = "query_timeout"


class QueryTooLarge(InvalidInput):
    """The query would build or return more than its bounds allow."""

    code = "query_too_large"


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on one ad-hoc query besides its time (the DYNO_SQL_* settings)."""

    work_mem: str = "4MB"
    temp_file_limit: str = "64MB"
    max_value_bytes: int = 65_536
    max_result_bytes: int = 262_144
    max_plan_bytes: int = 64 << 20


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # JSON-friendly values
    row_count: int
    total_rows: int
    truncated: bool
    limit: int
    size_limited: bool = False  # rows were left out to keep the result under max_result_bytes

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """One line for the UI: "3 rows" or "50 of 123 rows (first 50 shown)"."""
        noun = "row" if self.total_rows == 1 else "rows"
        if self.size_limited:
            return (
                f"{self.row_count} of {self.total_rows} {noun} (first {self.row_count} shown; "
                "the result size limit left out the rest)"
            )
        if self.truncated:
            return f"{self.row_count} of {self.total_rows} {noun} (first {self.row_count} shown)"
        return f"{self.total_rows} {noun}"


async def run_query(
    source: AsyncSession | AsyncEngine | AsyncConnection,
    sql: str,
    *,
    row_limit: int = DEFAULT_ROW_LIMIT,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    limits: QueryLimits | None = None,
) -> QueryResult:
    """Check `sql` with the guard, then run it read-only on a connection of its own."""
    query = validate_query(sql)
    return await run_validated(
        engine_of(source), query, row_limit=row_limit, timeout_ms=timeout_ms, limits=limits
    )


def engine_of(source: AsyncSession | AsyncEngine | AsyncConnection) -> AsyncEngine:
    """The engine behind a session or connection: where the runner takes its own connection."""
    bind = source.bind if isinstance(source, AsyncSession) else source
    if isinstance(bind, AsyncConnection):
        return bind.engine
    if isinstance(bind, AsyncEngine):
        return bind
    raise TypeError("run_query needs an AsyncSession bound to an engine, or an AsyncEngine")


async def run_validated(
    engine: AsyncEngine,
    query: ValidatedQuery,
    *,
    row_limit: int,
    timeout_ms: int,
    limits: QueryLimits | None = None,
) -> QueryResult:
    if not 1 <= row_limit <= MAX_ROW_LIMIT:
        raise InvalidInput(f"row_limit must be between 1 and {MAX_ROW_LIMIT}.", row_limit=row_limit)
    if timeout_ms < 1:
        raise InvalidInput("timeout_ms must be at least 1.", timeout_ms=timeout_ms)
    limits = limits or QueryLimits()
    try:
        async with asyncio.timeout(timeout_ms / 1000 + CLIENT_GRACE_S):
            async with engine.connect() as conn:
                try:
                    columns, fetched = await _execute(conn, query, row_limit, timeout_ms, limits)
                except asyncio.CancelledError:
                    await conn.invalidate()  # psycopg cancelled the query; start afresh anyway
                    raise
    except TimeoutError as exc:
        raise _timeout(timeout_ms) from exc
    return _result(columns, fetched, row_limit, limits)


async def _execute(
    conn: AsyncConnection,
    query: ValidatedQuery,
    row_limit: int,
    timeout_ms: int,
    limits: QueryLimits,
) -> tuple[list[str], list[Any]]:
    # psycopg reads %-placeholders once there are parameters; the query's own % are literal.
    inner = query.sql.replace("%", "%%")
    transaction = await conn.begin()
    try:
        await conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        read_only, superuser = await _settings(
            conn,
            statement_timeout=str(int(timeout_ms)),
            work_mem=limits.work_mem,
            search_path=SCHEMA,
            standard_conforming_strings="on",
        )
        if read_only != "on":  # e.g. an engine in autocommit mode: no transaction to set
            raise RuntimeError("ad-hoc queries need a read-only transaction; none was started")
        if superuser == "on":  # temp_file_limit is a superuser setting; others have work_mem
            await _settings(conn, temp_file_limit=limits.temp_file_limit)
        await _set_role(conn)
        await _check_plan(conn, inner, query.max_text, limits.max_plan_bytes)
        described = await conn.exec_driver_sql(
            f"SELECT * FROM ({inner}) AS q LIMIT %(none)s", {"none": 0}
        )
        columns = list(described.keys())
        described.close()
        result = await conn.exec_driver_sql(
            _statement(inner, len(columns)),
            {"limit": row_limit, "max_value": limits.max_value_bytes},
        )
        return columns, list(result.fetchall())
    except DBAPIError as exc:
        domain = _domain_error(exc, timeout_ms)
        if domain is None:
            raise
        raise domain from exc
    finally:
        await transaction.rollback()


async def _settings(conn: AsyncConnection, **values: str) -> tuple[str, str]:
    """SET LOCAL each of `values` in one round trip; returns (transaction_read_only,
    is_superuser)."""
    params: dict[str, str] = {}
    calls = []
    for n, (name, value) in enumerate(values.items()):
        params |= {f"n{n}": name, f"v{n}": value}
        calls.append(f", set_config(%(n{n})s, %(v{n})s, true)")
    row = await conn.exec_driver_sql(
        "SELECT current_setting('transaction_read_only'), current_setting('is_superuser')"
        + "".join(calls),
        params,
    )
    first = list(row.one())
    return str(first[0]), str(first[1])


async def _set_role(conn: AsyncConnection) -> None:
    try:
        await conn.exec_driver_sql(f"SET LOCAL ROLE {READER_ROLE}")
    except DBAPIError as exc:
        if sqlstate(exc) not in ("42501", "22023"):  # not a missing membership or role
            raise
        raise QueryFailed(
            f"Ad-hoc queries are not available: the database user cannot act as {READER_ROLE} "
            "(run the migrations; the application's database user must be a member of it).",
            sqlstate=sqlstate(exc),
        ) from exc


async def _check_plan(conn: AsyncConnection, inner: str, max_text: int, limit: int) -> None:
    """Refuse a plan whose largest step the planner expects to hold more than `limit` bytes."""
    # A bound parameter (LIMIT NULL: no limit) keeps this on the extended protocol too: one
    # statement only, like every statement here that carries the query.
    explained = await conn.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) SELECT * FROM ({inner}) AS q LIMIT %(all)s", {"all": None}
    )
    raw = explained.scalar()
    plan: list[dict[str, Any]] = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    biggest = max(
        (
            float(node.get("Plan Rows", 0)) * (float(node.get("Plan Width", 0)) + max_text)
            for node in _plan_nodes(plan[0]["Plan"])
        ),
        default=0.0,
    )
    if biggest > limit:
        raise QueryTooLarge(
            f"The query would build about {_megabytes(biggest)} in one step (the limit is "
            f"{_megabytes(limit)}): it joins or generates too many rows, or builds too much text. "
            "Add filters or join conditions, aggregate earlier, or select fewer rows.",
            reason="plan_too_large",
            estimated_bytes=int(min(biggest, 2**62)),
            limit_bytes=limit,
        )


def _plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _megabytes(size: float) -> str:
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size / 1024:,.0f} kB"


def _statement(inner: str, width: int) -> str:
    """The query with its total, each column's size, and each column withheld when too large."""
    if width == 0:
        return f"SELECT count(*) OVER () AS {_TOTAL} FROM ({inner}) AS q LIMIT %(limit)s"
    names = [f"c{n}" for n in range(width)]
    sizes = [f"octet_length(q.{c}::text) AS s_{c}" for c in names]
    values = [
        f"CASE WHEN octet_length(q.{c}::text) <= %(max_value)s THEN q.{c} END AS v_{c}"
        for c in names
    ]
    return (
        f"SELECT count(*) OVER () AS {_TOTAL}, {', '.join(sizes + values)}"
        f" FROM ({inner}) AS q({', '.join(names)}) LIMIT %(limit)s"
    )


def _result(
    columns: list[str], fetched: list[Any], row_limit: int, limits: QueryLimits
) -> QueryResult:
    width = len(columns)
    total = int(fetched[0][0]) if fetched else 0
    rows: list[list[Any]] = []
    used, size_limited = 0, False
    for row in fetched:
        sizes = [size or 0 for size in list(row)[1 : 1 + width]]
        for column, size in zip(columns, sizes, strict=True):
            if size > limits.max_value_bytes:
                raise QueryTooLarge(
                    f"A value in column {column!r} is {size:,} bytes; the limit is "
                    f"{limits.max_value_bytes:,}. Select a shorter form, e.g. left({column}, 200) "
                    f"or length({column}).",
                    reason="value_too_large",
                    column=column,
                    bytes=size,
                    limit_bytes=limits.max_value_bytes,
                )
        used += sum(sizes) + width  # a byte per value for the JSON around it, roughly
        if used > limits.max_result_bytes:
            size_limited = True
            break
        rows.append([json_value(value) for value in list(row)[1 + width :]])
    return QueryResult(
        columns=columns,
        rows=rows,
        row_count=len(rows),
        total_rows=total,
        truncated=total > len(rows),
        limit=row_limit,
        size_limited=size_limited,
    )


def _timeout(timeout_ms: int) -> QueryTimeout:
    return QueryTimeout(
        f"The query took longer than {timeout_ms / 1000:g} s and was stopped; narrow it "
        "down (filters, fewer joins, aggregates) and try again.",
        timeout_ms=timeout_ms,
    )


_LIMITS = {"53200", "53400"}  # out of memory; temp_file_limit (configuration_limit_exceeded)


def _domain_error(exc: DBAPIError, timeout_ms: int) -> InvalidInput | None:
    """The query's own failures as domain errors; None for the rest (connection loss, ...)."""
    state = sqlstate(exc)
    diag = getattr(exc.orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc.orig).splitlines()[0]
    if state == "57014":  # query_canceled: our statement_timeout
        return _timeout(timeout_ms)
    if state == "25006":  # read_only_sql_transaction: the database's own guard caught a write
        return QueryRefused(
            "The query tried to change data; ad-hoc queries are read-only.", "write_operation"
        )
    unreadable = state is None and isinstance(exc.orig, psycopg.DataError)  # e.g. date 'infinity'
    if unreadable or (state or "")[:2] in ("21", "22", "42", "0A", "54") or state in _LIMITS:
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
