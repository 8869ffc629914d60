"""Generated labs for `bench_lab_scale.py`: N dynos of 40 models (2–5 rules each, 10 test types),
about 100 bookings per dyno over three years and a few maintenance windows each, written with SQL
into a database migrated by the project (triggers off while loading, derived tables rebuilt after).

A lab is generated once and reused: its database keeps a `bench_lab` marker in `app_meta`, and the
rows a benchmark run adds are removed at the start of the next one (`reset_lab`).
"""

from __future__ import annotations

import datetime as dt
import random
import time

import psycopg

TODAY = dt.date(2026, 3, 2)
BASE = TODAY - dt.timedelta(days=730)  # bookings from two years back to one year ahead
SLOT_DAYS = 11  # one booking per slot: days 0-6 of it at most, maintenance on days 7-10
SLOTS = 100
TEST_TYPES = [
    "brake", "emissions", "coastdown", "durability", "4k certification",
    "150k mileage", "evap", "noise", "hvac", "towing",
]  # fmt: skip
DRIVES = ["2WD", "AWD", "4WD", "any"]
WEIGHTS = ["<10K", ">10K", "any"]
MODELS = 40
FACILITIES = 25


def model_rules(seed: int = 7) -> list[list[tuple[str, str, str]]]:
    rng = random.Random(seed)
    models = []
    for _ in range(MODELS):
        rules = {
            (rng.choice(TEST_TYPES), rng.choice(DRIVES), rng.choice(WEIGHTS))
            for _ in range(rng.randint(2, 5))
        }
        models.append(sorted(rules))
    return models


def marker(dynos: int) -> str:
    return f"dynos={dynos} slots={SLOTS} models={MODELS} v1"


def is_generated(conninfo: str, dynos: int) -> bool:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT value FROM app_meta WHERE key = 'bench_lab'").fetchone()
    return row is not None and row[0] == marker(dynos)


