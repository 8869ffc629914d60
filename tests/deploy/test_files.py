"""deploy/: Docker does not run here, so the Dockerfile, compose file and proxy config are checked
as files: they parse, hold the services and settings the README promises, and agree with the app.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from dyno_agent.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICES = {"postgres", "redis", "app", "proxy", "prometheus", "grafana", "postgres-exporter"}


def setting_names() -> set[str]:
    """Every environment name the app reads: DYNO_<field>, or a field's alias (DATABASE_URL)."""
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"DYNO_{name.upper()}")
    return names


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def instructions(dockerfile: list[tuple[str, str]], name: str) -> list[str]:
    return [args for instruction, args in dockerfile if instruction == name]


def test_compose_has_every_service_and_two_app_replicas(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == SERVICES
    assert services["postgres"]["image"].startswith("postgres:18")
    assert services["app"]["deploy"]["replicas"] >= 2
    # Only the proxy and the operators' tools publish ports; the app is reached through the proxy.
    assert "ports" not in services["app"] and services["app"]["expose"] == ["8000"]
    assert services["proxy"]["ports"] == ["8080:80"]
    for name in ("postgres", "redis"):
        assert services["app"]["depends_on"][name]["condition"] == "service_healthy"
        assert services[name]["healthcheck"]["test"]


def test_the_app_shares_limits_and_secrets_and_trusts_only_the_proxy(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    env = services["app"]["environment"]
    assert env["DYNO_RATE_LIMIT_STORAGE"] == "redis://redis:6379/0"
    assert env["DYNO_JWT_SECRET"].startswith("${DYNO_JWT_SECRET:?")  # required, never a default
    assert (
        env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    )
    assert env["DYNO_TRUSTED_PROXIES"] == services["proxy"]["networks"]["backend"]["ipv4_address"]
    assert env["DYNO_LOG_FORMAT"] == "json"
    unknown = {k for k in env if k.startswith("DYNO_") or k == "DATABASE_URL"} - setting_names()
    assert not unknown, f"not settings of the app: {unknown}"


def test_monitoring_mounts_the_prometheus_and_grafana_files(compose: dict[str, Any]) -> None:
    services = compose["services"]
    prometheus = [v.split(":")[0] for v in services["prometheus"]["volumes"]]
    grafana = [v.split(":")[0] for v in services["grafana"]["volumes"]]
    assert "./prometheus/prometheus.yml" in prometheus
    assert "./grafana/provisioning" in grafana and "./grafana/dashboards" in grafana
    assert "--config.file=/etc/prometheus/prometheus.yml" in services["prometheus"]["command"]
    exporter = services["postgres-exporter"]["environment"]["DATA_SOURCE_NAME"]
    assert "@postgres:5432/dyno" in exporter


def test_the_image_is_built_in_two_stages_with_uv_and_no_dev_dependencies(
    dockerfile: list[tuple[str, str]],
) -> None:
    stages = instructions(dockerfile, "FROM")
    assert len(stages) == 2 and stages[0].endswith("AS builder")
    syncs = [args for args in instructions(dockerfile, "RUN") if "uv sync" in args]
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    assert any("--from=builder" in args for args in instructions(dockerfile, "COPY"))
    text = (DEPLOY / "Dockerfile").read_text()
    for dev_tool in ("pytest", "ruff", "mypy", "playwright", "--group dev", "--all-groups"):
        assert dev_tool not in text
    # The runtime stage installs nothing with uv or pip: it only copies the virtualenv.
    runtime = dockerfile[[i for i, (ins, _) in enumerate(dockerfile) if ins == "FROM"][1] :]
    assert not any("pip install" in a or "uv " in a for ins, a in runtime if ins == "RUN")


def test_the_image_runs_as_a_user_and_checks_readiness(dockerfile: list[tuple[str, str]]) -> None:
    users = instructions(dockerfile, "USER")
    assert users and users[-1] not in ("root", "0")
    order = [instruction for instruction, _ in dockerfile]
    assert order.index("USER") < order.index("CMD")
    (healthcheck,) = instructions(dockerfile, "HEALTHCHECK")
    assert "/health/ready" in healthcheck and "--timeout=" in healthcheck
    (cmd,) = instructions(dockerfile, "CMD")
    assert cmd == '["dyno", "serve"]'
    env = dict(
        item.split("=", 1) for args in instructions(dockerfile, "ENV") for item in shlex.split(args)
    )
    assert env["DYNO_HOST"] == "0.0.0.0" and instructions(dockerfile, "EXPOSE") == [
        env["DYNO_PORT"]
    ]
    unknown = {k for k in env if k.startswith("DYNO_")} - setting_names()
    assert not unknown, f"not settings of the app: {unknown}"


def test_the_build_context_sends_only_what_the_image_needs() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in ignore
    for needed in ("!pyproject.toml", "!uv.lock", "!README.md", "!src/"):
        assert needed in ignore


def test_the_proxy_forwards_to_the_app_and_streams_the_chat(compose: dict[str, Any]) -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert conf.count("{") == conf.count("}")
    assert re.search(r"server app:8000\b", conf)
    assert "proxy_set_header X-Forwarded-For" in conf and "proxy_set_header X-Request-ID" in conf
    chat = re.search(r"location /api/v1/chat/ \{(.*?)\}", conf, re.DOTALL)
    assert chat and "proxy_buffering off" in chat.group(1)
    mounts = compose["services"]["proxy"]["volumes"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in mounts
