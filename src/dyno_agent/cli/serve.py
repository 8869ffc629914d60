"""`dyno serve`: migrate, optionally load the demo, print where to go, and run the API."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn

from dyno_agent import __version__
from dyno_agent.cli.demo import describe, load_into, login_lines
from dyno_agent.cli.runtime import (
    apply_today,
    open_configured_database,
    parse_date,
    reported_errors,
)

APP_FACTORY = "dyno_agent.app:served_app"
# A new worker imports the whole app before it answers uvicorn's liveness pings (seconds on a
# busy machine); uvicorn's 5 s default kills and restarts such workers forever.
WORKER_HEALTHCHECK_S = 60

if TYPE_CHECKING:
    from dyno_agent.config import Settings
    from dyno_agent.db.url import Database


def where(database: Database, settings: Settings) -> str:
    if database.embedded is not None:
        return f"embedded PostgreSQL (data in {settings.data_dir / 'pgdata'})"
    return database.url.render_as_string(hide_password=True)


def prepare_workers(database: Database, settings: Settings, workers: int = 1) -> None:
    """Make what every worker process reads the same for all of them, before any starts.

    Workers are new processes that build the app from the settings (`served_app`): they get the
    database this process opened (the embedded server stays owned by this process) and find the
    JWT secret already in the data directory, so a token from one is valid on every other. With
    more than one, they share prometheus-client's multiprocess directory (PROMETHEUS_MULTIPROC_DIR
    if set, else a new temporary one), emptied first, so every worker's /metrics shows them all.
    """
    from dyno_agent.config import get_settings
    from dyno_agent.observability import metrics

    if database.embedded is not None:
        os.environ["DATABASE_URL"] = database.url.render_as_string(hide_password=False)
    settings.resolved_jwt_secret()
    get_settings.cache_clear()
    if workers > 1:
        shared = os.environ.get(metrics.MULTIPROC_ENV) or tempfile.mkdtemp(prefix="dyno-metrics-")
        metrics.prepare_multiprocess_dir(shared)


def serve(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo dataset first.")] = False,
    host: Annotated[str | None, typer.Option(help="Interface (default DYNO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DYNO_PORT).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Worker processes (default DYNO_WORKERS)."),
    ] = None,
    today: Annotated[
        dt.date | None,
        typer.Option(parser=parse_date, metavar="YYYY-MM-DD", help="Pretend today is this day."),
    ] = None,
) -> None:
    """Migrate the database, load the demo with --demo, and serve the API."""
    from dyno_agent.agent.providers import require_provider
    from dyno_agent.app import API_PREFIX
    from dyno_agent.config import get_settings
    from dyno_agent.db import migrate
    from dyno_agent.demo import DemoStatus
    from dyno_agent.observability.logging import configure_logging
    from dyno_agent.scheduling import clock
    from dyno_agent.throttle import MEMORY

    apply_today(today)
    settings = get_settings()
    configure_logging(settings)
    with reported_errors():  # a configured model whose extra is missing: say so, do not start
        require_provider(settings.llm_spec())
    # The embedded server lives as long as this object: keep it until the process ends.
    database = open_configured_database()
    demo_ready = False
    # Once per start, before any worker runs, and one server at a time on a shared database.
    with reported_errors(), migrate.startup_lock(database.url):
        migrate.upgrade(database.url)
        if demo:
            summary = load_into(database)
            if summary.status is DemoStatus.refused:
                typer.echo(f"warning: {summary.message}", err=True)
            else:
                typer.echo(describe(summary))
                demo_ready = True

    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    base = f"http://{host}:{port}"
    typer.echo(f"Dyno Agent {__version__}")
    typer.echo(f"  Database: {where(database, settings)}")
    typer.echo(f"  Today:    {clock.today()}")
    typer.echo(f"  Workers:  {workers}")
    typer.echo(f"  API:      {base}{API_PREFIX}")
    typer.echo(f"  Web UI:   {base}/")
    typer.echo(f"  Docs:     {base}/docs")
    if demo_ready:
        for line in login_lines():
            typer.echo(f"  {line}")
    if workers > 1 and settings.rate_limit_storage == MEMORY:
        typer.echo(
            f"warning: with {workers} workers and DYNO_RATE_LIMIT_STORAGE={MEMORY} each worker "
            f"counts its own rate limits (up to {workers}x the limit); set it to redis://...",
            err=True,
        )
    prepare_workers(database, settings, workers)
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (any
    # local client could pick its address); create_app applies DYNO_TRUSTED_PROXIES instead.
    # log_config=None and access_log=False: logging is ours (structlog, one access line each).
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        timeout_keep_alive=settings.keep_alive_s,
    )
