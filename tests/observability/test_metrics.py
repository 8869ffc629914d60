"""GET /metrics in one process: HTTP by route template, bookings counted in the domain by channel
and result, the database gauges, the business figures (API, gauges, cache) and the token."""

from __future__ import annotations

import datetime as dt
import os

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.auth.models import Role
from dyno_agent.errors import NoCapacity, NotCompatible
from dyno_agent.observability import metrics
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.scheduling import booking
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_requests_are_counted_by_route_template_not_by_path(client: httpx.AsyncClient):
    route = "/api/v1/vehicles/{vehicle_id}"
    before = value("dyno_http_requests_total", method="GET", route=route, status="401")
    unmatched = value("dyno_http_requests_total", method="GET", route="<unmatched>", status="404")
    for vehicle_id in (101, 202, 303):
        assert (await client.get(f"/api/v1/vehicles/{vehicle_id}")).status_code == 401
    assert (await client.get("/no/such/page/123")).status_code == 404

    scraped = await scrape(client)
    labels = frozenset({("method", "GET"), ("route", route), ("status", "401")})
    key = ("dyno_http_requests_total", labels)
    assert scraped[key] == before + 3
    assert value("dyno_http_requests_total", method="GET", route="<unmatched>", status="404") == (
        unmatched + 1
    )
    assert not any("/api/v1/vehicles/101" in dict(labels).get("route", "") for _, labels in scraped)
    assert value("dyno_http_request_duration_seconds_count", method="GET", route=route) >= 3
    assert ("dyno_http_requests_in_flight", frozenset()) in scraped
    assert scraped[("dyno_database_up", frozenset())] == 1.0
    assert scraped[("dyno_db_pool_size", frozenset({("pool", "app")}))] >= 1


async def test_bookings_are_counted_in_the_domain_by_channel_and_result(session: AsyncSession):
    dyno = await make_dyno(session, rules=[("brake", "any", "any")])
    vehicle, other = await make_vehicle(session), await make_vehicle(session)
    agent = Actor(None, Role.admin, Channel.agent)
    plan = Actor(None, Role.admin, Channel.plan)
    before = {
        r: value("dyno_bookings_total", channel="agent", result=r)
        for r in ("placed", "shifted", "no_capacity", "not_compatible", "vehicle_busy")
    }
    shifts = value("dyno_booking_shift_days_sum", channel="agent")

    await booking.auto_allocate(
        session, agent, test_type="brake", start_date=TODAY, days_to_complete=2,
        vehicle_id=vehicle.id,
    )  # fmt: skip
    shifted = await booking.auto_allocate(
        session, agent, test_type="brake", start_date=TODAY, days_to_complete=1,
        vehicle_id=other.id, backup=True, max_backup_days=5,
    )  # fmt: skip
    assert shifted.shift_days == 2
    with pytest.raises(NoCapacity):
        await booking.auto_allocate(
            session, agent, test_type="brake", start_date=TODAY, days_to_complete=1,
            vehicle_id=(await make_vehicle(session)).id,
        )  # fmt: skip
    with pytest.raises(NotCompatible):
        await booking.auto_allocate(
            session, agent, test_type="emissions", start_date=TODAY, days_to_complete=1,
            vehicle_id=vehicle.id,
        )  # fmt: skip
    plan_placed = value("dyno_bookings_total", channel="plan", result="placed")
    await booking.book_on_dyno(
        session, plan, dyno=dyno.id, test_type="brake", start_date=TODAY + dt.timedelta(days=30),
        days_to_complete=1, vehicle_id=vehicle.id,
    )  # fmt: skip

    after = {r: value("dyno_bookings_total", channel="agent", result=r) for r in before}
    assert {r: after[r] - before[r] for r in before} == {
        "placed": 1,
        "shifted": 1,
        "no_capacity": 1,
        "not_compatible": 1,
        "vehicle_busy": 0,
    }
    assert value("dyno_booking_shift_days_sum", channel="agent") == shifts + 2
    assert value("dyno_bookings_total", channel="plan", result="placed") == plan_placed + 1


async def test_cancels_moves_and_status_changes_are_counted(session: AsyncSession):
    dyno = await make_dyno(session)
    vehicle = await make_vehicle(session)
    user = await make_user(session, Role.admin)
    allocation = await make_allocation(session, vehicle, dyno, TODAY, TODAY, created_by=user)
    cli = Actor(user.id, Role.admin, Channel.cli)
    moves, cancels = (
        value("dyno_booking_moves_total", channel="cli"),
        value("dyno_booking_cancels_total", channel="cli"),
    )
    await booking.reschedule_allocation(session, cli, allocation.id, shift_days=3)
    await booking.cancel_allocation(session, cli, allocation.id)
    assert value("dyno_booking_moves_total", channel="cli") == moves + 1
    assert value("dyno_booking_cancels_total", channel="cli") == cancels + 1
    assert value("dyno_booking_status_changes_total", channel="cli", status="cancelled") >= 1


