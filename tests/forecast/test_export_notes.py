"""The schedule export carries each booking's reference and note after the sheet's columns, as
text (a note that starts like a formula stays text), and a re-import ignores those columns."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from dyno_agent.config import get_settings
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.reader import read_forecast
from tests.factories import auth_header, make_allocation, make_user
from tests.forecast import export_fixtures
from tests.forecast.export_fixtures import Lab, add_request, book, day, read_csv, read_xlsx

lab = export_fixtures.lab  # the fixture

URL = "/api/v1/exports/schedule"


@pytest.fixture
async def noted(session: AsyncSession, lab: Lab) -> dict[str, str]:
    requested = await add_request(session, lab.tagged, step="0K-5K", desired=day(10))
    first = await book(session, requested, lab.mpg2, day(12))
    first.reference, first.notes = "WO-4471", "waiting for tyres\nthen go"
    alone = await make_allocation(session, lab.other, lab.vts1, day(40), day(41))
    alone.notes = '=HYPERLINK("http://evil")'
    headers = auth_header(await make_user(session, Role.user))
    await session.commit()
    return headers


async def test_the_csv_and_the_workbook_show_each_bookings_reference_and_note(
    client: httpx.AsyncClient, noted: dict[str, str]
) -> None:
    rows = read_csv((await client.get(f"{URL}.csv", headers=noted)).text)
    assert tuple(rows[0])[-2:] == (c.BOOKING_REFERENCE, c.BOOKING_NOTES)
    cells = [(r[c.TAG], r[c.BOOKING_REFERENCE], r[c.BOOKING_NOTES]) for r in rows]
    assert cells == [
        ("312W028", "WO-4471", "waiting for tyres\nthen go"),
        ("312W029", "", '\'=HYPERLINK("http://evil")'),
    ]
    sheets = read_xlsx((await client.get(f"{URL}.xlsx", headers=noted)).content)
    main = sheets[c.FORECAST_SHEET]
    assert [(r[c.BOOKING_REFERENCE], r[c.BOOKING_NOTES]) for r in main] == [
        ("WO-4471", "waiting for tyres\nthen go"),
        (None, '=HYPERLINK("http://evil")'),
    ]


async def test_a_reimport_of_the_export_reads_the_same_rows_without_the_booking_columns(
    client: httpx.AsyncClient, noted: dict[str, str]
) -> None:
    content = (await client.get(f"{URL}.xlsx", headers=noted)).content
    table = read_forecast(content, "export.xlsx", get_settings()).forecast
    assert len(table.rows) == 2 and not table.problems
    assert c.BOOKING_NOTES not in table.names and c.BOOKING_REFERENCE not in table.names
    assert table.rows[0].values[c.TAG] == "312W028"
