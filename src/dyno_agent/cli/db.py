"""`dyno db ...`: apply, revert and inspect the schema migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.runtime import fail, open_configured_database, reported_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)


def current_revisions(url: URL) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return tuple(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def head_revision(url: URL) -> str | None:
    from alembic.script import ScriptDirectory

    from dyno_agent.db import migrate

    return ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()


@contextmanager
def migration_errors() -> Iterator[None]:
    from alembic.util.exc import CommandError

    with reported_errors():
        try:
            yield
        except CommandError as exc:  # e.g. an unknown revision
            fail(str(exc))


def _describe(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else "empty (no migrations applied)"


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from dyno_agent.db import migrate

    database = open_configured_database()
    with migration_errors():
        migrate.upgrade(database.url, revision)
        typer.echo(f"Database at revision {_describe(current_revisions(database.url))}.")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")] = "-1",
) -> None:
    """Revert migrations down to REVISION (default: one step back)."""
    from dyno_agent.db import migrate

    database = open_configured_database()
    with migration_errors():
        migrate.downgrade(database.url, revision)
        typer.echo(f"Database at revision {_describe(current_revisions(database.url))}.")


@app.command()
def current() -> None:
    """Show the database's revision and the latest one shipped."""
    database = open_configured_database()
    with migration_errors():
        revisions = current_revisions(database.url)
        head = head_revision(database.url)
    state = "up to date" if revisions == (head,) else f"latest is {head}"
    typer.echo(f"Database at revision {_describe(revisions)} ({state}).")
