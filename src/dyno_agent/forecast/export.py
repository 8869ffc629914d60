"""The schedule as forecast rows: every test request and every booking, in the sheet's columns.

Rows come in this order: every test request, by `source_row` then id (so an imported sheet comes
back in its own order and its placeholders keep their `#n`), then every active allocation that no
request became (booked through the API, CLI or agent), by start, dyno and id. A cancelled request,
or one booked on an allocation that was since cancelled, is a `CANCELLED` row (the importer skips
such rows; keeping them keeps the placeholders' `#n`); cancelled bookings alone are left out.

Which cell says what (`request_row`, `allocation_row`):
- Vehicle columns from the vehicle: `Tag #` is its tag, or for a placeholder its TBD text without
  the `#n` of its key; VIN, MY, Program, Build id, Build type, Powerpack, Cert team, `><10K`
  (weight class), `AWD/2WD` (drive type).
- `Test`, `Mileage Step`: the request's (a booking alone: its test and `BOOKING <id>`).
- `Status`: `G` for open and planned requests and for scheduled or delayed bookings, `RUNNING`,
  `COMPLETED`, `CANCELLED`.
- `TEST FACILITY` and `DYNO` (the dyno's name without its facility: `MPG 2` -> `2`, `VTS #1` ->
  `#1`, `Track` -> `Track`) from the booking; an unbooked request has no DYNO.
- `Estimated Start`: the desired start (of the request; of a booking alone, its start).
  `NEW EST DATE`: the booked start when it differs from Estimated Start (an unbooked request:
  empty). `ACTUAL START DATE`: the day a running or completed test was marked running (else its
  booked start).
  `Projected End Date`: start + days (the sheet's own formula; the booking's last day + 1).
  `TESTING COMPLETED`: the day a completed test was marked completed (else its last booked day).
  `Days to complete`: the booking's days, else the request's.
- After the sheet's columns, `Booking ref` and `Booking notes`: the booking's reference and note.

The request's original cells (`originals`, column name -> value, dates as ISO text or dates) fill
the columns the database does not keep, and a database-owned cell keeps its original text when it
says the same thing (`AWD ` for AWD, `150K Mileage` for `150k mileage`, 6.2 days for 7; the
sheet's own projected end while the start and days are still those it gives), so a re-imported
export reads as the rows it was imported from. An unbooked request's original DYNO (the legacy
macro's guess, `No dyno available`) is not written back: DYNO is filled exactly when booked.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dyno_agent.errors import InvalidInput
from dyno_agent.forecast import columns as c
from dyno_agent.planning.service import plan_details
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.requests.steps import normalize_mileage_step
from dyno_agent.scheduling.models import (
    ACTIVE_STATUSES,
    Allocation,
    AllocationStatus,
    Dyno,
    Vehicle,
)
from dyno_agent.scheduling.vocab import (
    normalize_drive_type,
    normalize_test_type,
    normalize_weight_class,
)

Cells = dict[str, object]
DATE_COLUMNS = frozenset(
    {c.ESTIMATED_START, c.NEW_EST_DATE, c.ACTUAL_START, c.PROJECTED_END, c.TESTING_COMPLETED}
)
SCHEDULED, RUNNING, COMPLETED, CANCELLED = "G", "RUNNING", "COMPLETED", "CANCELLED"
_CANCELLED_WORDS = frozenset({CANCELLED, "CANCELED", "REMOVED"})  # the importer skips these rows
_STATUS_CELL = {
    AllocationStatus.scheduled: SCHEDULED,
    AllocationStatus.delayed: SCHEDULED,
    AllocationStatus.running: RUNNING,
    AllocationStatus.completed: COMPLETED,
    AllocationStatus.requested: SCHEDULED,
}
_PLACEHOLDER_SUFFIX = re.compile(r"\s*#\d+$")
_BY_KEY = {c.header_key(name): name for name in c.FORECAST_COLUMNS}


@dataclass(frozen=True)
class ExportFilter:
    """Rows whose days touch [start_date, end_date] (a booking's, else the desired start and
    days) and whose TEST FACILITY is `facility` (any case)."""

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    facility: str | None = None

    def __post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise InvalidInput("end_date is before start_date.", field="end_date")

    def keeps(self, cells: Mapping[str, object], first: dt.date, last: dt.date) -> bool:
        if self.start_date and last < self.start_date:
            return False
        if self.end_date and first > self.end_date:
            return False
        if self.facility:
            facility = str(cells.get(c.FACILITY) or "").strip().casefold()
            return facility == self.facility.strip().casefold()
        return True


# Cells -------------------------------------------------------------------------------------------
def tag_cell(vehicle: Vehicle) -> str:
    """The vehicle's Tag #: its tag, or a placeholder's TBD text (its key without `#n`)."""
    if vehicle.tag:
        return vehicle.tag
    return _PLACEHOLDER_SUFFIX.sub("", vehicle.placeholder_key or "") or vehicle.label


def dyno_cell(dyno: Dyno) -> object:
    """The DYNO cell as the sheet writes it: the name after its facility (`MPG 2` -> 2,
    `VTS #1` -> `#1`), the whole name when it does not start with the facility (`Track`)."""
    name = dyno.name.strip()
    match = re.fullmatch(rf"{re.escape(dyno.facility.strip())}\s+(\S.*)", name, re.IGNORECASE)
    rest = match[1] if match else name
    return int(rest) if rest.isdigit() else rest


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def original_cells(originals: Mapping[str, Any] | None) -> Cells:
    """The original cells by column (names matched like headers); dates as dates, blanks None."""
    cells: Cells = dict.fromkeys(c.FORECAST_COLUMNS)
    for name, value in (originals or {}).items():
        column = _BY_KEY.get(c.header_key(name))
        if column is None or value is None or (isinstance(value, str) and not value.strip()):
            continue
        cells[column] = _date(value) if column in DATE_COLUMNS else value
    return cells


def _text(a: object, b: object) -> bool:
    return c.header_key(a) == c.header_key(b)


def _number(a: object, b: object) -> bool:
    return float(str(a)) == float(str(b))


def _whole_days(value: object) -> int:
    """`Days to complete` as the importer reads it: a positive number rounded up."""
    number = float(str(value))
    if not number > 0:
        raise ValueError(value)
    return math.ceil(round(number, 6))


def _days(a: object, b: object) -> bool:
    return _whole_days(a) == b


def _near(a: object, b: object) -> bool:  # fractional days in the sheet's projected ends
    first, second = _date(a), _date(b)
    return first is not None and second is not None and abs((first - second).days) <= 1


def _by(normalize: Callable[[str], str]) -> Callable[[object, object], bool]:
    return lambda a, b: normalize(str(a)) == b


_SAME: dict[str, Callable[[object, object], bool]] = {
    c.TEST: _by(normalize_test_type),
    c.MILEAGE_STEP: _by(normalize_mileage_step),
    c.DRIVE: _by(normalize_drive_type),
    c.WEIGHT_CLASS: _by(normalize_weight_class),
    c.MODEL_YEAR: _number,
    c.DAYS_TO_COMPLETE: _days,
    c.PROJECTED_END: _near,
}


def _put(cells: Cells, column: str, value: object) -> None:
    """Set a database-owned cell, keeping the original when it says the same (or when the
    database knows nothing: the importer left that text out, so writing it back changes nothing)."""
    original = cells.get(column)
    if original is None:
        cells[column] = value
        return
    if value is None:
        return
    try:
        same = _SAME.get(column, _text)(original, value)
    except (InvalidInput, ValueError, TypeError):
        same = False
    if not same:
        cells[column] = value


def _put_vehicle(cells: Cells, vehicle: Vehicle) -> None:
    for column, value in (
        (c.MODEL_YEAR, vehicle.model_year),
        (c.PROGRAM, vehicle.program),
        (c.CERT_TEAM, vehicle.cert_team),
        (c.TAG, tag_cell(vehicle)),
        (c.BUILD_ID, vehicle.build_id),
        (c.VIN, vehicle.vin),
        (c.WEIGHT_CLASS, vehicle.weight_class),
        (c.DRIVE, vehicle.drive_type),
        (c.BUILD_TYPE, vehicle.build_type),
        (c.POWERPACK, vehicle.powerpack),
    ):
        _put(cells, column, value)


def _status_kind(value: object) -> str:
    text = str(value).strip().upper()
    if text in _CANCELLED_WORDS:
        return CANCELLED
    return text if text in (RUNNING, COMPLETED) else SCHEDULED


def _put_status(cells: Cells, status: str) -> None:
    original = cells.get(c.STATUS)
    if original is None or _status_kind(original) != status:
        cells[c.STATUS] = status


@dataclass(frozen=True)
class PlannedBooking:
    """A plan's assignment shown as the booking it would become (a preview is not booked)."""

    dyno: Dyno
    start_date: dt.date
    end_date: dt.date
    status: str = AllocationStatus.scheduled.value

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


