"""Metrics as operated: two `dyno serve` processes share one view (multiprocess mode), every metric
the dashboards and alerts use exists after a short workload, promtool accepts the config and
rules, and a real Prometheus scrapes the app, loads the rules and answers a query."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.requests.models import RequestStatus, TestRequest
from tests.conftest import TODAY, create_scratch_database
from tests.factories import (
    PASSWORD,
    TEST_SECRET,
    make_allocation,
    make_dyno,
    make_user,
    make_vehicle,
)
from tests.servers import AppServer, free_port, require_binary, server_env

DEPLOY = Path(__file__).parents[2] / "deploy"
PROMETHEUS, PROMTOOL = Path("/usr/bin/prometheus"), Path("/usr/bin/promtool")
EMAIL = "ops@lab.test"
METRIC_NAME = re.compile(r"\b(dyno_[a-z0-9_]+)")


@dataclass
class Lab:
    servers: list[AppServer]
    vehicle_id: int
    workdir: Path


async def _seed(url: URL) -> int:
    engine = make_engine(url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session:
            admin = await make_user(session, email=EMAIL)
            admin.role = "admin"
            dyno = await make_dyno(session, "Metrics Dyno", rules=[("brake", "any", "any")])
            vehicle, started = await make_vehicle(session), await make_vehicle(session)
            done = await make_allocation(session, started, dyno, TODAY, TODAY, status="running")
            session.add(
                TestRequest(
                    vehicle_id=started.id, test_type="brake", mileage_step="4K", days=1,
                    earliest_start=TODAY, desired_start=TODAY,
                    status=RequestStatus.booked.value, allocation_id=done.id,
                )
            )  # fmt: skip
            await session.commit()
            return vehicle.id
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def lab(server_url: URL) -> Iterator[Lab]:
    """A scratch database and two `dyno serve` processes sharing one metrics directory."""
    url, admin = create_scratch_database(server_url, "dyno_metrics")
    migrate.upgrade(url)
    vehicle_id = asyncio.run(_seed(url))
    with tempfile.TemporaryDirectory(prefix="dyno-metrics-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        env = server_env(
            url,
            workdir / "data",
            DYNO_JWT_SECRET=TEST_SECRET,
            DYNO_TODAY=TODAY.isoformat(),
            PROMETHEUS_MULTIPROC_DIR=str(workdir / "prometheus-multiproc"),
        )
        (workdir / "prometheus-multiproc").mkdir()
        servers = [AppServer(env=env, log=workdir / f"server{n}.log") for n in (1, 2)]
        for server in servers:
            server.start()
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        yield Lab(servers, vehicle_id, workdir)
    drop_database(admin, url.database or "")


def scrape(base_url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def total(scraped: dict, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in scraped.items() if n == name and wanted <= ls)


def sse_events(response: httpx.Response) -> list[dict]:
    lines = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
    return [json.loads(line) for line in lines if line]


def workload(lab: Lab) -> None:
    """A login, a booking, a chat turn (asked, approved), a failing request, on both servers."""
    first, second = (s.base_url for s in lab.servers)
    with httpx.Client(base_url=first, timeout=60) as http:
        login = http.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        booked = http.post(
            "/api/v1/allocations/auto",
            json={
                "vehicle_id": lab.vehicle_id,
                "test_type": "brake",
                "start_date": (TODAY.replace(day=10)).isoformat(),
                "days_to_complete": 2,
            },
            headers=auth,
        )
        assert booked.status_code == 201, booked.text
        allocation_id = booked.json()["allocation"]["id"]
        chat = http.post(
            "/api/v1/chat/stream",
            json={"message": f"cancel allocation {allocation_id}"},
            headers=auth,
        )
        events = sse_events(chat)
        assert [e["type"] for e in events if e["type"] == "confirm"], events
        conversation = next(e["id"] for e in events if e["type"] == "conversation")
        resumed = http.post(
            f"/api/v1/chat/{conversation}/resume", json={"approve": True}, headers=auth
        )
        assert any(e["type"] == "tool_result" for e in sse_events(resumed)), resumed.text
        assert http.get("/api/v1/vehicles/999999", headers=auth).status_code == 404
    with httpx.Client(base_url=second, timeout=60) as http:
        for _ in range(5):
            assert http.get("/health").status_code == 200


def used_metric_names() -> set[str]:
    """Every `dyno_*` series the dashboards and alert rules query."""
    names: set[str] = set()
    for board in (DEPLOY / "grafana" / "dashboards").glob("*.json"):
        for panel in json.loads(board.read_text())["panels"]:
            for target in panel["targets"]:
                names.update(METRIC_NAME.findall(target["expr"]))
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            names.update(METRIC_NAME.findall(rule["expr"]))
    return names


def test_two_processes_share_one_view_and_every_dashboard_metric_exists(lab: Lab) -> None:
    first, second = (s.base_url for s in lab.servers)
    before = scrape(first)
    health = total(before, "dyno_http_requests_total", route="/health")
    workload(lab)
    views = [scrape(first), scrape(second)]

    # Requests served by either process are in both processes' answers.
    for view in views:
        assert total(view, "dyno_http_requests_total", route="/health") == health + 5
        assert total(view, "dyno_bookings_total", channel="api", result="placed") == 1
        assert total(view, "dyno_bookings_total", channel="agent", result="placed") == 0
        assert total(view, "dyno_booking_cancels_total", channel="agent") == 1
        assert total(view, "dyno_agent_confirmations_total", event="asked") == 1
        assert total(view, "dyno_agent_confirmations_total", event="approved") == 1
        assert total(view, "dyno_agent_turns_total", model="offline") == 2
        cancel = {"tool": "cancel_allocation", "result": "ok"}
        assert total(view, "dyno_agent_tool_calls_total", **cancel) == 1
        route = "/api/v1/vehicles/{vehicle_id}"
        assert total(view, "dyno_http_requests_total", route=route, status="404") == 1
        assert total(view, "dyno_business_requested_starts", period="week") == 1

    names = {name for name, _ in views[0]}
    missing = sorted(n for n in used_metric_names() if n not in names)
    assert not missing, f"dashboards/alerts query metrics /metrics does not have: {missing}"


def test_promtool_accepts_the_scrape_config_and_the_alert_rules() -> None:
    require_binary(PROMTOOL, "prometheus")
    for command in (
        ["check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")],
        ["check", "rules", str(DEPLOY / "prometheus" / "alerts.yml")],
    ):
        result = subprocess.run(
            [str(PROMTOOL), *command], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_real_prometheus_scrapes_the_app_and_loads_the_rules(lab: Lab) -> None:
    require_binary(PROMETHEUS, "prometheus")
    port = free_port()
    config = lab.workdir / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(DEPLOY / "prometheus" / "alerts.yml")],
                "scrape_configs": [
                    {
                        "job_name": "dyno",
                        "static_configs": [
                            {"targets": [s.base_url.removeprefix("http://") for s in lab.servers]}
                        ],
                    }
                ],
            }
        )
    )
    command = [
        str(PROMETHEUS),
        f"--config.file={config}",
        f"--storage.tsdb.path={lab.workdir / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with (lab.workdir / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        api = f"http://127.0.0.1:{port}/api/v1"
        # Both processes scraped, each saying the database is up.
        _poll(f"{api}/query", {"query": 'sum(dyno_database_up{job="dyno"})'}, want="2")
        placed = 'sum(dyno_bookings_total{job="dyno", channel="api", result="placed"})'
        result = _poll(f"{api}/query", {"query": placed})
        # Each process answers with the merged view, so each target reports the one booking.
        assert float(result[0]["value"][1]) == 2.0
        groups = httpx.get(f"{api}/rules", timeout=10).json()["data"]["groups"]
        rules = {r["name"]: r["health"] for g in groups for r in g["rules"]}
        assert "DynoDatabaseDown" in rules and len(rules) == 7
        assert set(rules.values()) <= {"ok", "unknown"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _poll(
    url: str, params: dict[str, str], want: str | None = None, timeout_s: float = 60
) -> list[dict]:
    """The query's result once it has one (with the value `want`, if given): Prometheus needs a
    scrape or two first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            body = httpx.get(url, params=params, timeout=5).json()
            result = body["data"]["result"] if body.get("status") == "success" else []
            if result and (want is None or result[0]["value"][1] == want):
                return result
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"Prometheus had no result for {params} in {timeout_s} s")
