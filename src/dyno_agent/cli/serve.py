"""`dyno serve`: migrate, optionally load the demo, print where to go, and run the API."""

from __future__ import annotations

import datetime as dt
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

if TYPE_CHECKING:
    from dyno_agent.config import Settings
    from dyno_agent.db.url import Database


def where(database: Database, settings: Settings) -> str:
    if database.embedded is not None:
        return f"embedded PostgreSQL (data in {settings.data_dir / 'pgdata'})"
    return database.url.render_as_string(hide_password=True)


def serve(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo dataset first.")] = False,
    host: Annotated[str | None, typer.Option(help="Interface (default DYNO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DYNO_PORT).")] = None,
    today: Annotated[
        dt.date | None,
        typer.Option(parser=parse_date, metavar="YYYY-MM-DD", help="Pretend today is this day."),
    ] = None,
) -> None:
    """Migrate the database, load the demo with --demo, and serve the API."""
    from dyno_agent.agent.providers import require_provider
    from dyno_agent.app import API_PREFIX, create_app
    from dyno_agent.config import get_settings
    from dyno_agent.db import migrate
    from dyno_agent.demo import DemoStatus
    from dyno_agent.scheduling import clock

    apply_today(today)
    settings = get_settings()
    with reported_errors():  # a configured model whose extra is missing: say so, do not start
        require_provider(settings.llm_spec())
    # The embedded server lives as long as this object: keep it until the process ends.
    database = open_configured_database()
    with reported_errors():
        migrate.upgrade(database.url)
    demo_ready = False
    if demo:
        summary = load_into(database)
        if summary.status is DemoStatus.refused:
            typer.echo(f"warning: {summary.message}", err=True)
        else:
            typer.echo(describe(summary))
            demo_ready = True

    host = host or settings.host
    port = port or settings.port
    base = f"http://{host}:{port}"
    typer.echo(f"Dyno Agent {__version__}")
    typer.echo(f"  Database: {where(database, settings)}")
    typer.echo(f"  Today:    {clock.today()}")
    typer.echo(f"  API:      {base}{API_PREFIX}")
    typer.echo(f"  Web UI:   {base}/")
    typer.echo(f"  Docs:     {base}/docs")
    if demo_ready:
        for line in login_lines():
            typer.echo(f"  {line}")
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (any
    # local client could pick its address); create_app applies DYNO_TRUSTED_PROXIES instead.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level,
        proxy_headers=False,
    )
