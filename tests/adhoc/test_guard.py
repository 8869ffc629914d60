"""The guard alone: which queries pass, which are refused, and why (no database needed)."""

from __future__ import annotations

import pytest

from dyno_agent.adhoc import QueryRefused, validate_query
from dyno_agent.adhoc.views import describe_relations
from dyno_agent.errors import InvalidInput


def refusal(sql: str) -> QueryRefused:
    with pytest.raises(QueryRefused) as caught:
        validate_query(sql)
    return caught.value


ALLOWED = [
    "SELECT * FROM vehicles",
    "select vin, program from VEHICLES where drive_type = 'AWD';",
    "SELECT * FROM public.allocations WHERE start_date >= DATE '2026-03-01'",
    'SELECT "vin" FROM "vehicles"',
    "SELECT a.id, v.vin, d.name FROM allocations a JOIN vehicles v ON v.id = a.vehicle_id "
    "LEFT JOIN dynos d ON d.id = a.dyno_id",
    "WITH busy AS (SELECT dyno_id, count(*) AS n FROM allocations GROUP BY dyno_id) "
    "SELECT d.name, coalesce(b.n, 0) FROM dynos d LEFT JOIN busy b ON b.dyno_id = d.id",
    "WITH RECURSIVE days(d) AS (SELECT DATE '2026-03-01' UNION ALL SELECT d + 1 FROM days "
    "WHERE d < DATE '2026-03-31') SELECT count(*) FROM days",
    "SELECT status, count(*) FROM allocations GROUP BY status HAVING count(*) > 1 ORDER BY 2 DESC",
    "SELECT name FROM dynos UNION SELECT vin FROM vehicles EXCEPT SELECT 'x'",
    "SELECT * FROM allocation_overview WHERE dyno_name = 'MPG 3'",
    "SELECT * FROM dyno_capabilities WHERE test_type = 'brake'",
    "SELECT * FROM maintenance_overview",
    "SELECT * FROM vehicles v WHERE EXISTS (SELECT 1 FROM allocations a WHERE a.vehicle_id = v.id)",
    "SELECT dyno_id, row_number() OVER (PARTITION BY dyno_id ORDER BY start_date) FROM allocations",
    "SELECT d::date FROM generate_series(DATE '2026-03-01', DATE '2026-03-31', '1 day') d",
    "SELECT g FROM generate_series(1, 10000) g",
    "SELECT * FROM allocations a, LATERAL generate_series(a.start_date, a.end_date, "
    "interval '1 day') d",
    "SELECT extract(dow FROM start_date), date_trunc('week', start_date) FROM allocations",
    "SELECT * FROM allocations WHERE daterange(start_date, end_date, '[]') && "
    "daterange(current_date, current_date + 7, '[]')",
    "SELECT jsonb_build_object('vin', vin) FROM vehicles",
    "SELECT * FROM dynos WHERE 'brake' = ANY(supported_test_types)",
    "SELECT CAST(weight_lbs AS numeric(10, 2)) / 2.2, weight_lbs::text FROM vehicles",
    "SELECT 1 -- a comment\n",
    "/* leading comment */ SELECT 1",
    "WITH users AS (SELECT 1 AS id) SELECT * FROM users",  # the CTE, not the table
    "WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a",
    "SELECT lpad(id::text, 5, '0'), repeat('-', 10) FROM vehicles",
    "(SELECT 1)",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_allowed_queries_pass(sql: str):
    query = validate_query(sql)
    assert query.sql.upper().lstrip("( ").startswith(("SELECT", "WITH"))


class TestWhatRuns:
    def test_the_rendered_tree_runs_without_comments(self):
        query = validate_query("SELECT 1 /* ; DROP TABLE x */ -- */ DROP TABLE y\n")
        assert query.sql == "SELECT 1"

    def test_relations_and_views_are_reported(self):
        query = validate_query(
            "SELECT * FROM allocation_overview o JOIN public.dyno_capabilities c "
            "ON c.dyno_id = o.dyno_id JOIN vehicles v ON v.id = o.vehicle_id"
        )
        assert query.relations == {"allocation_overview", "dyno_capabilities", "vehicles"}
        assert query.views == ("allocation_overview", "dyno_capabilities")
        assert "public." not in query.sql  # every relation read is the reporting view
        assert "reporting.dyno_capabilities AS c" in query.sql
        assert "reporting.vehicles AS v" in query.sql

    def test_a_qualified_name_next_to_a_cte_of_that_name_reads_the_view(self):
        query = validate_query(
            "WITH dyno_capabilities AS (SELECT 1) SELECT * FROM public.dyno_capabilities"
        )
        assert query.sql.endswith("SELECT * FROM reporting.dyno_capabilities")
        query = validate_query("WITH vehicles AS (SELECT 1) SELECT * FROM vehicles")
        assert "reporting" not in query.sql  # the CTE, unqualified

    def test_the_error_is_invalid_input_with_a_reason(self):
        error = refusal("select * from users")
        assert isinstance(error, InvalidInput)
        assert error.code == "query_refused"
        assert error.status == 422
        assert error.details == {"reason": "forbidden_relation", "relation": "users"}
        assert "users is not a relation ad-hoc queries may read" in error.message
        assert "vehicles" in error.message  # says what is allowed


class TestReasons:
    @pytest.mark.parametrize(
        ("sql", "reason", "words"),
        [
            ("", "empty", "empty"),
            ("  -- nothing\n", "empty", "empty"),
            ("SELEC 1 FRM", "parse_error", "could not be parsed"),
            ("select 'unterminated", "parse_error", "could not be parsed"),
            ("SELECT 1; SELECT 2", "multiple_statements", "Only one statement"),
            ("DELETE FROM allocations", "not_select", "DELETE"),
            ("VACUUM", "not_select", "VACUUM"),
            ("SET ROLE postgres", "not_select", "SET"),
            ("WITH x AS (UPDATE dynos SET enabled = false RETURNING *) SELECT * FROM x",
             "write_operation", "UPDATE"),
            ("SELECT * INTO evil FROM vehicles", "select_into", "INTO"),
            ("SELECT * FROM allocations FOR UPDATE", "locking_clause", "FOR UPDATE"),
            ("SELECT * FROM allocations FOR KEY SHARE", "locking_clause", "FOR SHARE"),
            ("select pg_sleep(10)", "forbidden_function", "stalls the database"),
            ("select pg_sleep_for('5 minutes')", "forbidden_function", "stalls the database"),
            ("select pg_read_file('/etc/passwd')", "forbidden_function", "reads files"),
            ("select set_config('dyno.channel', 'x', false)", "forbidden_function", "settings"),
            ("SELECT nextval('vehicles_id_seq')", "forbidden_function", "sequences"),
            ("select some_new_function(1)", "forbidden_function", "not on the list"),
            ("select current_user", "forbidden_function", "database role"),
            ("select user", "forbidden_function", "database role"),
            ("select pg_catalog.lower('x')", "forbidden_function", "Schema-qualified"),
            ('select "pg_sleep"(1)', "forbidden_function", "Quoted function"),
            ("select 'users'::regclass", "forbidden_type", "REGCLASS"),
            ("select '<a/>'::xml", "forbidden_type", "XML"),
            ("select * from pg_catalog.pg_authid", "forbidden_relation", "pg_catalog.pg_authid"),
            ("select * from cat.public.vehicles", "forbidden_relation", "cat.public.vehicles"),
            ("select * from dyno_occupancy", "forbidden_relation", "dyno_occupancy"),
            ("select $1", "parameters", "parameters"),
            ("select count(*) from generate_series(1, 100000)", "series_too_large", "10,000"),
            ("select generate_series(1, 10 ^ 9)", "series_too_large", "1,000,000,000"),
            ("select * from generate_series(now(), now() + interval '1 year', '1 minute')",
             "series_too_large", "525,601"),
            ("select repeat('x', 1000000)", "too_large", "repeat()"),
            ("select lpad('x', weight_lbs) from vehicles", "too_large", "constant length"),
            ("x" * 10_001, "too_long", "10000"),
            ("SELECT " + "(" * 200 + "1" + ")" * 200, "too_complex", "nested too deeply"),
        ],
    )  # fmt: skip
    def test_each_rule_names_its_reason(self, sql: str, reason: str, words: str):
        error = refusal(sql)
        assert error.details["reason"] == reason
        assert words in error.message


class TestCteScope:
    """A CTE only hides a table inside its own scope, as in PostgreSQL."""

    def test_a_table_outside_the_ctes_query_is_the_real_table(self):
        error = refusal("SELECT * FROM (WITH users AS (SELECT 1) SELECT * FROM users) a, users")
        assert error.details["relation"] == "users"

    def test_a_cte_cannot_see_a_later_one_without_recursive(self):
        error = refusal("WITH a AS (SELECT * FROM users), users AS (SELECT 1) SELECT * FROM a")
        assert error.details["relation"] == "users"

    def test_a_qualified_name_never_means_a_cte(self):
        error = refusal("WITH users AS (SELECT 1) SELECT * FROM public.users")
        assert error.details["relation"] == "users"

    def test_only_ascii_letters_fold_like_postgresql(self):
        # The Kelvin sign lower-cases to "k" in Python but not in PostgreSQL, so this CTE does not
        # hide the real checkpoints table.
        error = refusal("WITH chec\u212apoints AS (SELECT 1) SELECT * FROM checkpoints")
        assert error.details["relation"] == "checkpoints"


def test_describe_relations_lists_tables_views_and_columns():
    text = describe_relations()
    assert "vehicles(id integer, vin varchar(17)" in text
    assert "allocation_overview(id, status" in text
    assert "users" not in text and "password" not in text
