"""The agent's tools: each parses nothing itself, calls one domain function, shapes the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.agent.tools.bookings import BOOKING_TOOLS, booking_filter
from dyno_agent.agent.tools.shapes import LIST_LIMIT
from dyno_agent.agent.tools.shapes import allocations as _allocations
from dyno_agent.agent.tools.shapes import span as _span
from dyno_agent.agent.tools.shapes import vehicle as _vehicle
from dyno_agent.scheduling import (
    allocations,
    availability,
    booking,
    dynos,
    maintenance,
    reports,
    vehicles,
)
from dyno_agent.scheduling.models import Allocation, AllocationStatus
from dyno_agent.scheduling.schemas.allocations import AllocationRead, BookingRead, DynoBrief
from dyno_agent.scheduling.schemas.availability import AvailabilityRead
from dyno_agent.scheduling.schemas.dynos import DynoRead
from dyno_agent.scheduling.schemas.reports import ConflictRead, DynoDayStatusRead, UtilizationRead
from dyno_agent.scheduling.vocab import normalize_test_type


async def get_datetime_now(env: ToolEnv, _: a.NoArgs) -> ToolOutcome:
    now = dt.datetime.now(dt.UTC)
    today = env.today
    stamp = dt.datetime.combine(today, now.time(), tzinfo=dt.UTC).isoformat()
    data = {"today": today.isoformat(), "weekday": today.strftime("%A"), "now": stamp}
    return ToolOutcome.success(f"Today is {today:%A} {today.isoformat()}", data)


async def find_available_dynos(env: ToolEnv, x: a.FindAvailableDynosArgs) -> ToolOutcome:
    result = await availability.find_available_dynos_for(
        env.session,
        start_date=x.start_date,
        end_date=x.end_date,
        test_type=x.test_type,
        vehicle_id=x.vehicle_id,
        vin=x.vin or None,
        tag=x.tag or None,
        drive_type=x.drive_type,
        weight_lbs=x.weight_lbs,
    )
    read = AvailabilityRead.of(result)
    return ToolOutcome.success(read.message, read.model_dump(mode="json"))


async def auto_allocate_vehicle(env: ToolEnv, x: a.AutoAllocateVehicleArgs) -> ToolOutcome:
    values = x.model_dump()
    if "max_backup_days" not in x.model_fields_set:  # the default never exceeds the setting
        values["max_backup_days"] = min(x.max_backup_days, env.settings.max_backup_days)
    result = await booking.auto_allocate(env.session, env.actor, **values)
    read = BookingRead(
        allocation=AllocationRead.model_validate(result.allocation),
        message=result.message,
        shift_days=result.shift_days,
    )
    return ToolOutcome.success(f"Booked {_span(read.allocation)}", read.model_dump(mode="json"))


async def check_vehicle_allocation(env: ToolEnv, x: a.VehicleRefArgs) -> ToolOutcome:
    vehicle = await vehicles.resolve_vehicle(
        env.session, vehicle_id=x.vehicle_id, vin=x.vin, tag=x.tag
    )
    items = await allocations.vehicle_allocations(env.session, vehicle.id)
    data = {
        "vehicle": _vehicle(vehicle),
        "allocations": _allocations(items),
    }
    return ToolOutcome.success(f"{len(items)} booking(s) for {vehicle.label}", data)


async def detect_conflicts(env: ToolEnv, x: a.DateRangeArgs) -> ToolOutcome:
    items = await reports.detect_conflicts(env.session, x.start_date, x.end_date)
    data = {"conflicts": [ConflictRead.model_validate(c).model_dump(mode="json") for c in items]}
    return ToolOutcome.success(f"{len(items)} conflict(s)", data)


async def maintenance_check(env: ToolEnv, x: a.MaintenanceCheckArgs) -> ToolOutcome:
    dyno = await dynos.resolve_dyno(env.session, x.dyno) if x.dyno is not None else None
    if x.start_date is not None or x.end_date is not None:
        return await _maintenance_windows(env, x, dyno.id if dyno else None)
    day = x.on_date or env.today
    rows = await reports.maintenance_check(env.session, day)
    if dyno is not None:
        rows = [r for r in rows if r.dyno.id == dyno.id]
    states = [
        DynoDayStatusRead(dyno=DynoBrief.model_validate(r.dyno), status=r.status, reason=r.reason)
        for r in rows
    ]
    down = sum(s.status != "available" for s in states)
    data = {"date": day.isoformat(), "dynos": [s.model_dump(mode="json") for s in states]}
    return ToolOutcome.success(f"{down} of {len(states)} dyno(s) unavailable on {day}", data)


async def _maintenance_windows(
    env: ToolEnv, x: a.MaintenanceCheckArgs, dyno_id: int | None
) -> ToolOutcome:
    windows = await maintenance.list_maintenance(
        env.session, dyno_id=dyno_id, start_date=x.start_date, end_date=x.end_date
    )
    names = {d.id: d.name for d in await dynos.list_dynos(env.session, include_disabled=True)}
    items = [
        {
            "id": w.id,
            "dyno": names.get(w.dyno_id, str(w.dyno_id)),
            "start_date": w.start_date.isoformat(),
            "end_date": w.end_date.isoformat(),
            "reason": w.reason,
        }
        for w in windows
    ]
    span = f"{x.start_date or 'any time'} to {x.end_date or 'any time'}"
    data = {"start_date": x.start_date, "end_date": x.end_date, "maintenance": items}
    return ToolOutcome.success(f"{len(items)} maintenance window(s) from {span}", data)


async def completed_tests_count(env: ToolEnv, x: a.BookingFilterArgs) -> ToolOutcome:
    filters = await booking_filter(env, x, status=AllocationStatus.completed)
    count = await allocations.count_allocations(env.session, filters)
    return ToolOutcome.success(f"{count} completed test(s)", {"completed": count})


async def get_tests_by_status(env: ToolEnv, x: a.TestsByStatusArgs) -> ToolOutcome:
    filters = await booking_filter(env, x, status=x.status)
    items, total = await allocations.list_allocations(env.session, filters, limit=LIST_LIMIT)
    data = {"status": x.status.value, "total": total, "allocations": _allocations(items)}
    return ToolOutcome.success(f"{total} {x.status.value} test(s)", data)


async def cancel_allocation(env: ToolEnv, x: a.AllocationIdArgs) -> ToolOutcome:
    allocation = await booking.cancel_allocation(env.session, env.actor, x.allocation_id)
    read = AllocationRead.model_validate(allocation)
    return ToolOutcome.success(
        f"Cancelled {_span(read)}", {"allocation": read.model_dump(mode="json")}
    )


async def _booking_line(env: ToolEnv, allocation_id: int) -> tuple[Allocation, str]:
    allocation = await allocations.get_allocation(env.session, allocation_id)
    booking.ensure_can_modify(env.actor, allocation)
    dyno = allocation.dyno.name if allocation.dyno else "no dyno"
    line = (
        f"allocation #{allocation.id}: {allocation.test_type} for {allocation.vehicle.label} on "
        f"{dyno}, {allocation.start_date} to {allocation.end_date} ({allocation.status})"
    )
    return allocation, line


async def ask_cancel(env: ToolEnv, x: a.AllocationIdArgs) -> str:
    allocation, line = await _booking_line(env, x.allocation_id)
    booking.ensure_transition(allocation, AllocationStatus.cancelled)
    return f"Cancel {line}?"


async def ask_reschedule(env: ToolEnv, x: a.RescheduleAllocationArgs) -> str:
    allocation, line = await _booking_line(env, x.allocation_id)
    booking.ensure_movable(allocation)
    start, days = booking.moved_window(allocation, **_move(x))
    end = start + dt.timedelta(days=days - 1)
    return f"Move {line} to {start} to {end} ({days} day(s))?"


def _move(x: a.RescheduleAllocationArgs) -> dict[str, Any]:
    return {
        "new_start_date": x.new_start_date,
        "days_to_complete": x.days_to_complete,
        "shift_days": x.shift_days or 0,
        "extend_days": x.extend_days or 0,
    }


async def reschedule_allocation(env: ToolEnv, x: a.RescheduleAllocationArgs) -> ToolOutcome:
    allocation = await booking.reschedule_allocation(
        env.session, env.actor, x.allocation_id, **_move(x)
    )
    read = AllocationRead.model_validate(allocation)
    return ToolOutcome.success(f"Moved {_span(read)}", {"allocation": read.model_dump(mode="json")})


async def get_dyno_schedule(env: ToolEnv, x: a.DynoScheduleArgs) -> ToolOutcome:
    dyno = await dynos.resolve_dyno(env.session, x.dyno)
    schedule = await allocations.dyno_schedule(env.session, dyno, x.start_date, x.end_date)
    data = {
        "dyno": DynoBrief.model_validate(dyno).model_dump(mode="json"),
        "start_date": x.start_date.isoformat(),
        "end_date": x.end_date.isoformat(),
        "allocations": _allocations(schedule.allocations),
        "maintenance": [
            {
                "id": m.id,
                "start_date": m.start_date.isoformat(),
                "end_date": m.end_date.isoformat(),
                "reason": m.reason,
            }
            for m in schedule.maintenance
        ],
    }
    summary = (
        f"{len(schedule.allocations)} booking(s) on {dyno.name} from {x.start_date} to {x.end_date}"
    )
    return ToolOutcome.success(summary, data)


async def utilization_report(env: ToolEnv, x: a.UtilizationArgs) -> ToolOutcome:
    dyno = await dynos.resolve_dyno(env.session, x.dyno) if x.dyno is not None else None
    report = await reports.utilization_report(
        env.session,
        x.start_date,
        x.end_date,
        test_type=normalize_test_type(x.test_type) if x.test_type else None,
        dyno_id=dyno.id if dyno else None,
        facility=x.facility,
    )
    read = UtilizationRead.of(report)
    overall = "n/a" if read.overall is None else f"{read.overall:.0%}"
    return ToolOutcome.success(f"Overall utilisation {overall}", read.model_dump(mode="json"))


async def list_dynos(env: ToolEnv, x: a.ListDynosArgs) -> ToolOutcome:
    rows = await dynos.list_dynos(env.session, include_disabled=x.include_disabled)
    items = [
        DynoRead.model_validate(d).model_dump(
            mode="json", exclude={"rules", "created_at", "updated_at"}
        )
        for d in rows
    ]
    return ToolOutcome.success(f"{len(items)} dyno(s)", {"dynos": items})


async def get_dyno(env: ToolEnv, x: a.DynoArgs) -> ToolOutcome:
    dyno = await dynos.resolve_dyno(env.session, x.dyno)
    read = DynoRead.model_validate(dyno).model_dump(mode="json")
    return ToolOutcome.success(f"{dyno.name} ({dyno.facility})", {"dyno": read})


SCHEDULING_TOOLS = [
    ToolSpec(
        "get_datetime_now", "Today's date and weekday in the lab.", a.NoArgs, get_datetime_now
    ),
    ToolSpec(
        "find_available_dynos",
        "Free dynos that can run a test for a date range (end inclusive), for a named vehicle "
        "(vehicle_id, tag or vin: its drive type and weight are used) or for a weight_lbs and "
        "drive_type; when none is free, why, and the earliest date one is. Books nothing.",
        a.FindAvailableDynosArgs,
        find_available_dynos,
    ),
    ToolSpec(
        "auto_allocate_vehicle",
        "Book a vehicle (vehicle_id, tag or vin) for a test on the best free compatible dyno. "
        "Books AT ONCE, without asking the user. With backup=true, later start days are tried up "
        "to max_backup_days. One call books one vehicle.",
        a.AutoAllocateVehicleArgs,
        auto_allocate_vehicle,
    ),
    ToolSpec(
        "check_vehicle_allocation",
        "One vehicle (vehicle_id, tag or vin) with its weight and all its bookings.",
        a.VehicleRefArgs,
        check_vehicle_allocation,
    ),
    ToolSpec(
        "detect_conflicts",
        "Open bookings in conflict (overlaps, maintenance, disabled or incompatible dynos, "
        "unplaced), optionally only those overlapping a date range.",
        a.DateRangeArgs,
        detect_conflicts,
    ),
    ToolSpec(
        "maintenance_check",
        "Without dates: each dyno's state on one day (on_date, default today): available, "
        "disabled, outside its window or in maintenance. With start_date and/or end_date: the "
        "maintenance windows overlapping that range. Either way optionally for one dyno.",
        a.MaintenanceCheckArgs,
        maintenance_check,
    ),
    ToolSpec(
        "completed_tests_count",
        "How many tests are completed, optionally only those overlapping a date range, of one "
        "test type, on one dyno or in one facility.",
        a.BookingFilterArgs,
        completed_tests_count,
    ),
    ToolSpec(
        "get_tests_by_status",
        "Bookings with one status (scheduled, delayed, running, completed, cancelled) and their "
        f"total (at most {LIST_LIMIT} listed), optionally only those overlapping a date range, "
        "of one test type, on one dyno or in one facility.",
        a.TestsByStatusArgs,
        get_tests_by_status,
    ),
    ToolSpec(
        "cancel_allocation",
        "Cancel a booking by id. The user is asked to confirm first.",
        a.AllocationIdArgs,
        cancel_allocation,
        destructive=True,
        question=ask_cancel,
    ),
    ToolSpec(
        "reschedule_allocation",
        "Move a scheduled or delayed booking and/or change its length, in one call: a new start "
        "(new_start_date, or shift_days relative to the current start) and/or a new length "
        "(days_to_complete, or extend_days relative to the current length). It stays on its "
        "dyno when that is free, else goes to the best free compatible one. The user is asked "
        "to confirm first.",
        a.RescheduleAllocationArgs,
        reschedule_allocation,
        destructive=True,
        question=ask_reschedule,
    ),
    ToolSpec(
        "get_dyno_schedule",
        "Bookings and maintenance of one dyno (name or id) in a date range (end inclusive).",
        a.DynoScheduleArgs,
        get_dyno_schedule,
    ),
    ToolSpec(
        "utilization_report",
        "Booked days / available days per dyno and overall for a date range (end inclusive); "
        "optionally one test type's bookings only, one dyno or one facility.",
        a.UtilizationArgs,
        utilization_report,
    ),
    ToolSpec("list_dynos", "The lab's dynos and what they support.", a.ListDynosArgs, list_dynos),
    ToolSpec("get_dyno", "One dyno (name or id) with its rules.", a.DynoArgs, get_dyno),
    *BOOKING_TOOLS,
]
