"""Tools on single bookings: read one, book on a named dyno, change its status, list mine."""

from __future__ import annotations

from typing import Any

from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.agent.tools.shapes import LIST_LIMIT, allocation, allocations, span
from dyno_agent.scheduling import allocations as store
from dyno_agent.scheduling import booking, dynos
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.vocab import normalize_test_type


async def booking_filter(
    env: ToolEnv,
    x: a.BookingFilterArgs | a.MyAllocationsArgs,
    **fixed: Any,
) -> store.AllocationFilter:
    """The domain filter for a tool's optional range, test type, dyno and facility arguments."""
    values: dict[str, Any] = {"start_date": x.start_date, "end_date": x.end_date, **fixed}
    if isinstance(x, a.BookingFilterArgs):
        if x.test_type:
            values["test_type"] = normalize_test_type(x.test_type)
        if x.dyno is not None:
            values["dyno_id"] = (await dynos.resolve_dyno(env.session, x.dyno)).id
        values["facility"] = x.facility
    return store.AllocationFilter(**values)


async def get_allocation(env: ToolEnv, x: a.AllocationIdArgs) -> ToolOutcome:
    read = allocation(await store.get_allocation(env.session, x.allocation_id))
    line = f"{span(read)} ({read.status.value}) for {read.vehicle.tag or read.vehicle.vin}"
    return ToolOutcome.success(line, {"allocation": read.model_dump(mode="json")})


async def book_on_dyno(env: ToolEnv, x: a.BookOnDynoArgs) -> ToolOutcome:
    booked = await booking.book_on_dyno(env.session, env.actor, **x.model_dump())
    read = allocation(booked)
    return ToolOutcome.success(f"Booked {span(read)}", {"allocation": read.model_dump(mode="json")})


async def ask_change_status(env: ToolEnv, x: a.ChangeStatusArgs) -> str:
    current = await store.get_allocation(env.session, x.allocation_id)
    booking.ensure_can_modify(env.actor, current)
    booking.ensure_transition(current, AllocationStatus(x.status))
    dyno = current.dyno.name if current.dyno else "no dyno"
    return (
        f"Mark allocation #{current.id} ({current.test_type} for {current.vehicle.label} on "
        f"{dyno}, {current.start_date} to {current.end_date}) as {x.status} "
        f"(now {current.status})?"
    )


async def change_allocation_status(env: ToolEnv, x: a.ChangeStatusArgs) -> ToolOutcome:
    changed = await booking.change_status(env.session, env.actor, x.allocation_id, x.status)
    read = allocation(changed)
    return ToolOutcome.success(
        f"Marked {span(read)} as {x.status}", {"allocation": read.model_dump(mode="json")}
    )


async def my_allocations(env: ToolEnv, x: a.MyAllocationsArgs) -> ToolOutcome:
    filters = await booking_filter(env, x, created_by=env.actor.user_id, status=x.status)
    items, total = await store.list_allocations(env.session, filters, limit=LIST_LIMIT)
    data = {"total": total, "allocations": allocations(items)}
    return ToolOutcome.success(f"{total} booking(s) made by you", data)


BOOKING_TOOLS = [
    ToolSpec(
        "get_allocation",
        "One booking by id: vehicle (with weight), dyno, test type, dates, status, who booked it.",
        a.AllocationIdArgs,
        get_allocation,
    ),
    ToolSpec(
        "book_on_dyno",
        "Book a vehicle (vehicle_id, tag or vin) for a test on one named dyno, or get exactly why "
        "that dyno cannot take it. Like auto_allocate_vehicle it books AT ONCE, without asking "
        "the user. One call books one vehicle.",
        a.BookOnDynoArgs,
        book_on_dyno,
    ),
    ToolSpec(
        "change_allocation_status",
        "Mark a booking running (test started), completed (finished), delayed (will not start "
        "on time) or scheduled again (after a delay). To cancel use cancel_allocation. The user "
        "is asked to confirm first.",
        a.ChangeStatusArgs,
        change_allocation_status,
        destructive=True,
        question=ask_change_status,
    ),
    ToolSpec(
        "my_allocations",
        "The bookings the current user made, earliest first (at most "
        f"{LIST_LIMIT} listed, with the total), optionally only those overlapping a date range "
        "or with one status.",
        a.MyAllocationsArgs,
        my_allocations,
    ),
]
