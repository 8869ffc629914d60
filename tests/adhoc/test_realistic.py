"""Queries of the kind a model writes: each passes the guard and runs on PostgreSQL as rendered
(the guard runs sqlglot's rendering, so this also pins down the renderer)."""

from __future__ import annotations

import json

import pytest

from dyno_agent.adhoc import run_query
from tests.adhoc.conftest import Lab

# What a model typically writes; each must pass the guard and run as rendered.
REALISTIC = [
    (
        "SELECT status, COUNT(*) AS n FROM allocations WHERE start_date >= CURRENT_DATE - "
        "INTERVAL '30 days' AND status IN ('scheduled','running') GROUP BY status ORDER BY n "
        "DESC"
    ),
    (
        "SELECT d.name, COUNT(a.id) FILTER (WHERE a.status = 'completed') AS completed, "
        "ROUND(AVG(a.end_date - a.start_date + 1)::numeric, 1) AS avg_days FROM dynos d LEFT "
        "JOIN allocations a ON a.dyno_id = d.id GROUP BY d.name ORDER BY completed DESC NULLS "
        "LAST LIMIT 10"
    ),
    (
        "SELECT TO_CHAR(start_date, 'Mon YYYY') AS month, EXTRACT(MONTH FROM start_date) AS m, "
        "DATE_PART('week', start_date) AS w FROM allocations"
    ),
    (
        "SELECT STRING_AGG(DISTINCT name, ', ' ORDER BY name) FROM dynos WHERE 'brake' = "
        "ANY(supported_test_types) OR supported_test_types @> ARRAY['emissions']"
    ),
    (
        "SELECT vin FROM vehicles WHERE program ILIKE '%p7%' AND NOT (drive_type = 'AWD' OR "
        "weight_lbs IS NULL)"
    ),
    (
        "SELECT DISTINCT ON (dyno_id) dyno_id, start_date FROM allocations ORDER BY dyno_id, "
        "start_date DESC"
    ),
    "SELECT name, unnest(supported_test_types) AS tt FROM dynos",
    (
        "SELECT name, array_to_string(supported_test_types, ', ') FROM dynos WHERE "
        "cardinality(supported_drives) > 1"
    ),
    (
        "SELECT a.id, LAG(a.end_date) OVER (PARTITION BY a.dyno_id ORDER BY a.start_date) AS "
        "prev_end, SUM(a.end_date - a.start_date + 1) OVER (PARTITION BY a.dyno_id) FROM "
        "allocations a"
    ),
    (
        "SELECT * FROM allocations WHERE (start_date, end_date) OVERLAPS (DATE '2026-03-01', "
        "DATE '2026-03-31')"
    ),
    (
        "SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE status='completed') / NULLIF(COUNT(*), "
        "0), 1) FROM allocations"
    ),
    (
        "SELECT created_at::date, date(created_at), EXTRACT(EPOCH FROM (updated_at - "
        "created_at)) FROM allocations"
    ),
    (
        "SELECT * FROM allocations WHERE start_date BETWEEN CURRENT_DATE AND CURRENT_DATE + 7 "
        "AND dyno_id IS NOT NULL"
    ),
    (
        "SELECT d.name FROM dynos d WHERE NOT EXISTS (SELECT 1 FROM allocations a WHERE "
        "a.dyno_id = d.id AND daterange(a.start_date, a.end_date, '[]') && "
        "daterange('2026-03-09', '2026-03-13', '[]'))"
    ),
    "SELECT facility, bool_or(enabled), count(*) FROM dynos GROUP BY ROLLUP (facility)",
    (
        "SELECT * FROM maintenance_windows WHERE end_date >= now()::date ORDER BY start_date "
        "LIMIT 5 OFFSET 0"
    ),
    (
        "SELECT test_type, count(*) FROM allocations GROUP BY 1 HAVING count(*) >= ALL (SELECT "
        "count(*) FROM allocations GROUP BY test_type)"
    ),
    (
        "SELECT v.vin, a.* FROM vehicles v JOIN LATERAL (SELECT * FROM allocations x WHERE "
        "x.vehicle_id = v.id ORDER BY start_date DESC LIMIT 1) a ON true"
    ),
    (
        "SELECT name, COALESCE(available_to::text, 'open-ended'), GREATEST(available_from, "
        "DATE '2026-01-01') FROM dynos"
    ),
    "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM allocations",
    (
        "SELECT vin, length(vin), upper(left(vin, 3)), position('F' in vin), "
        "split_part(program, '-', 1) FROM vehicles"
    ),
    "SELECT age(CURRENT_DATE, start_date), justify_days(interval '45 days') FROM allocations",
    (
        "SELECT d.name, json_agg(json_build_object('id', a.id, 'start', a.start_date) ORDER BY "
        "a.start_date) FROM dynos d JOIN allocations a ON a.dyno_id = d.id GROUP BY d.name"
    ),
    (
        "SELECT count(*) FROM allocations WHERE status <> 'cancelled' AND end_date >= "
        "'2026-03-01' AND start_date <= '2026-03-31'"
    ),
    "SELECT EXTRACT(ISODOW FROM start_date) AS dow, COUNT(*) FROM allocations GROUP BY dow",
    "SELECT COUNT(DISTINCT vehicle_id) FROM allocations",
    "SELECT * FROM vehicles WHERE vin ~ '^1FT' AND weight_lbs % 2 = 0",
    (
        "SELECT x.day::date, count(a.id) FROM generate_series(DATE '2026-03-01', DATE "
        "'2026-03-31', INTERVAL '1 day') AS x(day) LEFT JOIN allocations a ON x.day::date "
        "BETWEEN a.start_date AND a.end_date GROUP BY 1 ORDER BY 1"
    ),
    "SELECT make_interval(days => 3), date_trunc('day', now()), localtimestamp",
    (
        "SELECT CASE WHEN weight_lbs > 10000 THEN 'heavy' WHEN weight_lbs IS NULL THEN "
        "'unknown' ELSE 'light' END, count(*) FROM vehicles GROUP BY 1"
    ),
    "SELECT sum(CASE WHEN status = 'running' THEN 1 ELSE 0 END) FROM allocations",
    "SELECT dyno_id, max(end_date) - min(start_date) FROM allocations GROUP BY dyno_id",
    "SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY end_date - start_date) FROM allocations",
    "SELECT name FROM dynos WHERE supported_drives && ARRAY['AWD','4WD']::text[]",
    (
        "SELECT lower(daterange(start_date, end_date, '[]')), upper(daterange(start_date, "
        "end_date, '[]')) FROM allocations"
    ),
    "SELECT * FROM dynos WHERE available_to IS NULL OR available_to > CURRENT_DATE",
    "SELECT date_trunc('month', start_date)::date AS month, count(*) FROM allocations GROUP BY 1",
    (
        "SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'completed' THEN 1 END) AS done FROM "
        "allocations"
    ),
    "select extract(year from age(now(), created_at)) from vehicles",
    "SELECT to_timestamp(0), now() - created_at > interval '1 hour' FROM vehicles",
    "SELECT vin FROM vehicles ORDER BY random() LIMIT 1",
    (
        "SELECT id, notes FROM allocations WHERE notes IS NOT NULL AND notes <> '' AND notes "
        "NOT ILIKE '%test%'"
    ),
    "SELECT num_nonnulls(build_id, cert_team) FROM vehicles",
    "SELECT * FROM vehicles v WHERE v.id = ANY (SELECT vehicle_id FROM allocations)",
    "select count(*) from allocations a inner join dynos d using (id)",
    "select * from vehicles natural join allocations",
    (
        'SELECT d.name AS "Dyno", count(*) AS "Bookings" FROM dynos d JOIN allocations a ON '
        "a.dyno_id = d.id GROUP BY d.name"
    ),
    "SELECT generate_series(1, 3) AS n, 'x' || 1::text",
    "SELECT EXTRACT(DAY FROM end_date::timestamp - start_date::timestamp) FROM allocations",
    "SELECT TO_CHAR(NOW(), 'Day'), CURRENT_TIME, CURRENT_TIMESTAMP(0)",
    "SELECT (SELECT count(*) FROM vehicles) AS vehicles, (SELECT count(*) FROM dynos) AS dynos",
    (
        "SELECT a.status, count(*)::float / sum(count(*)) OVER () AS share FROM allocations a "
        "GROUP BY a.status"
    ),
    "SELECT regexp_matches(vin, '[0-9]+', 'g') FROM vehicles",
    "SELECT substring(vin from '^...') FROM vehicles",
]


@pytest.mark.parametrize("sql", REALISTIC)
async def test_realistic_agent_queries_run(shared_lab: Lab, sql: str):
    result = await run_query(shared_lab.engine, sql)
    assert result.total_rows >= result.row_count >= 0
    json.dumps(result.as_dict(), allow_nan=False)
