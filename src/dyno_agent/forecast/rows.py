"""Turn the forecast sheet's rows into what the import writes, with the engine's normalisers.

Each row becomes a vehicle (its tag, or a placeholder key for a TBD tag or any Tag # text that is
not a valid tag: the text + `#n` for the n-th such row in sheet order) and either an allocation
(RUNNING or COMPLETED on a dyno the lab has) or a test request. A row is invalid only for a real
reason: no tag, unknown test, no drive or weight class, no start, no duration, the same vehicle
with two drives or weight classes, the same vehicle, test and step twice. Everything odd but usable
is a warning (an invalid VIN is dropped, a DYNO CONSTRAINT that disagrees with AWD/2WD is only a
data check, an unknown facility, a Tag # that is a description, a request longer than a booking may
be, a RUNNING row on a dyno already taken then: an open request).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dyno_agent.errors import InvalidInput
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.reader import Problem, SheetRow, Table, json_value
from dyno_agent.inputs import MAX_DATE, MIN_DATE, RANGE_MESSAGE
from dyno_agent.requests.steps import MileageStep, parse_mileage_step
from dyno_agent.scheduling import vocab

ALLOCATION_STATUSES = {"RUNNING": "running", "COMPLETED": "completed"}
SKIPPED_STATUSES = frozenset({"REMOVED", "CANCELLED", "CANCELED"})
SCHEDULED_STATUS = "G"
VEHICLE_FIELDS = (
    "vin",
    "model_year",
    "program",
    "build_id",
    "cert_team",
    "powerpack",
    "build_type",
    "drive_type",
    "weight_class",
)
# The sheet column each vehicle field comes from.
FIELD_COLUMNS = {
    "vin": c.VIN,
    "model_year": c.MODEL_YEAR,
    "program": c.PROGRAM,
    "build_id": c.BUILD_ID,
    "cert_team": c.CERT_TEAM,
    "powerpack": c.POWERPACK,
    "build_type": c.BUILD_TYPE,
    "drive_type": c.DRIVE,
    "weight_class": c.WEIGHT_CLASS,
}
_TEXT_LIMITS = {
    "program": 120,
    "build_id": 60,
    "cert_team": 120,
    "powerpack": 200,
    "build_type": 60,
}


@dataclass(frozen=True)
class DynoRef:
    id: int
    name: str
    facility: str


def dyno_key(text: str) -> str:
    """How a dyno name is matched (as `dynos.resolve_dyno`): no spaces or `#`, any case."""
    return re.sub(r"[\s#]+", "", text).lower()


@dataclass
class VehicleData:
    tag: str | None
    placeholder_key: str | None
    vin: str | None = None
    model_year: int | None = None
    program: str | None = None
    build_id: str | None = None
    cert_team: str | None = None
    powerpack: str | None = None
    build_type: str | None = None
    drive_type: str | None = None
    weight_class: str | None = None

    @property
    def key(self) -> str:
        return self.tag or self.placeholder_key or ""


@dataclass
class ForecastRow:
    sheet: str
    number: int
    vehicle: VehicleData
    test_type: str | None = None
    step: MileageStep | None = None
    status: str = ""  # the sheet's status, upper-case
    days: int | None = None
    desired_start: dt.date | None = None
    facility: str | None = None
    dyno: DynoRef | None = None  # the named dyno, if the lab has it
    start_dates: tuple[dt.date, ...] = ()  # days a G row's allocation may start on
    allocation_status: str | None = None  # running/completed: the row is an allocation
    allocation_start: dt.date | None = None
    allocation_end: dt.date | None = None
    skip_reason: str | None = None
    source_values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def key(self) -> str:
        step = self.step.label if self.step else "?"
        return f"{self.vehicle.key} | {self.test_type or '?'} | {step}"

    def error(self, column: str | None, value: Any, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason))

    def warn(self, column: str | None, value: Any, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason, "warning"))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _date(row: ForecastRow, values: dict[str, Any], column: str) -> dt.date | None:
    day = _any_date(row, values, column)
    if day is not None and not MIN_DATE <= day <= MAX_DATE:
        row.error(column, values.get(column), f"the date {RANGE_MESSAGE}")
        return None
    return day


def _any_date(row: ForecastRow, values: dict[str, Any], column: str) -> dt.date | None:
    value = values.get(column)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        row.error(column, value, "not a date (use a date cell, or YYYY-MM-DD in a CSV)")
        return None


def _number(values: dict[str, Any], column: str) -> float | None:
    value = values.get(column)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


@dataclass
class Lab:
    """What the database already knows that a row is checked against."""

    dynos: dict[str, DynoRef]  # by `dyno_key` of the name
    facilities: dict[str, str]  # lower-case -> as stored
    max_days: int


def parse_rows(table: Table, lab: Lab) -> list[ForecastRow]:
    """Every data row of the forecast sheet, normalised, with its problems."""
    occurrences: Counter[str] = Counter()
    rows = [_parse(table.sheet, sheet_row, lab, occurrences) for sheet_row in table.rows]
    by_number = {row.number: row for row in rows}
    for problem in table.problems:  # formulas without cached values
        if problem.row in by_number:
            by_number[problem.row].problems.append(problem)
    _check_consistency(rows)
    return rows


def _parse(sheet: str, sheet_row: SheetRow, lab: Lab, occurrences: Counter[str]) -> ForecastRow:
    values = sheet_row.values
    row = ForecastRow(sheet, sheet_row.number, VehicleData(None, None))
    row.source_values = {name: json_value(value) for name, value in values.items()}
    row.vehicle = _vehicle(row, values, occurrences)
    _test_and_step(row, values)
    row.status = (_text(values.get(c.STATUS)) or "").upper()
    if row.status in SKIPPED_STATUSES:
        row.skip_reason = f"status {row.status}"
    _dates_and_days(row, values, lab)
    _facility_and_dyno(row, values, lab)
    warn_long(row, lab.max_days)
    return row


def _vehicle(row: ForecastRow, values: dict[str, Any], occurrences: Counter[str]) -> VehicleData:
    raw_tag = _text(values.get(c.TAG))
    vehicle = VehicleData(None, None)
    if raw_tag is None:
        row.error(c.TAG, None, "the Tag # is empty")
    elif vocab.is_placeholder_tag(raw_tag):
        vehicle.placeholder_key = _placeholder(row, raw_tag, occurrences)
    else:
        try:
            vehicle.tag = vocab.normalize_tag(raw_tag)
        except InvalidInput:
            # `26MY P702 FHEV 4x4 [JOB1]`: a description of a vehicle not built yet, not a typo
            vehicle.placeholder_key = _placeholder(row, raw_tag, occurrences)
            if vehicle.placeholder_key is not None:
                row.warn(
                    c.TAG,
                    raw_tag,
                    "not a tag: taken as the description of a vehicle not built yet, "
                    f"placeholder {vehicle.placeholder_key}",
                )
    vin = _text(values.get(c.VIN))
    if vin is not None:
        try:
            vehicle.vin = vocab.check_vin(vin)
        except InvalidInput as exc:
            row.warn(c.VIN, vin, f"{exc.message} The VIN is not stored.")
    year = values.get(c.MODEL_YEAR)
    if year is not None:
        number = _number(values, c.MODEL_YEAR)
        if number is not None and number.is_integer() and 1980 <= number <= 2100:
            vehicle.model_year = int(number)
        else:
            row.warn(c.MODEL_YEAR, year, "not a model year (1980 to 2100); not stored")
    for name, column in (
        ("program", c.PROGRAM),
        ("build_id", c.BUILD_ID),
        ("cert_team", c.CERT_TEAM),
        ("powerpack", c.POWERPACK),
        ("build_type", c.BUILD_TYPE),
    ):
        text: str | None = _text(values.get(column))
        if text is not None and len(text) > _TEXT_LIMITS[name]:
            row.warn(column, text, f"longer than {_TEXT_LIMITS[name]} characters; cut")
            text = text[: _TEXT_LIMITS[name]]
        setattr(vehicle, name, text)
    drive = _text(values.get(c.DRIVE))
    if drive is None:
        row.error(c.DRIVE, None, "the drive (AWD/2WD) is empty: it decides which dynos can run it")
    else:
        try:
            vehicle.drive_type = vocab.normalize_drive_type(drive)
        except InvalidInput as exc:
            row.error(c.DRIVE, values.get(c.DRIVE), exc.message)
    constraint = _text(values.get(c.DYNO_CONSTRAINT))
    if constraint is not None and vehicle.drive_type is not None:
        try:
            checked = vocab.normalize_drive_type(constraint)
        except InvalidInput:
            checked = None
        if checked != vehicle.drive_type:
            row.warn(
                c.DYNO_CONSTRAINT,
                values.get(c.DYNO_CONSTRAINT),
                f"disagrees with AWD/2WD ({vehicle.drive_type}); only a data check, the drive "
                "column decides",
            )
    weight = _text(values.get(c.WEIGHT_CLASS))
    if weight is None:
        row.error(c.WEIGHT_CLASS, None, "the weight class (><10K) is empty")
    else:
        try:
            vehicle.weight_class = vocab.normalize_weight_class(weight)
        except InvalidInput as exc:
            row.error(c.WEIGHT_CLASS, weight, exc.message)
    return vehicle


def _placeholder(row: ForecastRow, raw_tag: str, occurrences: Counter[str]) -> str | None:
    """The key of the n-th row (in sheet order) carrying this text: the text upper-case with
    single spaces + `#n`, the text cut to leave room for `#` and up to 7 digits."""
    text = re.sub(r"\s+", " ", raw_tag).strip().upper()[: vocab.PLACEHOLDER_KEY_MAX_LENGTH - 8]
    occurrences[text] += 1
    try:
        return vocab.placeholder_key(text, occurrences[text])
    except InvalidInput as exc:
        row.error(c.TAG, raw_tag, exc.message)
        return None


def _test_and_step(row: ForecastRow, values: dict[str, Any]) -> None:
    test = _text(values.get(c.TEST))
    if test is None:
        row.error(c.TEST, None, "the test is empty")
    else:
        try:
            row.test_type = vocab.normalize_test_type(test)
        except InvalidInput as exc:
            row.error(c.TEST, test, exc.message)
    step = _text(values.get(c.MILEAGE_STEP))
    if step is None:
        row.error(c.MILEAGE_STEP, None, "the mileage step is empty")
        return
    try:
        row.step = parse_mileage_step(step)
    except InvalidInput as exc:
        row.error(c.MILEAGE_STEP, values.get(c.MILEAGE_STEP), exc.message)


def _dates_and_days(row: ForecastRow, values: dict[str, Any], lab: Lab) -> None:
    """The desired start (NEW EST DATE, else Estimated Start) and the days (Days to complete
    rounded up, else Projected End minus the start). A RUNNING or COMPLETED row's booking starts
    on ACTUAL START DATE when given and lasts as many days (a COMPLETED row without either ends on
    TESTING COMPLETED)."""
    estimated = _date(row, values, c.ESTIMATED_START)
    new_estimate = _date(row, values, c.NEW_EST_DATE)
    actual = _date(row, values, c.ACTUAL_START)
    projected = _date(row, values, c.PROJECTED_END)
    completed = _date(row, values, c.TESTING_COMPLETED)
    row.desired_start = new_estimate or estimated
    if row.desired_start is None:
        row.error(c.ESTIMATED_START, None, "no start: Estimated Start and NEW EST DATE are empty")
        return
    row.start_dates = tuple(d for d in (row.desired_start, estimated, actual) if d is not None)
    start = row.desired_start
    if row.status in ALLOCATION_STATUSES:
        start = row.allocation_start = actual or row.desired_start
    days = _number(values, c.DAYS_TO_COMPLETE)
    if days is not None and days > 0:
        row.days = math.ceil(round(days, 6))
    elif projected is not None and projected > start:
        row.days = (projected - start).days
    elif row.status == "COMPLETED" and completed is not None and completed >= start:
        row.days = (completed - start).days + 1
    else:
        row.error(
            c.DAYS_TO_COMPLETE,
            values.get(c.DAYS_TO_COMPLETE),
            "no duration: Days to complete is empty and Projected End Date is not after the start",
        )
        return
    if row.allocation_start is not None:
        row.allocation_end = row.allocation_start + dt.timedelta(days=row.days - 1)


def _facility_and_dyno(row: ForecastRow, values: dict[str, Any], lab: Lab) -> None:
    facility = _text(values.get(c.FACILITY))
    if facility is not None:
        known = lab.facilities.get(facility.lower())
        if known is None:
            row.warn(
                c.FACILITY, facility, "no dyno of the lab is in this facility; the test cannot run"
            )
        row.facility = known or facility[:60]
    dyno = _text(values.get(c.DYNO))
    if dyno is not None:
        candidates = [f"{facility} {dyno}", dyno] if facility else [dyno]
        row.dyno = next((lab.dynos[k] for k in map(dyno_key, candidates) if k in lab.dynos), None)
    if row.status in ALLOCATION_STATUSES and row.dyno is not None:
        row.allocation_status = ALLOCATION_STATUSES[row.status]
    elif row.status in ALLOCATION_STATUSES:
        row.allocation_start = row.allocation_end = None
        row.warn(
            c.DYNO,
            values.get(c.DYNO),
            f"status {row.status} but no dyno of the lab is named; imported as an open request",
        )


def as_request(row: ForecastRow, column: str, value: Any, reason: str, max_days: int) -> None:
    """A RUNNING or COMPLETED row that cannot be an allocation is imported as an open request
    (nothing is lost; the lab re-plans it), with a warning saying why."""
    row.allocation_status = None
    row.allocation_start = row.allocation_end = None
    row.warn(column, value, f"{reason}; imported as an open request")
    warn_long(row, max_days)


def warn_long(row: ForecastRow, max_days: int) -> None:
    """A request longer than a booking may be is imported (the sheet says so) but cannot be
    planned: the planner reports it as bad data."""
    if row.allocation_status is None and row.days is not None and row.days > max_days:
        row.warn(
            c.DAYS_TO_COMPLETE,
            row.source_values.get(c.DAYS_TO_COMPLETE),
            f"lasts {row.days} days, but a booking may last at most {max_days} days "
            "(DYNO_MAX_BOOKING_DAYS): imported as an open request the planner leaves unplaced "
            "as bad data until the days are fixed",
        )


def _check_consistency(rows: list[ForecastRow]) -> None:
    """One vehicle has one drive and weight class; one vehicle, test and step is one row; other
    vehicle details are taken from the first row that has them (later differences are warned)."""
    first: dict[str, ForecastRow] = {}
    keys: dict[tuple[str, str, str], int] = {}
    for row in rows:
        if row.skip_reason or not row.vehicle.key:
            continue
        vehicle = row.vehicle
        earlier = first.get(vehicle.key)
        if earlier is None:
            first[vehicle.key] = row
        else:
            for name in VEHICLE_FIELDS:
                mine, theirs = getattr(vehicle, name), getattr(earlier.vehicle, name)
                if mine is None or theirs is None or mine == theirs:
                    if theirs is None and mine is not None:
                        setattr(earlier.vehicle, name, mine)
                    continue
                if name in ("drive_type", "weight_class"):
                    row.error(
                        FIELD_COLUMNS[name],
                        mine,
                        f"vehicle {vehicle.key} is {theirs} on row {earlier.number}: one vehicle "
                        "has one drive and one weight class",
                    )
                else:
                    row.warn(
                        FIELD_COLUMNS[name],
                        mine,
                        f"vehicle {vehicle.key} has {name} {theirs!r} on row {earlier.number}; "
                        "the first is kept",
                    )
        if row.test_type and row.step:
            key = (vehicle.key, row.test_type, row.step.label)
            if key in keys:
                row.error(
                    c.MILEAGE_STEP,
                    row.step.label,
                    f"row {keys[key]} already has vehicle {vehicle.key}, test {row.test_type} "
                    f"and step {row.step.label} (a request is keyed by all three)",
                )
            else:
                keys[key] = row.number
