"""Under the guard, PostgreSQL's own limits: the query runs as `dyno_adhoc_reader`, which reads the
reporting views and nothing else, with bounded memory, value and result sizes, and a deadline the
client enforces too. Queries here skip the guard on purpose (hand-built ValidatedQuery) to show the
database refusing what the guard would have let through."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dyno_agent.adhoc import QueryFailed, QueryRefused, QueryTimeout, run_query
from dyno_agent.adhoc.guard import ValidatedQuery
from dyno_agent.adhoc.runner import QueryLimits, QueryTooLarge, run_validated
from dyno_agent.adhoc.views import READER_ROLE, SCHEMA, TABLES, VIEWS
from dyno_agent.config import Settings
from tests.adhoc.conftest import Lab, snapshot


def unchecked(sql: str, max_text: int = 0) -> ValidatedQuery:
    return ValidatedQuery(sql=sql, relations=frozenset(), views=(), max_text=max_text)


async def run(lab: Lab, sql: str, **limits: object):  # type: ignore[no-untyped-def]
    return await run_validated(
        lab.engine, unchecked(sql), row_limit=50, timeout_ms=2000, limits=QueryLimits(**limits)
    )


class TestReaderRole:
    async def test_the_query_runs_as_the_reader_role_with_work_mem_bounded(self, lab: Lab):
        result = await run(lab, "SELECT current_user, current_setting('work_mem')", work_mem="2MB")
        assert result.rows == [[READER_ROLE, "2MB"]]

    async def test_the_reporting_views_are_readable(self, lab: Lab):
        result = await run(lab, f"SELECT count(*) FROM {SCHEMA}.vehicles")
        assert result.rows == [[3]]

    @pytest.mark.parametrize(
        "sql",
        [
            "SELECT * FROM public.vehicles",
            "SELECT password_hash FROM public.users",
            "SELECT count(*) FROM public.allocation_events",
            "SELECT * FROM public.alembic_version",
            "SELECT nextval('public.vehicles_id_seq')",
            "SELECT setval('public.vehicles_id_seq', 1000)",
            # Resetting the role inside the statement comes too late: rights are checked first.
            "SELECT set_config('role', 'none', true), (SELECT count(*) FROM public.users)",
        ],
    )
    async def test_a_base_table_read_past_the_guard_is_denied_by_postgresql(
        self, lab: Lab, sql: str
    ):
        async with lab.engine.connect() as conn:
            before = await snapshot(conn)
        with pytest.raises(QueryFailed, match="permission denied"):
            await run(lab, sql)
        async with lab.engine.connect() as conn:
            assert await snapshot(conn) == before

    async def test_the_views_show_what_the_guard_and_the_prompt_describe(self, engine: AsyncEngine):
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position)"
                    " FROM information_schema.columns WHERE table_schema = :schema"
                    " GROUP BY table_name"
                ),
                {"schema": SCHEMA},
            )
            in_database = {name: tuple(columns) for name, columns in rows}
        described = {**TABLES, **{name: columns for name, (_, columns) in VIEWS.items()}}
        assert in_database == described

    async def test_the_role_may_read_nothing_but_the_views(self, engine: AsyncEngine):
        async with engine.connect() as conn:
            granted = await conn.execute(
                text(
                    "SELECT DISTINCT table_schema || '.' || table_name, privilege_type"
                    " FROM information_schema.role_table_grants WHERE grantee = :role"
                ),
                {"role": READER_ROLE},
            )
            grants = set(granted.all())
            login = await conn.scalar(
                text("SELECT rolcanlogin OR rolsuper FROM pg_roles WHERE rolname = :role"),
                {"role": READER_ROLE},
            )
        assert grants == {(f"{SCHEMA}.{name}", "SELECT") for name in [*TABLES, *VIEWS]}
        assert login is False

    async def test_a_database_user_outside_the_role_gets_a_clear_refusal(self, engine: AsyncEngine):
        outsider = "dyno_adhoc_outsider"  # roles are cluster-wide: create it once
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{outsider}')"
                    f" THEN CREATE ROLE {outsider} LOGIN; END IF; END $$"
                )
            )
        other = create_async_engine(engine.url.set(username=outsider))
        try:
            with pytest.raises(QueryFailed, match="cannot act as"):
                await run_query(other, "SELECT 1")
        finally:
            await other.dispose()


class TestMemoryBounds:
    """The issue's repros, refused before they build anything big."""

    async def test_nested_repeat_building_100_mb_is_refused_by_the_guard(self, lab: Lab):
        with pytest.raises(QueryRefused) as caught:
            await run_query(lab.engine, "SELECT length(repeat(repeat('x', 10000), 10000))")
        assert caught.value.details["reason"] == "too_large"

    @pytest.mark.parametrize(
        "sql",
        [
            "SELECT length(string_agg(repeat('x', 10000), '')) FROM generate_series(1, 10000) a,"
            " generate_series(1, 10) b",
            "SELECT length(string_agg(g::text, '')) FROM generate_series(1, 10000) a,"
            " generate_series(1, 10000) b, generate_series(1, 10) g",
        ],
    )
    async def test_a_gigabyte_string_agg_from_series_is_refused_by_the_guard(
        self, lab: Lab, sql: str
    ):
        with pytest.raises(QueryRefused) as caught:
            await run_query(lab.engine, sql)
        assert caught.value.details["reason"] == "series_too_large"

    @pytest.mark.parametrize(
        "sql",
        [
            # 10,000 rows of 10,000 characters: 100 MB in one aggregate
            "SELECT length(string_agg(repeat('x', 10000), '')) FROM generate_series(1, 10000)",
            # rows from a non-constant series, which the guard cannot count
            "SELECT length(string_agg(repeat('x', 1000), '')) FROM generate_series(1, 100) a,"
            " LATERAL generate_series(1, a * 100000) b",
            # a cross join of the data itself
            "SELECT length(string_agg(v1.vin || v2.vin, '')) FROM vehicles v1, vehicles v2,"
            " vehicles v3, vehicles v4, vehicles v5, vehicles v6, generate_series(1, 10000) g",
        ],
    )
    async def test_a_plan_that_would_build_too_much_is_refused_before_it_runs(
        self, lab: Lab, sql: str
    ):
        with pytest.raises(QueryTooLarge) as caught:
            await run_query(lab.engine, sql)
        assert caught.value.details["reason"] == "plan_too_large"
        assert "Add filters" in caught.value.message

    async def test_a_value_over_the_limit_never_leaves_the_server(self, lab: Lab):
        sql = "SELECT vin, repeat('x', 5000) AS big FROM vehicles"
        with pytest.raises(QueryTooLarge) as caught:
            await run_query(lab.engine, sql, limits=QueryLimits(max_value_bytes=4096))
        assert caught.value.details == {
            "reason": "value_too_large",
            "column": "big",
            "bytes": 5000,
            "limit_bytes": 4096,
        }
        assert "left(big, 200)" in caught.value.message

    async def test_a_result_over_the_limit_keeps_the_rows_that_fit_and_says_so(self, lab: Lab):
        sql = "SELECT g, repeat('y', 1000) AS filler FROM generate_series(1, 40) g ORDER BY g"
        result = await run_query(lab.engine, sql, limits=QueryLimits(max_result_bytes=10_000))
        assert [row[0] for row in result.rows] == list(range(1, 10))
        assert (result.total_rows, result.truncated, result.size_limited) == (40, True, True)
        assert "result size limit" in result.summary()

    def test_the_settings_hold_the_bounds(self, settings: Settings):
        assert (settings.sql_work_mem, settings.sql_temp_file_limit) == ("4MB", "64MB")
        assert (settings.sql_max_value_bytes, settings.sql_max_result_bytes) == (65_536, 262_144)
        assert settings.sql_max_plan_bytes == 64 << 20
        with pytest.raises(ValueError):
            Settings(_env_file=None, sql_work_mem="4MB; RESET ROLE")


class TestClientDeadline:
    async def test_waiting_for_a_connection_counts_against_the_timeout(
        self, lab: Lab, database_url
    ):  # type: ignore[no-untyped-def]
        """Every pooled connection busy: the query gives up at its deadline, not the pool's."""
        tiny = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=20)
        try:
            async with tiny.connect() as holder:
                await holder.execute(text("SELECT 1"))
                with pytest.raises(QueryTimeout):
                    await asyncio.wait_for(
                        run_query(tiny, "SELECT count(*) FROM vehicles", timeout_ms=100),
                        timeout=15,
                    )
            result = await run_query(tiny, "SELECT count(*) FROM vehicles")
            assert result.rows == [[3]]  # the pool is whole again
        finally:
            await tiny.dispose()
