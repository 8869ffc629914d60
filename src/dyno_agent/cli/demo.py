"""`dyno demo load`: the demo dataset (23 workbook dynos, ~60 vehicles, bookings around today)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from dyno_agent.cli.runtime import fail, open_configured_database, reported_errors, transact

if TYPE_CHECKING:
    from dyno_agent.db.url import Database
    from dyno_agent.demo import DemoSummary

app = typer.Typer(help="The demo dataset.", no_args_is_help=True)


def load_into(database: Database) -> DemoSummary:
    """Migrate to the latest schema, then load the demo in one transaction."""
    from dyno_agent.db import migrate
    from dyno_agent.demo import load_demo

    with reported_errors():
        migrate.upgrade(database.url)
    return transact(load_demo, database)


def describe(summary: DemoSummary) -> str:
    counts = ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in summary.counts.items())
    return f"{summary.message} ({counts})" if counts else summary.message


def login_lines() -> list[str]:
    from dyno_agent.demo import DEMO_PASSWORD, DEMO_USERS

    width = max(len(email) for email, _, _ in DEMO_USERS)
    lines = [f"Demo logins (password {DEMO_PASSWORD}):"]
    lines += [f"  {email:<{width}}  {role.value}" for email, role, _ in DEMO_USERS]
    return lines


@app.command()
def load() -> None:
    """Load the demo dataset; a no-op if present, refused if the database holds other data."""
    from dyno_agent.demo import DemoStatus

    summary = load_into(open_configured_database())
    if summary.status is DemoStatus.refused:
        fail(summary.message)
    typer.echo(describe(summary))
    for line in login_lines():
        typer.echo(line)
