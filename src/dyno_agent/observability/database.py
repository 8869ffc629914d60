"""Database metrics: the pool's connections and waits, and failed statements by SQLSTATE class."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from dyno_agent.observability import metrics


class MeteredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's async queue pool, counting checkouts that had to wait and timeouts."""

    metrics_name = "app"

    def _do_get(self) -> ConnectionPoolEntry:
        if self.checkedout() >= self.size() + self._max_overflow:
            metrics.DB_POOL_WAITS.labels(self.metrics_name).inc()
        try:
            return super()._do_get()
        except sa_exc.TimeoutError:
            metrics.DB_POOL_TIMEOUTS.labels(self.metrics_name).inc()
            raise


def instrument_engine(engine: AsyncEngine, name: str = "app") -> None:
    """Keep the pool gauges current and count failed statements by SQLSTATE class."""
    pool = engine.sync_engine.pool
    if isinstance(pool, MeteredPool):
        pool.metrics_name = name
    size = pool.size() if hasattr(pool, "size") else 0
    metrics.DB_POOL_SIZE.labels(name).set(size)
    metrics.DB_POOL_MAX.labels(name).set(size + getattr(pool, "_max_overflow", 0))

    checked_out = metrics.DB_POOL_CHECKED_OUT.labels(name)

    def overflow(*_: Any) -> None:
        if hasattr(pool, "overflow"):
            metrics.DB_POOL_OVERFLOW.labels(name).set(pool.overflow())

    def checkout(*_: Any) -> None:
        checked_out.inc()
        overflow()

    def checkin(*_: Any) -> None:
        checked_out.dec()
        overflow()

    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    event.listen(pool, "connect", overflow)

    def statement_failed(context: Any) -> None:
        metrics.record_statement_error(getattr(context.original_exception, "sqlstate", None))

    event.listen(engine.sync_engine, "handle_error", statement_failed)