def generate(conninfo: str, dynos: int) -> None:
    """Fill an empty migrated database with the lab (one transaction)."""
    began = time.perf_counter()
    models = model_rules()
    rule_rows = [(m, t, d, w) for m, rules in enumerate(models) for t, d, w in rules]
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET session_replication_role = replica")  # no audit/sync triggers
        conn.execute("SET LOCAL synchronous_commit = off")
        conn.execute("CREATE TEMP TABLE model_rules (model int, t text, d text, w text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO model_rules VALUES (%s, %s, %s, %s)", rule_rows)
        conn.execute(
            """
            INSERT INTO dynos (id, name, facility, enabled, available_from, available_to)
            SELECT n, 'D' || lpad(n::text, 5, '0'), 'F' || (n %% %(fac)s),
                   random() > 0.01,
                   CASE WHEN random() < 0.05
                        THEN %(base)s::date + (random() * 900)::int END,
                   CASE WHEN random() < 0.03
                        THEN %(today)s::date + 200 + (random() * 500)::int END
            FROM generate_series(1, %(n)s) n
            """,
            {"n": dynos, "fac": FACILITIES, "base": BASE, "today": TODAY},
        )
        conn.execute("SELECT setval('dynos_id_seq', %s)", (dynos,))
        conn.execute(
            """
            INSERT INTO dyno_rules (dyno_id, test_type, drive_type, weight_class)
            SELECT d.id, r.t, r.d, r.w FROM dynos d JOIN model_rules r ON r.model = d.id % 40
            """
        )
        conn.execute(
            """
            UPDATE dynos d SET supported_test_types = s.t, supported_drives = s.dr,
                               supported_weight_classes = s.w
            FROM (SELECT dyno_id, array_agg(DISTINCT test_type) t, array_agg(DISTINCT drive_type)
                  dr, array_agg(DISTINCT weight_class) w FROM dyno_rules GROUP BY dyno_id) s
            WHERE s.dyno_id = d.id
            """
        )
        conn.execute(
            """
            INSERT INTO vehicles (id, tag, drive_type, weight_class, weight_lbs)
            SELECT n, 'LAB-' || n, (ARRAY['2WD', 'AWD', '4WD'])[1 + n %% 3],
                   CASE WHEN n %% 2 = 0 THEN '<10K' ELSE '>10K' END,
                   CASE WHEN n %% 2 = 0 THEN 6000 ELSE 12000 END
            FROM generate_series(1, %(n)s) n
            """,
            {"n": dynos},
        )
        conn.execute("SELECT setval('vehicles_id_seq', %s)", (dynos,))
        conn.execute(
            """
            INSERT INTO allocations (vehicle_id, dyno_id, test_type, start_date, end_date, status)
            SELECT d.id, d.id, r.test_type, s.start, s.start + s.len,
                   CASE WHEN s.start + s.len < %(today)s THEN 'completed' ELSE 'scheduled' END
            FROM dynos d
            CROSS JOIN LATERAL (SELECT test_type FROM dyno_rules WHERE dyno_id = d.id
                                ORDER BY id LIMIT 1) r
            CROSS JOIN LATERAL (
                SELECT %(base)s::date + k * %(slot)s + (random() * 3)::int AS start,
                       (random() * 3)::int AS len
                FROM generate_series(0, %(slots)s - 1) k
                WHERE random() > 0.05 AND d.id > 0
            ) s
            """,
            {"today": TODAY, "base": BASE, "slot": SLOT_DAYS, "slots": SLOTS},
        )
        conn.execute(
            """
            INSERT INTO maintenance_windows (dyno_id, start_date, end_date, reason)
            SELECT d.id, %(base)s::date + k * %(slot)s + 7,
                   %(base)s::date + k * %(slot)s + 7 + (random() * 3)::int, 'service'
            FROM dynos d
            CROSS JOIN LATERAL (SELECT (random() * (%(slots)s - 1))::int AS k
                                FROM generate_series(1, 3) WHERE d.id > 0) s
            """,
            {"base": BASE, "slot": SLOT_DAYS, "slots": SLOTS},
        )
        conn.execute(
            """
            INSERT INTO dyno_occupancy (kind, source_id, dyno_id, during)
            SELECT 'allocation', id, dyno_id, daterange(start_date, end_date, '[]')
            FROM allocations WHERE status <> 'cancelled' AND dyno_id IS NOT NULL
            UNION ALL
            SELECT 'maintenance', id, dyno_id, daterange(start_date, end_date, '[]')
            FROM maintenance_windows
            ON CONFLICT DO NOTHING
            """
        )
        conn.execute("SET session_replication_role = origin")
        conn.execute("SELECT dyno_busy_days_rebuild()")
        conn.execute(
            "INSERT INTO app_meta (key, value) VALUES ('bench_lab', %s), ('bench_watermark', "
            "(SELECT max(id) FROM allocations)::text || ' ' || %s || ' ' || "
            "(SELECT coalesce(max(id), 0) FROM maintenance_windows)::text)",
            (marker(dynos), dynos),
        )
        conn.execute("UPDATE scheduling_rules_version SET version = version + 1000000")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM dynos), (SELECT count(*) FROM dyno_rules),"
            " (SELECT count(*) FROM allocations), (SELECT count(*) FROM maintenance_windows)"
        ).fetchone()
    print(
        f"  generated in {time.perf_counter() - began:.0f} s: {counts[0]} dynos, {counts[1]} rules,"
        f" {counts[2]} bookings, {counts[3]} maintenance windows"
    )


def reset_lab(conninfo: str) -> None:
    """Remove what earlier benchmark runs added (bookings, vehicles, users) above the marks."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT value FROM app_meta WHERE key = 'bench_watermark'").fetchone()
        if row is None:
            return
        allocation, vehicle, _ = (int(x) for x in row[0].split())
        conn.execute("DELETE FROM allocations WHERE id > %s", (allocation,))
        conn.execute("DELETE FROM allocation_events WHERE allocation_id > %s", (allocation,))
        conn.execute("DELETE FROM vehicles WHERE id > %s", (vehicle,))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE allocations, dyno_busy_days, dyno_occupancy")
