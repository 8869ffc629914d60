"""The Prometheus metrics of Dyno Agent, and the small `record_*` functions the domain calls.

Every family is defined here once (prefix `dyno_`); the domain records what happened where it
happens (`record_booking(channel, result)`), never the routes. Label values come from closed sets
(channels, results, error codes, tool names, the configured model), so cardinality stays bounded.

Several worker processes share one view through prometheus-client's multiprocess mode: the server
calls `prepare_multiprocess_dir` before its workers start, each worker then writes its values to
memory-mapped files there, and `/metrics` merges them (`render`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_MODEL_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)
_SHIFT_BUCKETS = (0, 1, 2, 3, 5, 7, 14, 30, 60)
_SOLVE_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
_GAP_BUCKETS = (0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1)

# HTTP ---------------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "dyno_http_requests",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "dyno_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "dyno_http_requests_in_flight",
    "HTTP requests being served now.",
    multiprocess_mode="livesum",
)

# Database -----------------------------------------------------------------------------------
DB_POOL_SIZE = Gauge(
    "dyno_db_pool_size",
    "Configured connections the pool keeps (excluding overflow).",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_CHECKED_OUT = Gauge(
    "dyno_db_pool_checked_out",
    "Connections in use now.",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_OVERFLOW = Gauge(
    "dyno_db_pool_overflow",
    "Connections open beyond the pool size now (negative: pool not filled yet).",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    "dyno_db_pool_max_connections",
    "Most connections the pool may open (size + max overflow).",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_WAITS = Counter(
    "dyno_db_pool_waits",
    "Checkouts that found every connection in use and had to wait.",
    ["pool"],
)
DB_POOL_TIMEOUTS = Counter(
    "dyno_db_pool_timeouts",
    "Checkouts that gave up after DYNO_DB_POOL_TIMEOUT_S.",
    ["pool"],
)
DB_STATEMENT_ERRORS = Counter(
    "dyno_db_statement_errors",
    "Statements that failed, by SQLSTATE class (first two characters; 'none' without one).",
    ["sqlstate_class"],
)

# Bookings -----------------------------------------------------------------------------------
BOOKING_RESULTS = (
    "placed",
    "shifted",
    "no_capacity",
    "not_compatible",
    "vehicle_busy",
    "lost_race",
    "retried",
    "refused",
)
BOOKINGS = Counter(
    "dyno_bookings",
    "Booking attempts by channel and result (lost_race and retried count events inside one "
    "attempt).",
    ["channel", "result"],
)
BOOKING_SHIFT_DAYS = Histogram(
    "dyno_booking_shift_days",
    "Days an automatic booking was shifted after the requested start (0: as requested).",
    ["channel"],
    buckets=_SHIFT_BUCKETS,
)
BOOKING_CANCELS = Counter("dyno_booking_cancels", "Bookings cancelled.", ["channel"])
BOOKING_MOVES = Counter("dyno_booking_moves", "Bookings moved (rescheduled).", ["channel"])
BOOKING_STATUS_CHANGES = Counter(
    "dyno_booking_status_changes", "Booking status changes by new status.", ["channel", "status"]
)

# Agent --------------------------------------------------------------------------------------
AGENT_TURNS = Counter(
    "dyno_agent_turns",
    "Chat turns by model and outcome (answered, confirmation, error, failed).",
    ["model", "outcome"],
)
AGENT_TOOL_CALLS = Counter(
    "dyno_agent_tool_calls",
    "Tool calls by tool and result ('ok' or the error code).",
    ["tool", "result"],
)
AGENT_TOOL_LATENCY = Histogram(
    "dyno_agent_tool_duration_seconds",
    "Time a tool call ran (with its retries).",
    ["tool"],
    buckets=_LATENCY_BUCKETS,
)
AGENT_MODEL_LATENCY = Histogram(
    "dyno_agent_model_duration_seconds",
    "Time one chat-model call took.",
    ["model"],
    buckets=_MODEL_BUCKETS,
)
AGENT_TOKENS = Counter(
    "dyno_agent_tokens",
    "Tokens the provider reported (usage_metadata), by direction (in, out).",
    ["model", "direction"],
)
AGENT_CONFIRMATIONS = Counter(
    "dyno_agent_confirmations",
    "Confirmations asked, approved and rejected.",
    ["event"],
)
AGENT_ERROR_TURNS = Counter(
    "dyno_agent_error_node_turns",
    "Turns that ended in the error node, by reason (model, database, other).",
    ["reason"],
)

# Planner and imports ------------------------------------------------------------------------
PLANNER_RUNS = Counter("dyno_planner_runs", "Plans solved, by solver status.", ["status"])
PLANNER_SOLVE_SECONDS = Histogram(
    "dyno_planner_solve_seconds", "Solver wall time per plan.", buckets=_SOLVE_BUCKETS
)
PLANNER_REQUESTS = Counter(
    "dyno_planner_requests", "Requests a plan placed or left unplaced.", ["result"]
)
PLANNER_GAP = Histogram(
    "dyno_planner_gap",
    "Relative optimality gap of each plan (0: proved optimal).",
    buckets=_GAP_BUCKETS,
)
IMPORT_RUNS = Counter(
    "dyno_import_runs", "Forecast imports by result (imported, dry_run, refused).", ["result"]
)
IMPORT_ROWS = Counter(
    "dyno_import_rows", "Forecast rows imported or rejected as invalid.", ["result"]
)


# Recording ----------------------------------------------------------------------------------
def _label(value: object) -> str:
    return str(getattr(value, "value", value))


# SQLSTATE classes worth a line from the start: connection, integrity, rollback (deadlock,
# serialisation), syntax/access, resources, operator intervention (shutdown), timeouts/cancel.
_SQLSTATE_CLASSES = ("08", "23", "40", "42", "53", "57", "none")


def initialise(model: str, pool: str = "app") -> None:
    """Create the series of the closed label sets at 0, so rates and alerts work from the first
    scrape (a labelled series otherwise appears only when it first moves)."""
    for channel in ("api", "agent", "cli", "plan"):
        for result in BOOKING_RESULTS:
            BOOKINGS.labels(channel, result)
        BOOKING_CANCELS.labels(channel)
        BOOKING_MOVES.labels(channel)
    for event in ("asked", "approved", "rejected"):
        AGENT_CONFIRMATIONS.labels(event)
    for reason in ("model", "database", "other"):
        AGENT_ERROR_TURNS.labels(reason)
    for outcome in ("answered", "confirmation", "error", "failed"):
        AGENT_TURNS.labels(model, outcome)
    for direction in ("in", "out"):
        AGENT_TOKENS.labels(model, direction)
    for status in ("OPTIMAL", "FEASIBLE", "GREEDY"):
        PLANNER_RUNS.labels(status)
    for result in ("imported", "dry_run", "refused"):
        IMPORT_RUNS.labels(result)
    for sqlstate_class in _SQLSTATE_CLASSES:
        DB_STATEMENT_ERRORS.labels(sqlstate_class)
    for result in ("placed", "unplaced"):
        PLANNER_REQUESTS.labels(result)
    for result in ("imported", "rejected"):
        IMPORT_ROWS.labels(result)
    DB_POOL_WAITS.labels(pool)
    DB_POOL_TIMEOUTS.labels(pool)


def record_booking(channel: object, result: str, shift_days: int | None = None) -> None:
    """One booking outcome; `shift_days` for automatic bookings (0 when placed as asked)."""
    BOOKINGS.labels(_label(channel), result).inc()
    if shift_days is not None:
        BOOKING_SHIFT_DAYS.labels(_label(channel)).observe(shift_days)


def record_status_change(channel: object, status: object) -> None:
    BOOKING_STATUS_CHANGES.labels(_label(channel), _label(status)).inc()
    if _label(status) == "cancelled":
        BOOKING_CANCELS.labels(_label(channel)).inc()


def record_move(channel: object) -> None:
    BOOKING_MOVES.labels(_label(channel)).inc()


def record_turn(model: str, outcome: str) -> None:
    AGENT_TURNS.labels(model, outcome).inc()


def record_tool_call(tool: str, result: str, seconds: float | None = None) -> None:
    AGENT_TOOL_CALLS.labels(tool, result).inc()
    if seconds is not None:
        AGENT_TOOL_LATENCY.labels(tool).observe(seconds)


def record_model_call(model: str, seconds: float, usage: dict[str, int] | None) -> None:
    AGENT_MODEL_LATENCY.labels(model).observe(seconds)
    if usage:
        AGENT_TOKENS.labels(model, "in").inc(usage.get("input_tokens", 0))
        AGENT_TOKENS.labels(model, "out").inc(usage.get("output_tokens", 0))


def record_confirmation(event: str) -> None:
    AGENT_CONFIRMATIONS.labels(event).inc()


def record_error_turn(reason: str | None) -> None:
    AGENT_ERROR_TURNS.labels(reason if reason in ("model", "database") else "other").inc()


def record_plan(status: str, seconds: float, placed: int, unplaced: int, gap: float) -> None:
    PLANNER_RUNS.labels(status).inc()
    PLANNER_SOLVE_SECONDS.observe(seconds)
    PLANNER_REQUESTS.labels("placed").inc(placed)
    PLANNER_REQUESTS.labels("unplaced").inc(unplaced)
    PLANNER_GAP.observe(gap)


def record_import(result: str, imported: int, rejected: int) -> None:
    IMPORT_RUNS.labels(result).inc()
    IMPORT_ROWS.labels("imported").inc(imported)
    IMPORT_ROWS.labels("rejected").inc(rejected)


def record_statement_error(sqlstate: str | None) -> None:
    DB_STATEMENT_ERRORS.labels(sqlstate[:2] if sqlstate else "none").inc()


# Exposition ---------------------------------------------------------------------------------
class Collector(Protocol):
    def collect(self) -> Iterable[Metric]: ...


class _Union:
    """Several collectors rendered as one registry."""

    def __init__(self, *parts: Collector) -> None:
        self._parts = parts

    def collect(self) -> Iterator[Metric]:
        for part in self._parts:
            yield from part.collect()


class Families:
    """Metric families made at scrape time (the same in every worker, so never merged)."""

    def __init__(self, *families: Metric) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        yield from self._families


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(path: Path | str) -> Path:
    """Use `path` for the workers' shared metric files, emptied first (call before the workers
    start: prometheus-client reads the variable when it is first imported in a process)."""
    directory = Path(path)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


def mark_process_dead(pid: int) -> None:
    """Forget a stopped worker's live gauges (in-flight requests, pool connections)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)


def render(*extra: Collector) -> bytes:
    """The exposition of every process's metrics (merged in multiprocess mode) plus `extra`."""
    if multiprocess_dir():
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return generate_latest(_Union(merged, *extra))
    return generate_latest(_Union(REGISTRY, *extra))
