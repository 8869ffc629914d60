"""Turn the configured database into a SQLAlchemy URL (psycopg 3 driver everywhere)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import URL, make_url

from dyno_agent.config import Settings
from dyno_agent.db.embedded import DATABASE_NAME, EmbeddedPostgres, ensure_database, start_embedded


def to_psycopg_url(url: str) -> URL:
    """Accept postgres://, postgresql:// or postgresql+driver:// and use the psycopg driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(
            f"DATABASE_URL must point at PostgreSQL, got {parsed.get_backend_name()!r}"
        )
    return parsed.set(drivername="postgresql+psycopg")


def libpq_conninfo(url: URL) -> str:
    """The URL as a plain libpq string, for psycopg and the LangGraph checkpointer."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Database:
    """Where the database is; holds the embedded server (if any) so it stays up."""

    url: URL
    embedded: EmbeddedPostgres | None = field(default=None, repr=False)


def open_database(settings: Settings) -> Database:
    """DATABASE_URL when set, otherwise the embedded server under the data directory."""
    if settings.database_url:
        return Database(url=to_psycopg_url(settings.database_url))
    embedded = start_embedded(settings.data_dir / "pgdata")
    ensure_database(embedded.admin_conninfo(), DATABASE_NAME)
    return Database(url=make_url(embedded.url()), embedded=embedded)
