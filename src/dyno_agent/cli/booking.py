"""Booking from the command line: allocate, book, cancel, reschedule, status (channel `cli`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import EndDate, JsonFlag, StartDate, allocation_line, print_json
from dyno_agent.cli.runtime import transact_as, use_flags
from dyno_agent.scheduling.status import AllocationStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.scheduling.schemas.allocations import AllocationRead, BookingRead

VehicleId = Annotated[int | None, typer.Option("--vehicle", help="Vehicle id.")]
Vin = Annotated[str | None, typer.Option("--vin", help="Vehicle VIN (any case).")]
Tag = Annotated[str | None, typer.Option("--tag", help="Vehicle tag (Tag #, any case).")]
TestType = Annotated[str, typer.Option("--test-type", "-t", help="e.g. '4k certification'.")]
Days = Annotated[int | None, typer.Option("--days", help="Length in whole days.")]
AllocationId = Annotated[int, typer.Argument(help="Allocation id.")]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note on the booking.")]
Ref = Annotated[
    str | None, typer.Option("--ref", help="Test request or work order id, e.g. WO-4471.")
]
NOTE_FLAGS = {"notes": "--note", "reference": "--ref"}


def _show(allocation: AllocationRead, as_json: bool, message: str | None = None) -> None:
    if as_json:
        print_json(allocation)
        return
    typer.echo(allocation_line(allocation))
    if message:
        typer.echo(message)


def allocate(
    test_type: TestType,
    start: StartDate,
    days: Annotated[int, typer.Option("--days", help="Length in whole days.")],
    vehicle: VehicleId = None,
    vin: Vin = None,
    tag: Tag = None,
    backup: Annotated[bool, typer.Option(help="Try later starts if the window is full.")] = False,
    max_backup_days: Annotated[int, typer.Option(help="How many days later, at most.")] = 7,
    note: Note = None,
    ref: Ref = None,
    as_json: JsonFlag = False,
) -> None:
    """Book a vehicle's test on the best free compatible dyno."""
    use_flags(NOTE_FLAGS)
    from dyno_agent.scheduling import booking
    from dyno_agent.scheduling.schemas.allocations import (
        AllocationRead,
        AutoAllocateCreate,
        BookingRead,
    )

    async def work(session: AsyncSession, actor: Actor) -> BookingRead:
        body = AutoAllocateCreate(
            vehicle_id=vehicle,
            vin=vin,
            tag=tag,
            test_type=test_type,
            start_date=start,
            days_to_complete=days,
            backup=backup,
            max_backup_days=max_backup_days,
            notes=note,
            reference=ref,
        )
        result = await booking.auto_allocate(session, actor, **body.model_dump())
        return BookingRead(
            allocation=AllocationRead.model_validate(result.allocation),
            message=result.message,
            shift_days=result.shift_days,
        )

    result = transact_as(work)
    if as_json:
        print_json(result)
    else:
        _show(result.allocation, False, result.message)


def book(
    dyno: Annotated[str, typer.Argument(help="Dyno name (e.g. 'MPG 3') or id.")],
    test_type: TestType,
    start: StartDate,
    end: EndDate = None,
    days: Days = None,
    vehicle: VehicleId = None,
    vin: Vin = None,
    tag: Tag = None,
    note: Note = None,
    ref: Ref = None,
    as_json: JsonFlag = False,
) -> None:
    """Book a vehicle's test on a named dyno, or say why it cannot be."""
    use_flags(NOTE_FLAGS)
    from dyno_agent.scheduling import booking
    from dyno_agent.scheduling.schemas.allocations import AllocationCreate, AllocationRead

    async def work(session: AsyncSession, actor: Actor) -> AllocationRead:
        body = AllocationCreate(
            vehicle_id=vehicle,
            vin=vin,
            tag=tag,
            dyno=int(dyno) if dyno.isdigit() else dyno,
            test_type=test_type,
            start_date=start,
            end_date=end,
            days_to_complete=days,
            notes=note,
            reference=ref,
        )
        allocation = await booking.book_on_dyno(session, actor, **body.model_dump())
        return AllocationRead.model_validate(allocation)

    booked = transact_as(work)
    requested = booked.status == AllocationStatus.requested
    _show(booked, as_json, "Requested: awaits a power user's approval." if requested else "Booked.")


def cancel(allocation_id: AllocationId, as_json: JsonFlag = False) -> None:
    """Cancel an allocation."""
    from dyno_agent.scheduling import booking
    from dyno_agent.scheduling.schemas.allocations import AllocationRead

    async def work(session: AsyncSession, actor: Actor) -> AllocationRead:
        allocation = await booking.cancel_allocation(session, actor, allocation_id)
        return AllocationRead.model_validate(allocation)

    _show(transact_as(work), as_json, "Cancelled.")


def reschedule(
    allocation_id: AllocationId,
    start: StartDate,
    days: Days = None,
    dyno: Annotated[str | None, typer.Option(help="Move to this dyno (name or id).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Move a scheduled or delayed allocation (same dyno if free, else the best free one)."""
    from dyno_agent.scheduling import booking
    from dyno_agent.scheduling.schemas.allocations import AllocationRead, RescheduleRequest

    async def work(session: AsyncSession, actor: Actor) -> AllocationRead:
        body = RescheduleRequest(
            new_start_date=start,
            days_to_complete=days,
            dyno=int(dyno) if dyno and dyno.isdigit() else dyno,
        )
        allocation = await booking.reschedule_allocation(
            session,
            actor,
            allocation_id,
            body.new_start_date,
            days_to_complete=body.days_to_complete,
            dyno=body.dyno,
        )
        return AllocationRead.model_validate(allocation)

    _show(transact_as(work), as_json, "Rescheduled.")


def status(
    allocation_id: AllocationId,
    new_status: Annotated[AllocationStatus, typer.Argument(metavar="STATUS")],
    as_json: JsonFlag = False,
) -> None:
    """Change an allocation's status (scheduled -> running -> completed, delayed, cancelled)."""
    from dyno_agent.scheduling import booking
    from dyno_agent.scheduling.schemas.allocations import AllocationRead

    async def work(session: AsyncSession, actor: Actor) -> AllocationRead:
        allocation = await booking.change_status(session, actor, allocation_id, new_status)
        return AllocationRead.model_validate(allocation)

    _show(transact_as(work), as_json, f"Now {new_status.value}.")


def register(app: typer.Typer) -> None:
    for command in (allocate, book, cancel, reschedule, status):
        app.command(rich_help_panel="Booking")(command)
