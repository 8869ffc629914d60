"""`dyno backup FILE` / `dyno restore FILE`: pg_dump/pg_restore of the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyno_agent.cli.runtime import open_configured_database, reported_errors


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write it (pg_dump custom format).")],
) -> None:
    """Back up the database (embedded, or DATABASE_URL) to FILE."""
    from dyno_agent.db import backup as backups

    database = open_configured_database()
    with reported_errors():
        backups.backup(database.url, file)
    typer.echo(f"Backed up to {file} ({file.stat().st_size:,} bytes).")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup written by `dyno backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask: replace the database's contents.")
    ] = False,
) -> None:
    """Replace the database's contents with the backup in FILE (stop the servers first)."""
    from dyno_agent.db import backup as backups

    if not yes:
        typer.confirm(f"Replace everything in the database with {file}?", abort=True)
    database = open_configured_database()
    with reported_errors():
        backups.restore(database.url, file)
    typer.echo(f"Restored from {file}.")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