def _put_booking(cells: Cells, allocation: Allocation | PlannedBooking, estimated: dt.date) -> None:
    """Facility, dyno and dates of a booking; `estimated` is the Estimated Start when the
    original sheet has none."""
    start, days = allocation.start_date, allocation.days
    status = _STATUS_CELL[AllocationStatus(allocation.status)]
    cells[c.BOOKING_REFERENCE] = getattr(allocation, "reference", None)  # a plan has none
    cells[c.BOOKING_NOTES] = getattr(allocation, "notes", None)
    _put_status(cells, status)
    if allocation.dyno is not None:
        cells[c.FACILITY] = allocation.dyno.facility
        _put(cells, c.DYNO, dyno_cell(allocation.dyno))
    else:
        cells[c.FACILITY] = cells[c.DYNO] = None
    est = cells[c.ESTIMATED_START] = _date(cells[c.ESTIMATED_START]) or estimated
    started = status in (RUNNING, COMPLETED)
    imported_start = (cells[c.ACTUAL_START] if started else None) or cells[c.NEW_EST_DATE] or est
    if started and cells[c.ACTUAL_START] == start:
        pass  # the actual start says when it began: the original NEW EST DATE stays
    elif cells[c.NEW_EST_DATE] != start:
        cells[c.NEW_EST_DATE] = None if est == start else start
    # The recorded actual days (migration 0011) when known, else the booked ones.
    actual_start = getattr(allocation, "actual_start_date", None) or start
    actual_end = getattr(allocation, "actual_end_date", None) or allocation.end_date
    cells[c.ACTUAL_START] = actual_start if started else None
    cells[c.TESTING_COMPLETED] = actual_end if status == COMPLETED else None
    if imported_start == start and _same_days(cells, days, start):
        return  # as imported: the sheet's own projected end and days stay
    cells[c.PROJECTED_END] = start + dt.timedelta(days=days)
    _put(cells, c.DAYS_TO_COMPLETE, days)


