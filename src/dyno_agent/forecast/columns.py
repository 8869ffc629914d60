"""The forecast sheet's columns, named as in its header row, in the sheet's order.

The importer finds the header row and each column by these names (compared by `header_key`, so
case, stray spaces and line breaks do not matter), never by position; the export writes them in
this order, so an exported file reads back as the same rows.
"""

from __future__ import annotations

import re

FORECAST_SHEET = "Cert Mileage Forecast - All"

TEST = "Test"
FACILITY = "TEST FACILITY"
DYNO = "DYNO"
MODEL_YEAR = "MY"
PROGRAM = "Program"
CERT_TEAM = "Cert Team"
TAG = "Tag #"
BUILD_ID = "BUILD ID #"
VIN = "VIN #"
MILEAGE_STEP = "Mileage Step"
STATUS = "Status"
ESTIMATED_START = "Estimated Start"
NEW_EST_DATE = "NEW EST DATE"
ACTUAL_START = "ACTUAL START DATE"
PROJECTED_END = "Projected End Date"
TESTING_COMPLETED = "TESTING COMPLETED"
WEIGHT_CLASS = "><10K"
DRIVE = "AWD/2WD"
DYNO_CONSTRAINT = "DYNO CONSTRAINT (2WD/AWD)"
BUILD_TYPE = "Build Type"
POWERPACK = "Powerpack"
MILEAGE_TO_COMPLETE = "Mileage to complete"
MILES_PER_DAY_DYNO = "Miles/Day - DYNA"
MILES_PER_DAY_DRIVER = "Miles/day -DRIVER"
ADDED_CERT_TIME = "Added Cert time"
DAYS_TO_COMPLETE = "Days to complete"
GAS_TYPE = "GAS TYPE (ONLY FOR CERT)"
CYCLE = "CYCLE"

# The sheet's columns in its own order.
FORECAST_COLUMNS: tuple[str, ...] = (
    TEST,
    FACILITY,
    DYNO,
    MODEL_YEAR,
    PROGRAM,
    CERT_TEAM,
    TAG,
    BUILD_ID,
    VIN,
    MILEAGE_STEP,
    STATUS,
    ESTIMATED_START,
    NEW_EST_DATE,
    ACTUAL_START,
    PROJECTED_END,
    TESTING_COMPLETED,
    WEIGHT_CLASS,
    DRIVE,
    DYNO_CONSTRAINT,
    BUILD_TYPE,
    POWERPACK,
    MILEAGE_TO_COMPLETE,
    MILES_PER_DAY_DYNO,
    MILES_PER_DAY_DRIVER,
    ADDED_CERT_TIME,
    DAYS_TO_COMPLETE,
    GAS_TYPE,
    CYCLE,
)

# What the export adds after the sheet's columns: a booking's reference and note (migration 0012).
# The importer does not read them (they are not forecast columns), so a re-import ignores them.
BOOKING_REFERENCE = "Booking ref"
BOOKING_NOTES = "Booking notes"
EXPORT_COLUMNS: tuple[str, ...] = (*FORECAST_COLUMNS, BOOKING_REFERENCE, BOOKING_NOTES)

_SPACES = re.compile(r"\s+")


def header_key(name: object) -> str:
    """How a header cell is compared: stripped, spaces collapsed, case folded."""
    return _SPACES.sub(" ", str(name)).strip().casefold() if name is not None else ""
