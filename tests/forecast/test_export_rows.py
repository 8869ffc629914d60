"""The schedule as forecast rows: which requests and bookings, in which order, with which cells."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.errors import InvalidInput
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.export import ExportFilter, dyno_cell, schedule_rows
from dyno_agent.requests import service
from tests.factories import make_allocation, make_dyno
from tests.forecast import export_fixtures
from tests.forecast.export_fixtures import IMPORTER, Lab, add_request, book, day

lab = export_fixtures.lab  # the fixture

BLANK_WHEN_OPEN = (c.DYNO, c.NEW_EST_DATE, c.ACTUAL_START, c.TESTING_COMPLETED)


async def test_an_open_request_is_a_g_row_with_its_vehicle_desired_start_and_days_and_no_dyno(
    session: AsyncSession, lab: Lab
):
    await add_request(session, lab.tagged, step="5K - 75K", days=93, desired=day(10))

    [row] = await schedule_rows(session)

    assert set(row) == set(c.FORECAST_COLUMNS)
    assert row[c.TEST] == "150k mileage" and row[c.MILEAGE_STEP] == "5K-75K"
    assert (row[c.TAG], row[c.VIN], row[c.PROGRAM]) == ("312W028", lab.tagged.vin, "P708")
    assert (row[c.MODEL_YEAR], row[c.BUILD_ID], row[c.CERT_TEAM]) == (2027, "FH7LCER7", "OBD Cert")
    assert (row[c.BUILD_TYPE], row[c.POWERPACK]) == ("TPV", "6.7L Diesel")
    assert (row[c.WEIGHT_CLASS], row[c.DRIVE]) == ("<10K", "AWD")
    assert row[c.STATUS] == "G"
    assert (row[c.ESTIMATED_START], row[c.DAYS_TO_COMPLETE]) == (day(10), 93)
    assert row[c.PROJECTED_END] == day(10) + dt.timedelta(days=93)
    assert [row[col] for col in (c.FACILITY, *BLANK_WHEN_OPEN)] == [None] * 5


async def test_a_placeholder_vehicle_shows_its_tbd_text_without_the_occurrence(
    session: AsyncSession, lab: Lab
):
    await add_request(session, lab.placeholder)

    [row] = await schedule_rows(session)

    assert (row[c.TAG], row[c.VIN], row[c.WEIGHT_CLASS]) == ("TBD-2027 P702", None, ">10K")


async def test_a_placeholder_that_got_its_tag_shows_the_tag(session: AsyncSession, lab: Lab):
    lab.placeholder.tag = "312W777"
    await add_request(session, lab.placeholder)

    [row] = await schedule_rows(session)

    assert row[c.TAG] == "312W777"


async def test_a_booked_request_shows_the_facility_dyno_and_booked_dates(
    session: AsyncSession, lab: Lab
):
    request = await add_request(session, lab.tagged, days=7, desired=day(10))
    await book(session, request, lab.mpg2, day(14))

    [row] = await schedule_rows(session)

    assert (row[c.STATUS], row[c.FACILITY], row[c.DYNO]) == ("G", "MPG", 2)
    assert (row[c.ESTIMATED_START], row[c.NEW_EST_DATE]) == (day(10), day(14))
    assert row[c.PROJECTED_END] == day(21)  # start + days, as the sheet computes it
    assert (row[c.ACTUAL_START], row[c.TESTING_COMPLETED], row[c.DAYS_TO_COMPLETE]) == (
        None,
        None,
        7,
    )


async def test_a_booking_on_the_desired_start_leaves_new_est_date_empty(
    session: AsyncSession, lab: Lab
):
    request = await add_request(session, lab.tagged, desired=day(10))
    await book(session, request, lab.vts1, day(10))

    [row] = await schedule_rows(session)

    assert (row[c.FACILITY], row[c.DYNO]) == ("VTS", "#1")
    assert (row[c.ESTIMATED_START], row[c.NEW_EST_DATE]) == (day(10), None)


async def test_running_and_completed_bookings_show_their_actual_start_and_completion(
    session: AsyncSession, lab: Lab
):
    running = await add_request(session, lab.tagged, step="0K-5K", desired=day(-10), days=20)
    done = await add_request(session, lab.other, step="0K-5K", desired=day(-30), days=5)
    await book(session, running, lab.mpg2, day(-8), status="running")
    await book(session, done, lab.track, day(-28), status="completed")

    first, second = await schedule_rows(session)

    assert (first[c.STATUS], first[c.ACTUAL_START], first[c.TESTING_COMPLETED]) == (
        "RUNNING",
        day(-8),
        None,
    )
    assert (second[c.STATUS], second[c.FACILITY], second[c.DYNO]) == ("COMPLETED", "Track", "Track")
    assert (second[c.ACTUAL_START], second[c.TESTING_COMPLETED]) == (day(-28), day(-24))
    assert second[c.PROJECTED_END] == day(-23)


async def test_requests_come_in_source_order_then_bookings_no_request_became(
    session: AsyncSession, lab: Lab
):
    api_made = await add_request(session, lab.other, step="0K-5K")
    third = await add_request(session, lab.tagged, step="75K-150K", source_row=12)
    first = await add_request(session, lab.tagged, step="0K-5K", source_row=6)
    await add_request(session, lab.placeholder, step="P702", source_row=9)
    later = await make_allocation(session, lab.other, lab.vts1, day(30), day(31))
    sooner = await make_allocation(
        session, lab.tagged, lab.mpg2, day(20), day(24), test_type="150k mileage"
    )

    rows = await schedule_rows(session)

    keys = [(row[c.TAG], row[c.TEST], row[c.MILEAGE_STEP]) for row in rows]
    assert keys == [
        ("312W028", first.test_type, "0K-5K"),
        ("TBD-2027 P702", "150k mileage", "P702"),
        ("312W028", third.test_type, "75K-150K"),
        ("312W029", api_made.test_type, "0K-5K"),
        ("312W028", "150k mileage", f"BOOKING {sooner.id}"),
        ("312W029", "brake", f"BOOKING {later.id}"),
    ]
    assert (rows[4][c.NEW_EST_DATE], rows[4][c.ESTIMATED_START]) == (None, sooner.start_date)
    assert (rows[5][c.FACILITY], rows[5][c.DYNO], rows[5][c.DAYS_TO_COMPLETE]) == ("VTS", "#1", 2)
    assert later.days == 2


async def test_cancelled_requests_are_cancelled_rows_and_cancelled_bookings_alone_are_left_out(
    session: AsyncSession, lab: Lab
):
    cancelled = await add_request(session, lab.placeholder, step="P702", desired=day(3), days=2)
    await service.cancel_request(session, IMPORTER, cancelled.id)
    booked = await add_request(session, lab.tagged, step="5K-75K", desired=day(8))
    allocation = await book(session, booked, lab.mpg2, day(10))
    allocation.status = "cancelled"
    await make_allocation(session, lab.other, lab.vts1, day(3), day(4), status="cancelled")
    await session.flush()
    await add_request(session, lab.other, step="0K-5K")

    rows = await schedule_rows(session)

    cells = [(r[c.TAG], r[c.MILEAGE_STEP], r[c.STATUS], r[c.FACILITY], r[c.DYNO]) for r in rows]
    assert cells == [
        ("TBD-2027 P702", "P702", "CANCELLED", None, None),
        ("312W028", "5K-75K", "CANCELLED", None, None),
        ("312W029", "0K-5K", "G", None, None),
    ]
    assert (rows[0][c.ESTIMATED_START], rows[0][c.DAYS_TO_COMPLETE]) == (day(3), 2)
    assert (rows[1][c.ESTIMATED_START], rows[1][c.NEW_EST_DATE]) == (day(8), None)


async def test_date_filters_keep_rows_whose_days_touch_the_range(session: AsyncSession, lab: Lab):
    await add_request(session, lab.tagged, step="0K-5K", desired=day(10), days=5)  # 10..14
    booked = await add_request(session, lab.tagged, step="5K-75K", desired=day(10), days=5)
    await book(session, booked, lab.mpg2, day(20))  # 20..24
    await make_allocation(session, lab.other, lab.vts1, day(30), day(31))

    async def steps(start: dt.date | None, end: dt.date | None) -> list[object]:
        rows = await schedule_rows(session, ExportFilter(start, end))
        return [row[c.TEST] if row[c.TEST] == "brake" else row[c.MILEAGE_STEP] for row in rows]

    assert await steps(day(14), day(20)) == ["0K-5K", "5K-75K"]
    assert await steps(day(15), day(19)) == []
    assert await steps(day(24), None) == ["5K-75K", "brake"]
    assert await steps(None, day(9)) == []
    assert await steps(None, None) == ["0K-5K", "5K-75K", "brake"]


async def test_the_facility_filter_keeps_that_facilitys_rows_whatever_the_case(
    session: AsyncSession, lab: Lab
):
    await add_request(session, lab.tagged, step="0K-5K")
    booked = await add_request(session, lab.tagged, step="5K-75K")
    await book(session, booked, lab.mpg2, day(20))
    await make_allocation(session, lab.other, lab.vts1, day(30), day(31))

    rows = await schedule_rows(session, ExportFilter(facility=" mpg "))

    assert [(row[c.FACILITY], row[c.MILEAGE_STEP]) for row in rows] == [("MPG", "5K-75K")]
    assert await schedule_rows(session, ExportFilter(facility="Nowhere")) == []


def test_an_end_before_the_start_is_invalid():
    with pytest.raises(InvalidInput):
        ExportFilter(day(5), day(4))


async def test_the_dyno_cell_is_the_name_after_its_facility(session: AsyncSession):
    names = ("MPG 22", "mpg 3", "TRP #2", "Track", "MPGX 1", "Roller 4")
    dynos = [await make_dyno(session, name, facility="Track" if name == "Track" else "MPG")
             for name in names]  # fmt: skip

    assert [dyno_cell(d) for d in dynos] == [22, 3, "TRP #2", "Track", "MPGX 1", "Roller 4"]