def _put_desired(cells: Cells, desired: dt.date, days: int, status: str = SCHEDULED) -> None:
    """A request not on a dyno: desired start and days, and no dyno."""
    _put_status(cells, status)
    cells[c.DYNO] = cells[c.ACTUAL_START] = cells[c.TESTING_COMPLETED] = None
    est, new = _date(cells[c.ESTIMATED_START]), _date(cells[c.NEW_EST_DATE])
    if (new or est) == desired and _same_days(cells, days, new or est):
        return  # as imported: the sheet's own projected end and days stay
    if (new or est) != desired:
        if est is None or est == desired:
            cells[c.ESTIMATED_START], cells[c.NEW_EST_DATE] = desired, None
        else:
            cells[c.NEW_EST_DATE] = desired
    cells[c.PROJECTED_END] = desired + dt.timedelta(days=days)
    _put(cells, c.DAYS_TO_COMPLETE, days)


def _same_days(cells: Cells, days: int, start: dt.date | None) -> bool:
    """Whether the original cells give `days` as the importer reads them: `Days to complete`
    rounded up, or when it is not a positive number, the projected end minus the start."""
    try:
        return _days(cells[c.DAYS_TO_COMPLETE], days)
    except (ValueError, TypeError):
        pass  # blank or not a number (`N/A`)
    end = _date(cells[c.PROJECTED_END])
    return end is not None and start is not None and (end - start).days == days


