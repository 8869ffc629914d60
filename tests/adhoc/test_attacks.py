"""Attack strings against `run_query` on a real, populated database: every one is refused, and
afterwards every table, its row count and a sequence are as they were."""

from __future__ import annotations

import pytest

from dyno_agent.adhoc import QueryRefused, run_query
from tests.adhoc.conftest import Lab, snapshot

ATTACKS = [
    # writes and DDL
    "DELETE FROM allocations",
    "UPDATE allocations SET status = 'cancelled'",
    "INSERT INTO vehicles (vin, weight_class, drive_type) VALUES ('X', '<10K', '2WD')",
    "MERGE INTO dynos d USING vehicles v ON false WHEN NOT MATCHED THEN DO NOTHING",
    "TRUNCATE allocations",
    "DROP TABLE allocations",
    "ALTER TABLE vehicles ADD COLUMN evil int",
    "CREATE TABLE evil AS SELECT * FROM vehicles",
    "GRANT ALL ON vehicles TO public",
    "COPY vehicles TO '/tmp/x'",
    "COPY (SELECT * FROM vehicles) TO PROGRAM 'id'",
    "SELECT * INTO evil FROM vehicles",
    "SELECT * INTO TEMP evil FROM vehicles",
    "WITH x AS (DELETE FROM allocations RETURNING *) SELECT * FROM x",
    "WITH x AS (INSERT INTO app_meta VALUES ('k', 'v') RETURNING *) SELECT 1",
    "EXPLAIN ANALYZE DELETE FROM allocations",
    # more than one statement, however disguised
    "SELECT 1; DROP TABLE dynos",
    "SELECT 1 --\n; DROP TABLE dynos",
    "SELECT * FROM vehicles /* */; DELETE FROM vehicles",
    "SELECT 1; COMMIT; DROP TABLE dynos",
    "BEGIN; DELETE FROM allocations; COMMIT",
    "SELECT * FROM vehicles; SELECT * FROM users",
    # session, server and transaction control
    "SET ROLE postgres",
    "SET statement_timeout = 0",
    "RESET ALL",
    "SHOW ALL",
    "VACUUM",
    "ANALYZE vehicles",
    "CALL x()",
    "DO $$ BEGIN DELETE FROM allocations; END $$",
    "LOCK TABLE allocations",
    "PREPARE p AS DELETE FROM allocations",
    "LISTEN x",
    "NOTIFY x, 'y'",
    "DISCARD ALL",
    "REFRESH MATERIALIZED VIEW x",
    "SELECT * FROM allocations FOR UPDATE",
    "SELECT * FROM allocations FOR SHARE",
    # relations outside the allow-list
    "select * from users",
    "SELECT password_hash FROM users",
    'select * from "users"',
    'select * from public."users"',
    "select * from USERS",
    "TABLE users",
    "select * from allocation_events",
    "select * from dyno_occupancy",
    "select * from app_meta",
    "select * from alembic_version",
    "select * from checkpoints",
    "select * from public.checkpoint_writes",
    "select * from checkpoint_blobs",
    "select * from conversations",
    "select * from conversation_messages",
    "SELECT * FROM pg_catalog.pg_authid",
    "SELECT * FROM pg_shadow",
    "select * from pg_stat_activity",
    "select * from information_schema.tables",
    "select * from pg_temp.vehicles",
    "select * from otherdb.public.vehicles",
    'select * from U&"\\0075sers"',
    # ... reached through unions, subqueries, laterals, CTEs and scope tricks
    "select vin from vehicles union select password_hash from users",
    "select * from vehicles where id in (select id from users)",
    "select * from vehicles where 1 = (select count(*) from users where password_hash like '$2b%')",
    "select (select password_hash from users limit 1)",
    "select u.* from vehicles v, lateral (select * from users) u",
    "select to_jsonb(u) from users u",
    "WITH RECURSIVE x AS (SELECT * FROM users) SELECT * FROM x",
    "SELECT * FROM (WITH users AS (SELECT 1) SELECT * FROM users) a, users",
    "WITH a AS (SELECT * FROM users), users AS (SELECT 1) SELECT * FROM a",
    "WITH chec\u212apoints AS (SELECT 1) SELECT * FROM checkpoints",
    # dangerous or unknown functions
    "select pg_sleep(10)",
    "select pg_catalog.pg_sleep(1)",
    'select "pg_sleep"(1)',
    "select * from vehicles where pg_sleep(1) is not null",
    "select pg_read_file('/etc/passwd')",
    "select pg_read_binary_file('/etc/passwd')",
    "select pg_ls_dir('.')",
    "select pg_stat_file('postgresql.conf')",
    "select lo_import('/etc/passwd')",
    "select lo_export(1, '/tmp/x')",
    "select * from dblink('dbname=postgres', 'select 1') as t(a int)",
    "select set_config('dyno.channel', 'x', false)",
    "select current_setting('data_directory')",
    "select pg_terminate_backend(pg_backend_pid())",
    "select pg_cancel_backend(1)",
    "select pg_advisory_lock(1)",
    "select txid_current()",
    "select query_to_xml('select * from users', true, true, '')",
    "select table_to_xml('users', true, true, '')",
    "SELECT nextval('vehicles_id_seq')",
    "SELECT setval('vehicles_id_seq', 1)",
    "select current_user",
    "select version()",
    "select 'users'::regclass",
    "select count(*) from generate_series(1, 100000000)",
    "select repeat('x', 1000000000)",
    "select $1",
]


@pytest.mark.parametrize("sql", ATTACKS)
async def test_the_attack_is_refused_and_nothing_changes(shared_lab: Lab, sql: str):
    lab = shared_lab
    async with lab.engine.connect() as conn:
        before = await snapshot(conn)
    with pytest.raises(QueryRefused) as caught:
        await run_query(lab.engine, sql)
    assert caught.value.code == "query_refused"
    assert caught.value.details["reason"]
    assert caught.value.message
    async with lab.engine.connect() as conn:
        after = await snapshot(conn)
    assert after == before
    assert after["allocations"] == 3 and after["vehicles"] == 3 and after["users"] == 1


def test_the_list_is_long_enough():
    assert len(ATTACKS) >= 40
    assert len(set(ATTACKS)) == len(ATTACKS)
