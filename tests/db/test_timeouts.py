"""Connections wait for PostgreSQL within bounds, and an unreachable database is a 503, not a 500.

The full outage (server stopped, server hung by SIGSTOP) is in tests/outage; these pin down the
parts on the session's server without breaking it.
"""

from __future__ import annotations

import httpx
import psycopg
import psycopg_pool
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import URL

from dyno_agent.app import create_app
from dyno_agent.auth.tokens import create_access_token
from dyno_agent.config import Settings
from dyno_agent.db.engine import make_engine
from dyno_agent.db.errors import unavailable
from dyno_agent.db.timeouts import DatabaseTimeouts, TimedConnection
from dyno_agent.db.url import libpq_conninfo
from dyno_agent.errors import DatabaseUnavailable

QUICK = DatabaseTimeouts(connect_s=2, pool_s=0.2, statement_ms=1234)


async def test_a_connection_gives_up_on_a_server_that_does_not_answer_and_closes_itself(
    database_url: URL,
) -> None:
    conn = await TimedConnection.connect(libpq_conninfo(database_url), reply_timeout_s=0.3)
    try:
        # pg_sleep stands in for a hung server: no statement_timeout here, nothing answers.
        with pytest.raises(psycopg.OperationalError, match=r"did not answer within 0\.3 s"):
            await conn.execute("SELECT pg_sleep(3)")
        assert conn.closed
    finally:
        await conn.close()


async def test_a_connection_that_answers_in_time_stays_usable(database_url: URL) -> None:
    conn = await TimedConnection.connect(libpq_conninfo(database_url), reply_timeout_s=5)
    try:
        await conn.execute("SELECT pg_sleep(0.05)")
        cursor = await conn.execute("SELECT 1")
        assert await cursor.fetchone() == (1,)
    finally:
        await conn.close()


async def test_the_engine_sets_the_statement_timeout_and_keeps_the_urls_own_options(
    database_url: URL,
) -> None:
    url = database_url.update_query_dict({"options": "-c application_name=outage-test"})
    engine = make_engine(url, pool_size=1, timeouts=QUICK)
    try:
        async with engine.connect() as conn:
            assert (await conn.scalar(text("SHOW statement_timeout"))) == "1234ms"
            assert (await conn.scalar(text("SHOW application_name"))) == "outage-test"
            with pytest.raises(sa_exc.OperationalError) as caught:
                await conn.execute(text("SELECT pg_sleep(3)"))
    finally:
        await engine.dispose()
    assert isinstance(unavailable(caught.value), DatabaseUnavailable)  # 57014: too slow to answer


async def test_a_refused_connection_translates_to_database_unavailable(database_url: URL) -> None:
    engine = make_engine(database_url.update_query_dict({"host": "/nonexistent"}), timeouts=QUICK)
    try:
        with pytest.raises(sa_exc.OperationalError) as caught:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()
    assert isinstance(unavailable(caught.value), DatabaseUnavailable)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(),
        ConnectionResetError(),
        TimeoutError(),
        sa_exc.TimeoutError("QueuePool limit reached"),
        psycopg_pool.PoolTimeout("couldn't get a connection"),
        psycopg.OperationalError("consuming input failed: server closed the connection"),
        psycopg.InterfaceError("the connection is closed"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.TooManyConnections("sorry, too many clients already"),
    ],
    ids=type,
)
def test_connection_class_errors_mean_the_database_is_unavailable(error: Exception) -> None:
    assert isinstance(unavailable(error), DatabaseUnavailable)


def lost_connection_then(follow_up: Exception) -> Exception:
    """`follow_up` as raised while handling a lost connection (its __context__)."""
    try:
        try:
            raise psycopg.OperationalError("consuming input failed: server closed the connection")
        except psycopg.OperationalError:
            raise follow_up  # noqa: B904  (implicit chaining is what the code under test sees)
    except Exception as raised:
        return raised


def test_an_error_raised_while_handling_a_lost_connection_is_an_outage_too() -> None:
    message = "Can't reconnect until invalid transaction is rolled back"
    following = lost_connection_then(sa_exc.PendingRollbackError(message))
    assert isinstance(unavailable(following), DatabaseUnavailable)
    alone = sa_exc.PendingRollbackError(message)
    assert unavailable(alone) is None  # the same error on its own is a bug, not an outage


async def test_an_api_error_that_follows_a_lost_connection_answers_503(settings: Settings) -> None:
    app = create_app(settings)  # no lifespan: the route below needs no database

    @app.get("/boom")
    async def boom() -> None:
        raise lost_connection_then(sa_exc.PendingRollbackError("invalid transaction"))

    transport = httpx.ASGITransport(app=app)  # raise_app_exceptions: a re-raise fails the test
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "database_unavailable"
    assert response.headers["retry-after"] == str(settings.db_retry_after_s)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bug"),
        psycopg.errors.UniqueViolation("duplicate key"),
        psycopg.errors.UndefinedTable("no such table"),
        psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    ],
    ids=type,
)
def test_other_errors_are_not_mistaken_for_an_outage(error: Exception) -> None:
    assert unavailable(error) is None


async def test_an_exhausted_pool_answers_503_with_retry_after(
    database_url: URL, settings: Settings
) -> None:
    engine = make_engine(database_url, pool_size=1, timeouts=QUICK)  # 1 + 1 overflow
    app = create_app(settings, engine=engine)
    token = create_access_token(1, settings.jwt_secret or "", 5)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://test") as client,
                engine.connect(),
                engine.connect(),
            ):
                response = await client.get(
                    "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
                )
    finally:
        await engine.dispose()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(settings.db_retry_after_s)
    body = response.json()
    assert body["error"] == "database_unavailable"
    assert body["details"]["retry_after_seconds"] == settings.db_retry_after_s
