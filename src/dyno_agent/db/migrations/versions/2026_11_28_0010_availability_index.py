"""Availability index: a per-day bitmap of occupied dynos and a version of the rules.

- `dyno_busy_days`: one row per day with a bitmap (bytea; bit n = dyno id n, `set_bit` order) of
  the dynos occupied that day by a booking or a maintenance window. It is kept by a trigger on
  `dyno_occupancy` (itself kept by the allocation and maintenance triggers), so it changes in the
  same transaction as the booking; the exclusion constraints stay the guarantee. A booking's days
  are cleared when it goes (bookings of one dyno never overlap each other or maintenance); a
  maintenance window's days are recomputed (maintenance windows may overlap each other).
  `dyno_busy_days_rebuild()` recomputes the whole table (after bulk loads with triggers off).
- `scheduling_rules_version`: one row whose `version` moves (from a sequence, so a rolled-back
  change never reuses a value) when a transaction that changed `dynos` or `dyno_rules` commits,
  and a random `token` per database; a process caches compatibility and pressure by both. A
  transaction that changed them sets `dyno.rules_dirty` locally, so it never reads the cache.
  Without the row (the tables were truncated) nothing is cached until the next change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dyno_busy_days (
            day date PRIMARY KEY,
            dynos bytea NOT NULL
        );

        CREATE FUNCTION dyno_busy_bit(bits bytea, n integer, v integer) RETURNS bytea
        LANGUAGE sql IMMUTABLE AS $$
            SELECT set_bit(
                CASE WHEN length(bits) * 8 > n THEN bits
                     ELSE bits || decode(repeat('00', n / 8 + 1 - length(bits)), 'hex') END,
                n, v)
        $$;

        CREATE FUNCTION dyno_busy_days_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                IF OLD.kind = 'allocation' THEN
                    UPDATE dyno_busy_days SET dynos = dyno_busy_bit(dynos, OLD.dyno_id, 0)
                    WHERE day >= lower(OLD.during) AND day < upper(OLD.during);
                ELSE
                    UPDATE dyno_busy_days b SET dynos = dyno_busy_bit(b.dynos, OLD.dyno_id,
                        (EXISTS (SELECT 1 FROM dyno_occupancy o
                                 WHERE o.dyno_id = OLD.dyno_id AND o.during @> b.day))::integer)
                    WHERE b.day >= lower(OLD.during) AND b.day < upper(OLD.during);
                END IF;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO dyno_busy_days AS b (day, dynos)
                SELECT d::date, dyno_busy_bit(''::bytea, NEW.dyno_id, 1)
                FROM generate_series(lower(NEW.during), upper(NEW.during) - 1, interval '1 day') d
                ON CONFLICT (day) DO UPDATE SET dynos = dyno_busy_bit(b.dynos, NEW.dyno_id, 1);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER dyno_busy_days_sync
            AFTER INSERT OR DELETE OR UPDATE ON dyno_occupancy
            FOR EACH ROW EXECUTE FUNCTION dyno_busy_days_sync();

        CREATE FUNCTION dyno_busy_days_clear() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM dyno_busy_days;
            RETURN NULL;
        END $$;
        CREATE TRIGGER dyno_busy_days_clear AFTER TRUNCATE ON dyno_occupancy
            FOR EACH STATEMENT EXECUTE FUNCTION dyno_busy_days_clear();

        CREATE FUNCTION dyno_busy_days_rebuild() RETURNS void LANGUAGE sql AS $$
            DELETE FROM dyno_busy_days;
            WITH cells AS (
                SELECT d::date AS day, o.dyno_id / 8 AS i, bit_or(1 << (o.dyno_id % 8)) AS b
                FROM dyno_occupancy o,
                     generate_series(lower(o.during), upper(o.during) - 1, interval '1 day') d
                GROUP BY 1, 2
            ),
            days AS (SELECT day, max(i) AS width FROM cells GROUP BY day)
            INSERT INTO dyno_busy_days (day, dynos)
            SELECT days.day,
                   decode(string_agg(lpad(to_hex(coalesce(cells.b, 0)), 2, '0'), '' ORDER BY g.i),
                          'hex')
            FROM days
            CROSS JOIN LATERAL generate_series(0, days.width) g(i)
            LEFT JOIN cells ON cells.day = days.day AND cells.i = g.i
            GROUP BY days.day;
        $$;
        SELECT dyno_busy_days_rebuild();

        CREATE SEQUENCE scheduling_rules_version_seq;
        CREATE TABLE scheduling_rules_version (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            token uuid NOT NULL DEFAULT gen_random_uuid(),
            version bigint NOT NULL DEFAULT nextval('scheduling_rules_version_seq')
        );
        INSERT INTO scheduling_rules_version DEFAULT VALUES;

        CREATE FUNCTION scheduling_rules_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM set_config('dyno.rules_dirty', 'on', true);
            RETURN NULL;
        END $$;
        CREATE FUNCTION scheduling_rules_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('dyno.rules_bumped', true) IS DISTINCT FROM
                    txid_current()::text THEN
                INSERT INTO scheduling_rules_version AS v DEFAULT VALUES
                ON CONFLICT (one) DO UPDATE SET version = nextval('scheduling_rules_version_seq');
                PERFORM set_config('dyno.rules_bumped', txid_current()::text, true);
            END IF;
            RETURN NULL;
        END $$;
        """
    )
    for table in ("dynos", "dyno_rules"):
        op.execute(
            f"""
            CREATE TRIGGER {table}_rules_dirty
                AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION scheduling_rules_dirty();
            CREATE CONSTRAINT TRIGGER {table}_rules_version
                AFTER INSERT OR UPDATE OR DELETE ON {table}
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION scheduling_rules_bump();
            """
        )


def downgrade() -> None:
    for table in ("dynos", "dyno_rules"):
        op.execute(
            f"""
            DROP TRIGGER {table}_rules_version ON {table};
            DROP TRIGGER {table}_rules_dirty ON {table};
            """
        )
    op.execute(
        """
        DROP FUNCTION scheduling_rules_bump();
        DROP FUNCTION scheduling_rules_dirty();
        DROP TABLE scheduling_rules_version;
        DROP SEQUENCE scheduling_rules_version_seq;
        DROP TRIGGER dyno_busy_days_clear ON dyno_occupancy;
        DROP FUNCTION dyno_busy_days_clear();
        DROP TRIGGER dyno_busy_days_sync ON dyno_occupancy;
        DROP FUNCTION dyno_busy_days_rebuild();
        DROP FUNCTION dyno_busy_days_sync();
        DROP FUNCTION dyno_busy_bit(bytea, integer, integer);
        DROP TABLE dyno_busy_days;
        """
    )
