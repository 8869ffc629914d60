"""Rendering a feed as iCalendar: one all-day VEVENT per booking and per maintenance window.

UIDs are `allocation-<id>@<domain>` and `maintenance-<id>@<domain>`, so a calendar client updates an
event in place when it moves; SEQUENCE is the number of changes the audit logs hold for the row,
so it grows with every move or status change. Cancelled bookings are left out (clients drop them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event
from icalendar.enums import STATUS

from dyno_agent.scheduling.models import Allocation, MaintenanceWindow

PRODID = "-//Dyno Agent//Calendar feeds//EN"
REFRESH = dt.timedelta(minutes=15)
VIN_TAIL = 6
# The statuses of a firm booking; any other (a held offer, an approval request, a status this
# module does not know yet) is shown as tentative rather than refused.
CONFIRMED = frozenset({"scheduled", "delayed", "running", "completed"})


@dataclass(frozen=True)
class BookingItem:
    """A booking as the feed shows it to one viewer."""

    allocation: Allocation
    sequence: int
    booked_by: str | None
    show_notes: bool


@dataclass(frozen=True)
class MaintenanceItem:
    window: MaintenanceWindow
    dyno_name: str
    sequence: int
    last_modified: dt.datetime


def vehicle_text(allocation: Allocation) -> str:
    """`312W028 (…4G5678)`: the tag and the end of the VIN, or whichever it has."""
    vehicle = allocation.vehicle
    name = vehicle.tag or vehicle.placeholder_key or f"vehicle #{vehicle.id}"
    if vehicle.vin and vehicle.vin != vehicle.tag:
        return f"{name} (…{vehicle.vin[-VIN_TAIL:]})"
    return name


def summary(allocation: Allocation) -> str:
    where = allocation.dyno.name if allocation.dyno else "no dyno yet"
    text = f"{allocation.test_type}: {vehicle_text(allocation)} on {where}"
    if allocation.status not in CONFIRMED:
        text = f"[{allocation.status}] {text}"
    return text


def description(item: BookingItem) -> str:
    allocation = item.allocation
    vehicle = allocation.vehicle
    lines = [f"Status: {allocation.status}", f"Test: {allocation.test_type}"]
    lines.append(
        "Vehicle: "
        + ", ".join(
            part
            for part in (vehicle.tag, vehicle.vin and f"VIN {vehicle.vin}", vehicle.program)
            if part
        )
    )
    if allocation.dyno:
        lines.append(f"Dyno: {allocation.dyno.name} ({allocation.dyno.facility})")
    if item.booked_by:
        lines.append(f"Booked by: {item.booked_by}")
    if allocation.reference:
        lines.append(f"Reference: {allocation.reference}")
    if allocation.actual_start_date:
        ended = allocation.actual_end_date.isoformat() if allocation.actual_end_date else "…"
        lines.append(f"Ran: {allocation.actual_start_date.isoformat()} to {ended}")
    if item.show_notes and allocation.notes:
        lines.append(f"Notes: {allocation.notes}")
    return "\n".join(lines)


def booking_event(item: BookingItem, domain: str) -> Event:
    allocation = item.allocation
    return Event.new(
        uid=f"allocation-{allocation.id}@{domain}",
        start=allocation.start_date,
        end=allocation.end_date + dt.timedelta(days=1),  # DTEND of an all-day event is exclusive
        summary=summary(allocation),
        description=description(item),
        location=(
            f"{allocation.dyno.name}, {allocation.dyno.facility}" if allocation.dyno else None
        ),
        status=STATUS.CONFIRMED if allocation.status in CONFIRMED else STATUS.TENTATIVE,
        categories=[allocation.test_type, allocation.status],
        sequence=item.sequence,
        stamp=allocation.updated_at,
        last_modified=allocation.updated_at,
        created=allocation.created_at,
    )


def maintenance_event(item: MaintenanceItem, domain: str) -> Event:
    window = item.window
    reason = f": {window.reason}" if window.reason else ""
    return Event.new(
        uid=f"maintenance-{window.id}@{domain}",
        start=window.start_date,
        end=window.end_date + dt.timedelta(days=1),
        summary=f"Maintenance on {item.dyno_name}{reason}",
        description=f"{item.dyno_name} cannot be booked on these days{reason}.",
        location=item.dyno_name,
        status=STATUS.CONFIRMED,
        categories=["maintenance"],
        sequence=item.sequence,
        stamp=item.last_modified,
        last_modified=item.last_modified,
        created=window.created_at,
    )


def render(
    *,
    name: str,
    feed_key: str,
    domain: str,
    bookings: Iterable[BookingItem],
    maintenance: Iterable[MaintenanceItem] = (),
) -> bytes:
    """The calendar as bytes; the same rows always give the same bytes (the ETag relies on it)."""
    calendar = Calendar.new(
        prodid=PRODID,
        name=f"Dyno Agent: {name}",
        uid=f"feed-{feed_key}@{domain}",
        subcomponents=[
            *(booking_event(item, domain) for item in bookings),
            *(maintenance_event(item, domain) for item in maintenance),
        ],
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", "PT15M")  # Outlook's name for REFRESH-INTERVAL
    return calendar.to_ical()
