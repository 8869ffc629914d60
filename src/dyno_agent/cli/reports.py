"""Read-only commands: availability, allocations, conflicts, utilisation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import (
    EndDate,
    JsonFlag,
    OptionalStart,
    StartDate,
    allocation_line,
    print_json,
)
from dyno_agent.cli.runtime import fail, transact, use_flags
from dyno_agent.scheduling.status import AllocationStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.scheduling.schemas.allocations import AllocationRead
    from dyno_agent.scheduling.schemas.availability import AvailabilityRead
    from dyno_agent.scheduling.schemas.reports import ConflictRead, SlipRead, UtilizationRead


def availability(
    test_type: Annotated[str, typer.Option("--test-type", "-t", help="e.g. 'brake'.")],
    start: StartDate,
    drive_type: Annotated[
        str | None, typer.Option("--drive", help="2WD, AWD, 4WD (or a synonym).")
    ] = None,
    end: EndDate = None,
    days: Annotated[int | None, typer.Option(help="Length in days (instead of --end).")] = None,
    weight: Annotated[int | None, typer.Option(help="Weight in lbs.")] = None,
    weight_class: Annotated[str | None, typer.Option(help="<10K or >10K.")] = None,
    vin: Annotated[
        str | None, typer.Option(help="For this vehicle (its drive and weight class).")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="For the vehicle with this tag.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Free compatible dynos for a window, best first; if none, why and the earliest date.
    Give the vehicle (--vin or --tag), or its --drive and --weight or --weight-class."""
    from dyno_agent.scheduling.availability import find_available_dynos_for
    from dyno_agent.scheduling.schemas.availability import AvailabilityRead

    if (end is None) == (days is None):
        fail("give either --end or --days.", code=2)
    if (vin or tag) and (drive_type or weight is not None or weight_class):
        fail("give --vin or --tag, or --drive with --weight or --weight-class, not both.", code=2)
    if not (vin or tag or drive_type):
        fail("give --vin or --tag, or --drive with --weight or --weight-class.", code=2)
    last = end or start + dt.timedelta(days=(days or 1) - 1)

    async def work(session: AsyncSession) -> AvailabilityRead:
        result = await find_available_dynos_for(
            session,
            start_date=start,
            end_date=last,
            test_type=test_type,
            vin=vin,
            tag=tag,
            drive_type=drive_type,
            weight_lbs=weight,
            weight_class=weight_class,
            explain=True,
        )
        return AvailabilityRead.of(result)

    result = transact(work)
    if as_json:
        print_json(result)
        return
    typer.echo(result.message)
    for blocked in result.blocked if result.free else []:
        typer.echo(f"  not free: {blocked.dyno.name} ({blocked.detail})")


def list_allocations(
    vehicle: Annotated[int | None, typer.Option("--vehicle", help="Vehicle id.")] = None,
    vin: Annotated[str | None, typer.Option(help="Vehicle VIN.")] = None,
    tag: Annotated[str | None, typer.Option(help="Vehicle tag.")] = None,
    status: Annotated[AllocationStatus | None, typer.Option(help="Only this status.")] = None,
    start: OptionalStart = None,
    end: EndDate = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help="Text in the note or the reference (any case)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Allocations by start date, filtered by vehicle, tag, VIN, status, dates or note text."""
    from dyno_agent.scheduling import allocations
    from dyno_agent.scheduling.allocations import AllocationFilter
    from dyno_agent.scheduling.note_text import clean_query
    from dyno_agent.scheduling.schemas.allocations import AllocationRead
    from dyno_agent.scheduling.vocab import normalize_tag, normalize_vin

    use_flags({"q": "--search"})

    async def work(session: AsyncSession) -> tuple[list[AllocationRead], int]:
        filters = AllocationFilter(
            status=status,
            vehicle_id=vehicle,
            vin=normalize_vin(vin) if vin else None,
            tag=normalize_tag(tag) if tag else None,
            start_date=start,
            end_date=end,
            q=clean_query(search),
        )
        rows, total = await allocations.list_allocations(session, filters, limit=limit)
        return [AllocationRead.model_validate(a) for a in rows], total

    rows, total = transact(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(allocation_line(row))
    typer.echo(f"{len(rows)} of {total} allocation(s).")


def conflicts(start: OptionalStart = None, end: EndDate = None, as_json: JsonFlag = False) -> None:
    """Open allocations that clash (overlaps, maintenance, dyno state or rules, unplaced)."""
    from dyno_agent.scheduling import reports
    from dyno_agent.scheduling.schemas.reports import ConflictRead

    async def work(session: AsyncSession) -> list[ConflictRead]:
        items = await reports.detect_conflicts(session, start, end)
        return [ConflictRead.model_validate(item) for item in items]

    items = transact(work)
    if as_json:
        print_json(items)
        return
    for item in items:
        typer.echo(f"{item.kind}: {item.message}")
    typer.echo(f"{len(items)} conflict(s).")


def utilization(
    start: OptionalStart = None, end: EndDate = None, as_json: JsonFlag = False
) -> None:
    """Booked days / available days per dyno (default: the 28 days from today)."""
    from dyno_agent.scheduling import reports
    from dyno_agent.scheduling.schemas.reports import UtilizationRead

    async def work(session: AsyncSession) -> UtilizationRead:
        return UtilizationRead.of(await reports.utilization_report(session, start, end))

    result = transact(work)
    if as_json:
        print_json(result)
        return
    typer.echo(f"Utilisation {result.start_date} to {result.end_date}:")
    for row in result.dynos:
        share = "n/a" if row.utilization is None else f"{row.utilization:.0%}"
        typer.echo(f"  {row.dyno.name:<8} {share:>5}  {row.booked_days}/{row.available_days} days")
    overall = "n/a" if result.overall is None else f"{result.overall:.0%}"
    typer.echo(f"  overall  {overall:>5}")


def slip_report(
    start: OptionalStart = None, end: EndDate = None, as_json: JsonFlag = False
) -> None:
    """Planned versus actual start and end of tests that ran (default: the 28 days to today)."""
    from dyno_agent.scheduling import slip
    from dyno_agent.scheduling.schemas.reports import SlipRead

    async def work(session: AsyncSession) -> SlipRead:
        return SlipRead.of(await slip.slip_report(session, start, end))

    result = transact(work)
    if as_json:
        print_json(result)
        return
    typer.echo(f"Slip {result.start_date} to {result.end_date} (days late; negative is early):")
    for row in result.tests:
        dyno = row.dyno.name if row.dyno else "-"
        end_slip = "running" if row.end_slip_days is None else f"{row.end_slip_days:+d}"
        typer.echo(
            f"  #{row.allocation_id:<5} {dyno:<8} {row.test_type:<20} planned {row.start_date} to "
            f"{row.end_date}, actual {row.actual_start_date} to {row.actual_end_date or '-'}  "
            f"start {row.start_slip_days:+d}, end {end_slip}"
        )
    typer.echo(
        f"{len(result.tests)} test(s); {result.started_late} started late, "
        f"{result.finished_late} finished late."
    )


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Reports")(availability)
    app.command("allocations", rich_help_panel="Reports")(list_allocations)
    app.command(rich_help_panel="Reports")(conflicts)
    app.command(rich_help_panel="Reports")(utilization)
    app.command("slip", rich_help_panel="Reports")(slip_report)