async def test_statement_errors_are_counted_by_sqlstate_class(session: AsyncSession):
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    before = value("dyno_db_statement_errors_total", sqlstate_class="42")
    with pytest.raises(ProgrammingError):
        async with session.begin_nested():
            await session.execute(text("SELECT no_such_column FROM dynos"))
    assert value("dyno_db_statement_errors_total", sqlstate_class="42") == before + 1


async def _lab_this_week(session: AsyncSession) -> None:
    """Two dynos in two facilities; TODAY is a Monday. One booked request started on time."""
    a = await make_dyno(session, "Util A", facility="MPG")
    b = await make_dyno(session, "Util B", facility="DTC")
    user = await make_user(session, Role.admin)
    v1, v2, v3 = [await make_vehicle(session) for _ in range(3)]
    await make_allocation(session, v1, a, TODAY, TODAY + dt.timedelta(days=3), created_by=user)
    done = await make_allocation(
        session, v2, b, TODAY, TODAY + dt.timedelta(days=1), status="completed", created_by=user
    )
    session.add_all(
        [
            TestRequest(
                vehicle_id=v2.id, test_type="brake", mileage_step="4K", days=2,
                earliest_start=TODAY, desired_start=TODAY, status=RequestStatus.booked.value,
                allocation_id=done.id,
            ),
            TestRequest(
                vehicle_id=v3.id, test_type="brake", mileage_step="4K", days=2,
                earliest_start=TODAY, desired_start=TODAY, status=RequestStatus.open.value,
            ),
        ]
    )  # fmt: skip
    await session.flush()


async def test_business_report_gives_utilisation_backlog_and_estimated_time_saved(
    client: httpx.AsyncClient, session: AsyncSession, app
):  # type: ignore[no-untyped-def]
    await _lab_this_week(session)
    admin = await make_user(session, Role.admin)
    await session.commit()
    response = await client.get("/api/v1/reports/business", headers=auth_header(admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["backlog"] == {"open": 1, "planned": 0, "oldest_open_days": 0}
    week = next(p for p in body["periods"] if p["period"] == "week")
    assert (week["start_date"], week["end_date"]) == ("2026-03-02", "2026-03-08")
    by_dyno = {d["dyno"]: d for d in week["dynos"]}
    assert (by_dyno["Util A"]["booked_days"], by_dyno["Util A"]["available_days"]) == (4, 7)
    assert by_dyno["Util B"]["utilization"] == round(2 / 7, 4)
    assert {f["facility"]: f["booked_days"] for f in week["facilities"]} == {"DTC": 2, "MPG": 4}
    assert week["bookings"] == 2 and week["tests_completed"] == 1  # it ended on Tuesday
    assert week["requested_starts"] == 1 and week["on_time_ratio"] == 1.0
    minutes = app.state.settings.manual_minutes_per_booking
    assert week["planning_time_saved_hours"] == 2 * minutes / 60
    month = next(p for p in body["periods"] if p["period"] == "month")
    assert month["end_date"] == "2026-03-31" and month["tests_completed"] == 1

    scraped = await scrape(client)
    assert scraped[
        (
            "dyno_business_dyno_utilization_ratio",
            frozenset({("period", "week"), ("dyno", "Util A"), ("facility", "MPG")}),
        )
    ] == round(4 / 7, 4)
    assert scraped[("dyno_business_backlog_requests", frozenset({("status", "open")}))] == 1
    assert scraped[("dyno_business_planning_time_saved_hours", frozenset({("period", "week")}))] > 0


async def test_business_figures_are_cached_not_read_per_scrape(
    client: httpx.AsyncClient, session: AsyncSession, app
):  # type: ignore[no-untyped-def]
    admin = await make_user(session, Role.admin)
    await session.commit()
    cache = app.state.business_cache
    for _ in range(3):
        await scrape(client)
    await client.get("/api/v1/reports/business", headers=auth_header(admin))
    assert cache.computations == 1
    cache.ttl_s = 0
    await scrape(client)
    assert cache.computations == 2


async def test_the_business_report_needs_a_login(client: httpx.AsyncClient):
    assert (await client.get("/api/v1/reports/business")).status_code == 401


async def test_a_metrics_token_is_required_when_set(client: httpx.AsyncClient, app):  # type: ignore[no-untyped-def]
    app.state.settings = app.state.settings.model_copy(update={"metrics_token": "s3cret-token"})
    assert (await client.get("/metrics")).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert (await client.get("/metrics", headers=bad)).status_code == 401
    good = {"Authorization": "Bearer s3cret-token"}
    assert (await client.get("/metrics", headers=good)).status_code == 200


def test_prepare_multiprocess_dir_empties_the_directory_and_points_the_workers_at_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)  # restored after the test
    directory = tmp_path / "multiproc"
    directory.mkdir()
    (directory / "counter_12345.db").write_bytes(b"stale values of a previous run")
    assert metrics.prepare_multiprocess_dir(directory) == directory
    assert list(directory.iterdir()) == []
    assert os.environ[metrics.MULTIPROC_ENV] == str(directory)
