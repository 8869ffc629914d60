"""A request's original cells (as the importer keeps them) come back as they were, unless the
database now says otherwise: a re-imported export reads as the rows it was imported from."""

from __future__ import annotations

import datetime as dt

from dyno_agent.forecast import columns as c
from dyno_agent.forecast.export import request_row
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import Allocation, Dyno, Vehicle

# Row 8 of the lab's sheet, as `source_values` keeps it (ISO dates).
ROW = {
    "Test": "150K Mileage",
    "TEST FACILITY ": "MPG",
    "DYNO": 1,
    "MY": 2027,
    "Program": "P708",
    "Cert Team": "OBD Cert",
    "Tag #": "312W028",
    "BUILD ID #": "FH7LCER7",
    "VIN #": "1FTRF2BM4REC58264",
    "Mileage Step": "75K 150K",
    "Status": "G",
    "Estimated Start": "2025-08-27",
    "NEW EST DATE": None,
    "Projected End Date": "2025-12-05",
    "><10K": "<10K",
    "AWD/2WD": "AWD ",
    "DYNO CONSTRAINT (2WD/AWD)": "2WD",
    "Build Type": "TPV",
    "Powerpack": "6.7L Diesel OBD (Federal) SRW <10K",
    "Mileage to complete": 75000,
    "Miles/Day - DYNA": 750,
    "Miles/day -DRIVER": None,
    "Days to complete": 99.6,
}


def vehicle(**changes: object) -> Vehicle:
    fields: dict[str, object] = dict(
        id=1, tag="312W028", vin="1FTRF2BM4REC58264", model_year=2027, program="P708",
        build_id="FH7LCER7", cert_team="OBD Cert", powerpack="6.7L Diesel OBD (Federal) SRW <10K",
        build_type="TPV", weight_class="<10K", drive_type="AWD",
    )  # fmt: skip
    return Vehicle(**(fields | changes))


def request(**changes: object) -> TestRequest:
    fields: dict[str, object] = dict(
        id=1, vehicle_id=1, test_type="150k mileage", mileage_step="75K-150K", days=100,
        earliest_start=dt.date(2025, 8, 27), desired_start=dt.date(2025, 8, 27), status="open",
    )  # fmt: skip
    return TestRequest(**(fields | changes))


def booking(start: dt.date, days: int, status: str = "scheduled") -> Allocation:
    allocation = Allocation(
        id=7, vehicle_id=1, test_type="150k mileage", start_date=start,
        end_date=start + dt.timedelta(days=days - 1), status=status,
    )  # fmt: skip
    allocation.dyno = Dyno(name="MPG 4", facility="MPG")
    return allocation


def test_an_unchanged_open_request_gives_back_its_original_cells_but_no_dyno():
    row = request_row(request(), vehicle(), originals=ROW, facility="MPG")

    expected = {column: value for column, value in ROW.items() if column in c.FORECAST_COLUMNS}
    expected |= {c.FACILITY: "MPG", c.DYNO: None, c.ESTIMATED_START: dt.date(2025, 8, 27)}
    expected |= {c.PROJECTED_END: dt.date(2025, 12, 5)}
    assert {column: row[column] for column in expected} == expected
    assert row[c.DRIVE] == "AWD " and row[c.DYNO_CONSTRAINT] == "2WD"
    assert row[c.DAYS_TO_COMPLETE] == 99.6  # rounds up to the request's 100 days


def test_what_the_database_changed_replaces_the_original():
    changed = request(days=50, desired_start=dt.date(2025, 9, 15), test_type="evap")
    row = request_row(changed, vehicle(drive_type="2WD", program="P709"), originals=ROW)

    assert (row[c.TEST], row[c.DRIVE], row[c.PROGRAM]) == ("evap", "2WD", "P709")
    assert (row[c.ESTIMATED_START], row[c.NEW_EST_DATE]) == (
        dt.date(2025, 8, 27),
        dt.date(2025, 9, 15),
    )
    assert (row[c.DAYS_TO_COMPLETE], row[c.PROJECTED_END]) == (50, dt.date(2025, 11, 4))
    assert row[c.MILEAGE_STEP] == "75K 150K"