def request_row(
    request: TestRequest,
    vehicle: Vehicle,
    allocation: Allocation | PlannedBooking | None = None,
    originals: Mapping[str, Any] | None = None,
    facility: str | None = None,
) -> Cells:
    """The row of a test request; `allocation` (with its dyno loaded) when it is booked,
    `originals` the cells it was imported from, `facility` the one it must run in."""
    cells = original_cells(originals)
    if facility is None:
        cells[c.FACILITY] = None
    else:
        _put(cells, c.FACILITY, facility)
    _put(cells, c.TEST, request.test_type)
    _put_vehicle(cells, vehicle)
    _put(cells, c.MILEAGE_STEP, request.mileage_step)
    if allocation is not None and allocation.status != AllocationStatus.cancelled:
        _put_booking(cells, allocation, request.desired_start)
    else:
        cancelled = request.status == RequestStatus.cancelled or allocation is not None
        status = CANCELLED if cancelled else SCHEDULED
        _put_desired(cells, request.desired_start, request.days, status)
    return cells


def allocation_row(allocation: Allocation) -> Cells:
    """The row of a booking no request became (its vehicle and dyno loaded). It has no mileage
    step; `BOOKING <id>` stands in for one, so that a re-import (which needs a step and keys rows
    by vehicle, test and step) finds this booking again and no two such rows collide."""
    cells = original_cells(None)
    cells[c.TEST] = allocation.test_type
    cells[c.MILEAGE_STEP] = booking_step(allocation)
    _put_vehicle(cells, allocation.vehicle)
    _put_booking(cells, allocation, allocation.start_date)
    return cells


def booking_step(allocation: Allocation) -> str:
    return f"BOOKING {allocation.id}"


def _imported(request: TestRequest) -> tuple[Mapping[str, Any] | None, str | None]:
    """The request's original cells (as the import read them) and its facility."""
    return request.source_values, request.facility


# Query -------------------------------------------------------------------------------------------
async def plan_bookings(session: AsyncSession, plan_id: int) -> dict[int, PlannedBooking]:
    """A plan's assignments by request id, for the requests still waiting for a dyno (a committed
    plan's requests are booked, so their own bookings are exported)."""
    details = await plan_details(session, plan_id)
    waiting = (RequestStatus.open, RequestStatus.planned)
    return {
        a.request_id: PlannedBooking(details.dynos[a.dyno_id], a.start_date, a.end_date)
        for a in details.plan.assignments
        if a.request_id in details.requests and details.requests[a.request_id].status in waiting
    }


async def schedule_rows(
    session: AsyncSession,
    filters: ExportFilter | None = None,
    planned: Mapping[int, PlannedBooking] | None = None,
) -> list[Cells]:
    """Every test request, then every active booking no request became, as forecast rows;
    `planned` (from `plan_bookings`) shows a plan's assignments as if booked."""
    planned = planned or {}
    filters = filters or ExportFilter()
    requests = list(
        await session.scalars(
            select(TestRequest).order_by(TestRequest.source_row.asc().nulls_last(), TestRequest.id)
        )
    )
    became = {r.allocation_id for r in requests if r.allocation_id is not None}
    active = [s.value for s in ACTIVE_STATUSES]
    allocations = {
        a.id: a
        for a in await session.scalars(
            select(Allocation)
            .where(or_(Allocation.status.in_(active), Allocation.id.in_(became)))
            .options(selectinload(Allocation.vehicle), selectinload(Allocation.dyno))
        )
    }
    vehicle_ids = {r.vehicle_id for r in requests}
    vehicles = {
        v.id: v for v in await session.scalars(select(Vehicle).where(Vehicle.id.in_(vehicle_ids)))
    }
    rows: list[Cells] = []
    for request in requests:
        allocation: Allocation | PlannedBooking | None = (
            allocations.get(request.allocation_id) if request.allocation_id else None
        )
        allocation = allocation or planned.get(request.id)
        originals, facility = _imported(request)
        cells = request_row(request, vehicles[request.vehicle_id], allocation, originals, facility)
        if allocation is not None and allocation.status != AllocationStatus.cancelled:
            first, last = allocation.start_date, allocation.end_date
        else:
            first = request.desired_start
            last = first + dt.timedelta(days=request.days - 1)
        if filters.keeps(cells, first, last):
            rows.append(cells)
    alone = sorted(
        (a for a in allocations.values() if a.id not in became),
        key=lambda a: (a.start_date, a.dyno.name if a.dyno else "", a.id),
    )
    for allocation in alone:
        cells = allocation_row(allocation)
        if filters.keeps(cells, allocation.start_date, allocation.end_date):
            rows.append(cells)
    return rows
