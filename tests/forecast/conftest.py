"""What the forecast import tests share: the lab's dynos (the workbook's, as in the demo), the
shared workbook (a copy, so tests do not depend on ../shared) and a way to write variants of it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.config import Settings
from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo.catalog import rules_by_dyno
from dyno_agent.demo.workbook import facility_of
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.service import ImportOptions, import_forecast
from dyno_agent.scheduling.dynos import create_dyno
from dyno_agent.scheduling.schemas.dynos import DynoCreate, RuleIn
from tests.api.conftest import engineer, manager  # noqa: F401 - the API tests' role fixtures
from tests.cli.conftest import blank_url, dyno  # noqa: F401 - the CLI tests' fixtures
from tests.conftest import create_scratch_database, rolled_back_session

WORKBOOK = Path(__file__).parent / "data" / "cert_fuel_baseline.xlsx"
WORKBOOK_BYTES = WORKBOOK.read_bytes()
SETTINGS = Settings(_env_file=None, database_url=None, jwt_secret="x" * 40)
IMPORTER = Actor.system(Channel.cli, label="test")


async def make_lab(session: AsyncSession) -> dict[str, int]:
    """The 23 dynos of the workbook with the demo rule table; ids by name."""
    ids = {}
    for name, rules in rules_by_dyno().items():
        data = DynoCreate(
            name=name,
            facility=facility_of(name),
            available_from=None,
            available_to=None,
            notes=None,
            rules=[RuleIn(test_type=t, drive_type=d, weight_class=w) for t, d, w in rules],
        )
        ids[name] = (await create_dyno(session, data)).id
    return ids


async def run_import(
    session: AsyncSession,
    data: bytes = WORKBOOK_BYTES,
    filename: str = "cert_fuel_baseline.xlsx",
    actor: Actor = IMPORTER,
    settings: Settings = SETTINGS,
    **options: bool,
) -> dict[str, Any]:
    return await import_forecast(session, actor, data, filename, settings, ImportOptions(**options))


def edited_workbook(edit: Callable[[Any, dict[str, int]], None]) -> bytes:
    """The shared workbook with `edit(sheet, column index by name)` applied to its forecast
    sheet (header on row 5), saved to bytes with openpyxl."""
    workbook = openpyxl.load_workbook(WORKBOOK)
    sheet = workbook[c.FORECAST_SHEET]
    header = {c.header_key(cell.value): cell.column for cell in sheet[5] if cell.value}
    columns = {name: header[c.header_key(name)] for name in c.FORECAST_COLUMNS}
    edit(sheet, columns)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
async def imported(server_url: URL) -> AsyncIterator[tuple[AsyncEngine, dict[str, Any]]]:
    """A database holding the lab's dynos and the shared workbook imported (skipping the
    invalid rows), once per module; tests change it only inside `db`'s rolled-back transaction."""
    url, admin = create_scratch_database(server_url, "forecast")
    migrate.upgrade(url)
    engine = make_engine(url, pool_size=4)
    async with make_session_factory(engine)() as session:
        await make_lab(session)
        report = await run_import(session, skip_invalid=True)
        await session.commit()
    yield engine, report
    await engine.dispose()
    drop_database(admin, url.database or "")


@pytest.fixture
async def db(imported: tuple[AsyncEngine, dict[str, Any]]) -> AsyncIterator[AsyncSession]:
    """A session on the imported database, rolled back after the test."""
    async with rolled_back_session(imported[0]) as session:
        yield session
