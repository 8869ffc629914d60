"""A migrated scratch database for the benchmarks: on DATABASE_URL's server when it is set, else on
a throwaway embedded PostgreSQL; dropped (and the embedded server removed) afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database, ensure_database, start_embedded
from dyno_agent.db.url import libpq_conninfo, to_psycopg_url


@contextmanager
def scratch_database(name: str) -> Iterator[URL]:
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
        if os.environ.get("DATABASE_URL"):
            server = to_psycopg_url(os.environ["DATABASE_URL"])
            embedded = None
        else:
            embedded = start_embedded(Path(tmp) / "pgdata")
            server = to_psycopg_url(embedded.url("postgres"))
        url = server.set(database=name)
        admin = libpq_conninfo(server)
        drop_database(admin, name)
        ensure_database(admin, name)
        try:
            migrate.upgrade(url)
            yield url
        finally:
            drop_database(admin, name)
            if embedded:
                embedded.server.cleanup()
