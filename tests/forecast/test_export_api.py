"""GET /api/v1/exports/schedule.xlsx and .csv: any signed-in user downloads the schedule."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from dyno_agent.forecast import columns as c
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import auth_header, make_allocation, make_user
from tests.forecast import export_fixtures
from tests.forecast.export_fixtures import Lab, add_request, book, day, read_csv, read_xlsx

lab = export_fixtures.lab  # the fixture

URL = "/api/v1/exports/schedule"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def schedule(session: AsyncSession, lab: Lab) -> Lab:
    await add_request(session, lab.placeholder, step="P702", desired=day(5), source_row=7)
    booked = await add_request(session, lab.tagged, step="0K-5K", desired=day(10), source_row=6)
    await book(session, booked, lab.mpg2, day(12))
    await make_allocation(session, lab.other, lab.vts1, day(40), day(41))
    await session.commit()
    return lab


@pytest.fixture
async def engineer(session: AsyncSession) -> dict[str, str]:
    headers = auth_header(await make_user(session, Role.user))
    await session.commit()
    return headers


async def test_a_user_downloads_the_workbook_with_its_facility_sheets(
    client: httpx.AsyncClient, engineer: dict, schedule: Lab
):
    response = await client.get(f"{URL}.xlsx", headers=engineer)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        f'attachment; filename="dyno-schedule-{TODAY.isoformat()}.xlsx"'
    )
    sheets = read_xlsx(response.content)
    assert list(sheets) == [c.FORECAST_SHEET, "MPG", "VTS"]
    main = sheets[c.FORECAST_SHEET]
    assert [(r[c.TAG], r[c.FACILITY], r[c.DYNO]) for r in main] == [
        ("312W028", "MPG", 2),
        ("TBD-2027 P702", None, None),
        ("312W029", "VTS", "#1"),
    ]
    assert main[0][c.NEW_EST_DATE].date() == day(12)
    assert [r[c.TAG] for r in sheets["MPG"]] == ["312W028"]
    assert [r[c.TEST] for r in sheets["VTS"]] == ["brake"]


async def test_a_user_downloads_the_csv_of_the_main_sheet(
    client: httpx.AsyncClient, engineer: dict, schedule: Lab
):
    response = await client.get(f"{URL}.csv", headers=engineer)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="dyno-schedule-{TODAY.isoformat()}.csv"'
    )
    rows = read_csv(response.text)
    assert tuple(rows[0]) == c.EXPORT_COLUMNS
    assert [(r[c.TAG], r[c.DYNO], r[c.NEW_EST_DATE]) for r in rows] == [
        ("312W028", "2", day(12).isoformat()),
        ("TBD-2027 P702", "", ""),
        ("312W029", "#1", ""),
    ]


async def test_the_filters_narrow_both_files(
    client: httpx.AsyncClient, engineer: dict, schedule: Lab
):
    params = {"start_date": day(30).isoformat(), "facility": "vts"}
    xlsx = await client.get(f"{URL}.xlsx", headers=engineer, params=params)
    text = await client.get(f"{URL}.csv", headers=engineer, params={"end_date": day(6)})

    sheets = read_xlsx(xlsx.content)
    assert list(sheets) == [c.FORECAST_SHEET, "VTS"]
    assert [r[c.TAG] for r in sheets[c.FORECAST_SHEET]] == ["312W029"]
    assert [r[c.TAG] for r in read_csv(text.text)] == ["TBD-2027 P702"]


async def test_anonymous_callers_get_401_and_bad_dates_422(
    client: httpx.AsyncClient, engineer: dict
):
    error_body(await client.get(f"{URL}.xlsx"), 401, "not_authenticated")
    error_body(await client.get(f"{URL}.csv"), 401, "not_authenticated")
    backwards = {"start_date": day(5).isoformat(), "end_date": day(4).isoformat()}
    error_body(
        await client.get(f"{URL}.csv", headers=engineer, params=backwards), 422, "invalid_input"
    )
    error_body(
        await client.get(f"{URL}.xlsx", headers=engineer, params={"start_date": "soon"}),
        422,
        "validation_error",
    )
