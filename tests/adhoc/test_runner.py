"""The runner on real PostgreSQL: results, the row cap and total, JSON values, views, the timeout,
and the database's own guards under the parser (read-only transaction, one statement)."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.adhoc import QueryFailed, QueryRefused, QueryTimeout, run_query
from dyno_agent.adhoc.guard import ValidatedQuery
from dyno_agent.adhoc.runner import run_validated
from dyno_agent.config import Settings
from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling.models import Vehicle
from tests.adhoc.conftest import Lab, snapshot
from tests.factories import make_vehicle


class TestResults:
    async def test_a_simple_select_returns_columns_rows_and_counts(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT vin, program FROM vehicles ORDER BY id")
        assert result.columns == ["vin", "program"]
        assert result.rows == [[lab.vins[0], "P708"], [lab.vins[1], "P702"], [lab.vins[2], "P708"]]
        assert (result.row_count, result.total_rows, result.truncated, result.limit) == (
            3,
            3,
            False,
            50,
        )

    async def test_the_result_has_the_contract_shape_and_is_plain_json(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT id, start_date FROM allocations")
        body = result.as_dict()
        assert set(body) == {
            "columns",
            "rows",
            "row_count",
            "total_rows",
            "truncated",
            "limit",
            "size_limited",
        }
        assert json.loads(json.dumps(body, allow_nan=False)) == body

    async def test_joins_aggregates_and_ctes_run_as_written(self, lab: Lab):
        sql = """
            WITH booked AS (
                SELECT d.name, a.end_date - a.start_date + 1 AS days
                FROM allocations a JOIN dynos d ON d.id = a.dyno_id
                WHERE a.status <> 'cancelled'
            )
            SELECT name, count(*) AS bookings, sum(days) AS days
            FROM booked GROUP BY name ORDER BY name
        """
        result = await run_query(lab.engine, sql)
        assert result.columns == ["name", "bookings", "days"]
        assert result.rows == [["MPG 1", 1, 3], ["MPG 2", 1, 3]]

    async def test_window_functions_union_and_subqueries(self, lab: Lab):
        sql = (
            "SELECT name, rank() OVER (ORDER BY name DESC) AS r FROM dynos"
            " WHERE id IN (SELECT dyno_id FROM dyno_rules)"
            " UNION ALL SELECT 'none', 0 ORDER BY r"
        )
        result = await run_query(lab.engine, sql)
        assert result.rows == [["none", 0], ["Track", 1], ["MPG 2", 2], ["MPG 1", 3]]

    async def test_an_empty_result_reports_zero_rows(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT * FROM vehicles WHERE false")
        assert result.rows == []
        assert (result.row_count, result.total_rows, result.truncated) == (0, 0, False)
        assert "vin" in result.columns

    async def test_percent_signs_in_patterns_and_arithmetic_reach_the_database(self, lab: Lab):
        sql = "SELECT count(*) AS n, 7 % 3 AS m, '100%' AS p FROM vehicles WHERE program LIKE 'P7%'"
        result = await run_query(lab.engine, sql)
        assert result.rows == [[3, 1, "100%"]]

    async def test_tricky_literals_survive_the_round_trip_through_the_parser(self, lab: Lab):
        sql = r"SELECT 'it''s', $$dollar's$$, E'tab\there', 'back\slash', U&'d\0061ta', ':name'"
        result = await run_query(lab.engine, sql)
        assert result.rows == [["it's", "dollar's", "tab\there", "back\\slash", "data", ":name"]]

    async def test_many_allowed_functions_run_on_postgresql_after_rendering(self, lab: Lab):
        sql = """
            SELECT count(*), count(DISTINCT drive_type), sum(weight_lbs), avg(weight_lbs)::int,
                   min(vin) < max(vin), bool_and(weight_lbs > 0), string_agg(drive_type, ','
                   ORDER BY drive_type), array_agg(id ORDER BY id)::text, jsonb_agg(id) IS NOT NULL,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY weight_lbs), stddev(weight_lbs) > 0,
                   coalesce(max(build_id), 'none'), nullif(1, 1), greatest(1, 2), least(1, 2),
                   upper(min(vin)) = min(vin), length(min(vin)), char_length(min(vin)),
                   substr(min(vin), 1, 3), left(min(vin), 3), right(min(vin), 1) <> '',
                   strpos(min(vin), '1F'), replace('a-b', '-', '+'), split_part('a,b', ',', 2),
                   concat('a', 1), concat_ws('-', 'a', 'b'), lpad('7', 3, '0'), repeat('ab', 2),
                   reverse('ab'), initcap('mpg one'), btrim('  x '),
                   regexp_replace('a1', '\\d', '#'), min(vin) ~ '^1F', starts_with('abc', 'ab'),
                   translate('abc', 'ab', 'xy'),
                   md5('a') <> '', chr(65), ascii('A'), abs(-2), ceil(1.2), floor(1.8),
                   round(2.345, 2), trunc(2.9), sign(-3), sqrt(16), power(2, 3), 2 ^ 2, ln(1),
                   log10(100), mod(7, 3), div(7, 2), pi() > 3, width_bucket(5, 0, 10, 2),
                   gcd(12, 18), date_trunc('month', DATE '2026-03-17')::date,
                   extract(dow FROM DATE '2026-03-02'), date_part('day', DATE '2026-03-17'),
                   age(DATE '2026-03-02', DATE '2026-01-01'),
                   make_date(2026, 3, 2), to_char(DATE '2026-03-02', 'YYYY-MM'),
                   to_date('02/03/2026', 'DD/MM/YYYY'), current_date IS NOT NULL, now() IS NOT NULL,
                   daterange(DATE '2026-03-01', DATE '2026-03-05') @> DATE '2026-03-02',
                   cardinality(ARRAY[1, 2]), array_length(ARRAY[1, 2], 1), ARRAY[1] && ARRAY[1, 2],
                   array_to_string(ARRAY['a', 'b'], '/'), string_to_array('a,b', ','),
                   jsonb_build_object('a', 1) ->> 'a', json_build_array(1, 2) -> 0,
                   CASE WHEN count(*) > 2 THEN 'many' ELSE 'few' END, CAST(1 AS text),
                   '2026-03-02'::date + 1, interval '1 day' * 2
            FROM vehicles
        """
        result = await run_query(lab.engine, sql)
        assert result.rows == [
            [
                3, 3, 18000, 9000, True, True, "2WD,4WD,AWD", "{1,2,3}", True, 9000.0, True,
                "none", None, 2, 1, True, 17, 17, "1FT", "1FT", True, 1, "a+b", "b", "a1", "a-b",
                "007", "abab", "ba", "Mpg One", "x", "a#", True, True, "xyc", True, "A", 65, 2,
                2.0, 1.0, 2.35, 2.0, -1.0, 4.0, 8.0, 4.0, 0.0, 2.0, 1, 3.0, True, 2, 6,
                "2026-03-01", 1.0, 17.0, "P61D", "2026-03-02", "2026-03", "2026-03-02", True, True,
                True, 2, 2, True, "a/b", ["a", "b"], "1", 1, "many", "1", "2026-03-03", "P2D",
            ]
        ]  # fmt: skip

    async def test_generate_series_within_the_cap_and_lateral_per_row_series(self, lab: Lab):
        sql = (
            "SELECT a.id, d::date AS day FROM allocations a,"
            " LATERAL generate_series(a.start_date, a.end_date, interval '1 day') AS d"
            " WHERE a.status = 'running' ORDER BY day"
        )
        result = await run_query(lab.engine, sql)
        assert [row[1] for row in result.rows] == ["2026-03-02", "2026-03-03", "2026-03-04"]


class TestRowLimitAndTotal:
    async def test_at_most_the_limit_is_returned_and_the_total_is_reported(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT * FROM vehicles", row_limit=2)
        assert (result.row_count, result.total_rows, result.truncated, result.limit) == (
            2,
            3,
            True,
            2,
        )

    async def test_the_summary_says_how_many_rows_and_whether_all_are_shown(self, lab: Lab):
        truncated = await run_query(lab.engine, "SELECT * FROM vehicles", row_limit=2)
        complete = await run_query(lab.engine, "SELECT * FROM vehicles LIMIT 1")
        assert truncated.summary() == "2 of 3 rows (first 2 shown)"
        assert complete.summary() == "1 row"

    async def test_the_default_limit_is_fifty(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT g FROM generate_series(1, 120) AS g")
        assert (result.row_count, result.total_rows, result.truncated, result.limit) == (
            50,
            120,
            True,
            50,
        )

    async def test_the_querys_order_decides_which_rows_are_kept(self, lab: Lab):
        sql = "SELECT g FROM generate_series(1, 5000) AS g ORDER BY g DESC"
        result = await run_query(lab.engine, sql, row_limit=3)
        assert result.rows == [[5000], [4999], [4998]]
        assert result.total_rows == 5000

    async def test_the_querys_own_limit_counts_in_the_total(self, lab: Lab):
        sql = "SELECT g FROM generate_series(1, 100) AS g ORDER BY g LIMIT 10 OFFSET 5"
        result = await run_query(lab.engine, sql, row_limit=4)
        assert result.rows == [[6], [7], [8], [9]]
        assert (result.total_rows, result.truncated) == (10, True)

    async def test_duplicate_and_unnamed_columns_are_kept(self, lab: Lab):
        result = await run_query(lab.engine, "SELECT 1, 2, v.id, d.id FROM vehicles v, dynos d")
        assert result.columns == ["?column?", "?column?", "id", "id"]
        assert result.total_rows == 9

    @pytest.mark.parametrize("limit", [0, -1, 501])
    async def test_a_limit_outside_1_to_500_is_invalid_input(self, lab: Lab, limit: int):
        with pytest.raises(InvalidInput):
            await run_query(lab.engine, "SELECT 1", row_limit=limit)

    def test_settings_hold_the_defaults(self, settings: Settings):
        assert (settings.sql_row_limit, settings.sql_timeout_ms) == (50, 2000)


class TestJsonValues:
    async def test_dates_decimals_intervals_arrays_json_and_ranges_become_json(self, lab: Lab):
        sql = """
            SELECT DATE '2026-03-02' AS d, TIMESTAMPTZ '2026-03-02 10:30:00+00' AS ts,
                   TIMESTAMP '2026-03-02 10:30:00' AS naive, TIME '08:15' AS t,
                   1.50::numeric(5, 2) AS dec, 2.5::float8 AS f, 'NaN'::numeric AS nan,
                   interval '3 days 4 hours' AS i, interval '90 minutes' AS i2, true AS b,
                   NULL AS n, ARRAY[DATE '2026-03-02'] AS arr, jsonb_build_object('k', 1.5) AS j,
                   daterange(DATE '2026-03-01', DATE '2026-03-05') AS r,
                   ARRAY['x', NULL] AS texts, 12345678901234 AS big
        """
        result = await run_query(lab.engine, sql)
        assert dict(zip(result.columns, result.rows[0], strict=True)) == {
            "d": "2026-03-02",
            "ts": "2026-03-02T10:30:00+00:00",
            "naive": "2026-03-02T10:30:00",
            "t": "08:15:00",
            "dec": 1.5,
            "f": 2.5,
            "nan": "NaN",
            "i": "P3DT4H",
            "i2": "PT1H30M",
            "b": True,
            "n": None,
            "arr": ["2026-03-02"],
            "j": {"k": 1.5},
            "r": "[2026-03-01,2026-03-05)",
            "texts": ["x", None],
            "big": 12345678901234,
        }
        json.dumps(result.as_dict(), allow_nan=False)

    async def test_table_dates_and_timestamps_come_back_as_iso_strings(self, lab: Lab):
        sql = "SELECT start_date, created_at FROM allocations WHERE status = 'running'"
        result = await run_query(lab.engine, sql)
        start, created = result.rows[0]
        assert start == "2026-03-02"
        assert isinstance(created, str) and created[:4].isdigit() and "T" in created


class TestViews:
    async def test_allocation_overview_joins_vehicle_and_dyno(self, lab: Lab):
        sql = (
            "SELECT id, vin, program, dyno_name, facility, days, status"
            " FROM allocation_overview ORDER BY start_date"
        )
        result = await run_query(lab.engine, sql)
        assert result.rows == [
            [lab.allocation_ids[1], lab.vins[1], "P702", "MPG 2", "MPG", 3, "running"],
            [lab.allocation_ids[0], lab.vins[0], "P708", "MPG 1", "MPG", 3, "scheduled"],
            [lab.allocation_ids[2], lab.vins[2], "P708", None, None, 2, "scheduled"],
        ]

    async def test_dyno_capabilities_lists_each_rule_with_its_dyno(self, lab: Lab):
        sql = (
            "SELECT dyno_name, test_type, drive_type, weight_class FROM public.dyno_capabilities"
            " ORDER BY dyno_name, test_type"
        )
        result = await run_query(lab.engine, sql)
        assert result.rows == [
            ["MPG 1", "brake", "any", "any"],
            ["MPG 1", "emissions", "2WD", "<10K"],
            ["MPG 2", "coastdown", "AWD", ">10K"],
            ["Track", "brake", "any", "any"],
        ]

    async def test_views_combine_with_tables_and_each_other(self, lab: Lab):
        sql = """
            SELECT m.dyno_name, m.days, m.reason, count(o.id) AS bookings
            FROM maintenance_overview m
            LEFT JOIN allocation_overview o ON o.dyno_id = m.dyno_id
            JOIN dynos d ON d.id = m.dyno_id
            GROUP BY 1, 2, 3
        """
        result = await run_query(lab.engine, sql)
        assert result.rows == [["MPG 2", 3, "rollers", 1]]

    async def test_a_cte_named_like_a_view_wins_inside_its_scope(self, lab: Lab):
        sql = "WITH allocation_overview AS (SELECT 42 AS id) SELECT id FROM allocation_overview"
        result = await run_query(lab.engine, sql)
        assert result.rows == [[42]]


# Slow (5 * 10^8 rows in subplans) but small to the planner, whose per-call estimate for a
# generate_series with a non-constant bound is 1,000 rows; the guard counts constant bounds only.
SLOW = (
    "SELECT count(*) FROM generate_series(1, 10000) AS a"
    " WHERE (SELECT count(*) FROM generate_series(1, a * 10)) > 0"
)


class TestTimeout:
    async def test_the_default_two_seconds_stop_a_slow_allowed_query(self, lab: Lab):
        sql = SLOW
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as caught:
            await run_query(lab.engine, sql)
        elapsed = time.monotonic() - started
        assert 1.5 < elapsed < 8
        assert caught.value.code == "query_timeout"
        assert "took longer than 2 s and was stopped" in caught.value.message

    async def test_a_tiny_timeout_stops_a_moderate_query(self, lab: Lab):
        with pytest.raises(QueryTimeout, match=r"longer than 0\.001 s"):
            await run_query(lab.engine, SLOW, timeout_ms=1)

    async def test_the_connection_is_usable_after_a_timeout(self, lab: Lab):
        with pytest.raises(QueryTimeout):
            await run_query(lab.engine, SLOW, timeout_ms=50)
        result = await run_query(lab.engine, "SELECT count(*) FROM vehicles")
        assert result.rows == [[3]]


class TestDatabaseErrors:
    async def test_an_unknown_column_is_a_query_failed_error_with_postgres_words(self, lab: Lab):
        with pytest.raises(QueryFailed) as caught:
            await run_query(lab.engine, "SELECT colour FROM vehicles")
        assert caught.value.code == "query_failed"
        assert 'column "colour" does not exist' in caught.value.message

    async def test_a_bad_value_is_a_query_failed_error(self, lab: Lab):
        with pytest.raises(QueryFailed, match="division by zero"):
            await run_query(lab.engine, "SELECT 1 / (count(*) - count(*)) FROM vehicles")


class TestConnection:
    async def test_a_session_lends_its_engine_and_keeps_its_own_transaction(
        self, lab: Lab, session: AsyncSession
    ):
        """The tool passes its session: the query runs on another connection, so it sees committed
        rows only, and the session stays writable."""
        await make_vehicle(session, program="UNCOMMITTED")
        result = await run_query(session, "SELECT count(*) FROM vehicles")
        assert result.rows == [[3]]
        await make_vehicle(session, program="STILL WRITABLE")
        assert await session.scalar(select(func.count()).select_from(Vehicle)) == 5

    async def test_a_session_bound_to_the_engine_works_too(self, lab: Lab):
        async with AsyncSession(lab.engine) as session:
            result = await run_query(session, "SELECT count(*) FROM dynos")
        assert result.rows == [[3]]

    async def test_an_autocommit_engine_is_refused_rather_than_run_unprotected(self, lab: Lab):
        autocommit = lab.engine.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(RuntimeError, match="read-only transaction"):
            await run_query(autocommit, "SELECT count(*) FROM vehicles")


class TestDefenceInDepth:
    """Queries that skip the guard on purpose: the database still refuses to change anything."""

    @pytest.mark.parametrize("sql", ["SELECT lo_create(0)", "SELECT lo_from_bytea(0, 'x')"])
    async def test_the_transaction_is_read_only(self, lab: Lab, sql: str):
        async with lab.engine.connect() as conn:
            before = await snapshot(conn)
        with pytest.raises(QueryRefused) as caught:
            await run_validated(lab.engine, _unchecked(sql), row_limit=5, timeout_ms=2000)
        assert caught.value.details["reason"] == "write_operation"
        assert "read-only" in caught.value.message
        async with lab.engine.connect() as conn:
            assert await snapshot(conn) == before

    @pytest.mark.parametrize(
        ("sql", "words"),
        [
            ("SELECT 1; DROP TABLE dynos", "syntax error"),  # inside the wrapper's parentheses
            ("SELECT 1) AS q; DROP TABLE dynos; SELECT (1", "multiple commands"),
            (
                "SELECT 1) AS q; COMMIT; DROP TABLE dynos; SELECT * FROM (SELECT 1",
                "multiple commands",
            ),
            ("WITH gone AS (DELETE FROM allocations RETURNING id) SELECT * FROM gone", "top level"),
        ],
    )
    async def test_only_one_statement_reaches_the_server(self, lab: Lab, sql: str, words: str):
        async with lab.engine.connect() as conn:
            before = await snapshot(conn)
        with pytest.raises(QueryFailed, match=words):
            await run_validated(lab.engine, _unchecked(sql), row_limit=5, timeout_ms=2000)
        async with lab.engine.connect() as conn:
            assert await snapshot(conn) == before


def _unchecked(sql: str) -> ValidatedQuery:
    return ValidatedQuery(sql=sql, relations=frozenset(), views=())


async def test_an_engine_is_required(committed: AsyncEngine):
    with pytest.raises(TypeError):
        await run_query(object(), "SELECT 1")  # type: ignore[arg-type]