def test_a_new_est_date_that_is_the_desired_start_stays_with_its_estimate():
    original = ROW | {
        "Estimated Start": "2025-03-03",
        "NEW EST DATE": "2025-05-12",
        "Status": "TBD",
    }
    row = request_row(request(desired_start=dt.date(2025, 5, 12)), vehicle(), originals=original)

    assert (row[c.ESTIMATED_START], row[c.NEW_EST_DATE]) == (
        dt.date(2025, 3, 3),
        dt.date(2025, 5, 12),
    )
    assert row[c.STATUS] == "TBD"


def test_a_booked_request_shows_its_booking_over_the_original_dyno_and_dates():
    start = dt.date(2025, 9, 1)
    row = request_row(request(status="booked"), vehicle(), booking(start, 100), originals=ROW)

    assert (row[c.STATUS], row[c.FACILITY], row[c.DYNO]) == ("G", "MPG", 4)
    assert (row[c.ESTIMATED_START], row[c.NEW_EST_DATE]) == (dt.date(2025, 8, 27), start)
    assert row[c.PROJECTED_END] == dt.date(2025, 12, 10)


def test_a_running_booking_keeps_the_original_new_est_date_when_the_actual_start_matches():
    start = dt.date(2025, 5, 14)
    original = ROW | {
        "Status": "RUNNING", "Estimated Start": "2025-03-03", "NEW EST DATE": "2025-05-12",
        "ACTUAL START DATE": "2025-05-14",
    }  # fmt: skip
    running = booking(start, 100, "running")
    row = request_row(request(status="booked"), vehicle(), running, originals=original)

    assert row[c.STATUS] == "RUNNING"
    assert (row[c.NEW_EST_DATE], row[c.ACTUAL_START]) == (dt.date(2025, 5, 12), start)

    moved = request_row(request(status="booked"), vehicle(), booking(start, 100, "running"), ROW)
    assert (moved[c.STATUS], moved[c.NEW_EST_DATE], moved[c.ACTUAL_START]) == (
        "RUNNING",
        start,
        start,
    )


def test_days_left_blank_in_the_sheet_stay_blank_when_its_projected_end_gives_them():
    original = ROW | {"Days to complete": "N/A", "Projected End Date": "2025-09-17"}  # 21 days
    same = request_row(request(days=21), vehicle(), originals=original)
    longer = request_row(request(days=30), vehicle(), originals=original)

    assert (same[c.DAYS_TO_COMPLETE], same[c.PROJECTED_END]) == ("N/A", dt.date(2025, 9, 17))
    assert (longer[c.DAYS_TO_COMPLETE], longer[c.PROJECTED_END]) == (30, dt.date(2025, 9, 26))


def test_a_booking_where_the_sheet_put_it_keeps_the_sheets_own_projected_end():
    original = ROW | {"Projected End Date": "2025-12-19"}  # the sheet adds cert time
    booked = request(status="booked")

    kept = request_row(booked, vehicle(), booking(dt.date(2025, 8, 27), 100), originals=original)
    moved = request_row(booked, vehicle(), booking(dt.date(2025, 8, 28), 100), originals=original)

    assert (kept[c.PROJECTED_END], kept[c.DAYS_TO_COMPLETE]) == (dt.date(2025, 12, 19), 99.6)
    assert (kept[c.NEW_EST_DATE], kept[c.DYNO]) == (None, 4)
    assert (moved[c.PROJECTED_END], moved[c.NEW_EST_DATE]) == (
        dt.date(2025, 12, 6),
        dt.date(2025, 8, 28),
    )


def test_the_facility_is_the_requests_own_and_days_round_up_as_the_importer_reads_them():
    original = ROW | {"TEST FACILITY ": "mpg ", "Days to complete": 100.0000001}
    restricted = request_row(request(), vehicle(), originals=original, facility="MPG")
    free = request_row(request(), vehicle(), originals=original, facility=None)

    assert (restricted[c.FACILITY], restricted[c.DAYS_TO_COMPLETE]) == ("mpg ", 100.0000001)
    assert free[c.FACILITY] is None
