"""Read-only commands: availability, allocations, conflicts, utilisation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.cli.output import (
    EndDate,
    JsonFlag,
    OptionalStart,
    StartDate,
    allocation_line,
    print_json,
)
from dyno_agent.cli.runtime import fail, transact
from dyno_agent.scheduling import allocations, reports
from dyno_agent.scheduling.allocations import AllocationFilter
from dyno_agent.scheduling.availability import find_available_dynos
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.schemas.allocations import AllocationRead
from dyno_agent.scheduling.schemas.availability import AvailabilityRead
from dyno_agent.scheduling.schemas.reports import ConflictRead, UtilizationRead
from dyno_agent.scheduling.vocab import normalize_tag, normalize_vin


def availability(
    test_type: Annotated[str, typer.Option("--test-type", "-t", help="e.g. 'brake'.")],
    drive_type: Annotated[str, typer.Option("--drive", help="2WD, AWD, 4WD (or a synonym).")],
    start: StartDate,
    end: EndDate = None,
    days: Annotated[int | None, typer.Option(help="Length in days (instead of --end).")] = None,
    weight: Annotated[int | None, typer.Option(help="Weight in lbs.")] = None,
    weight_class: Annotated[str | None, typer.Option(help="<10K or >10K.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Free compatible dynos for a window, best first; if none, why and the earliest date."""
    if (end is None) == (days is None):
        fail("give either --end or --days.", code=2)
    last = end or start + dt.timedelta(days=(days or 1) - 1)

    async def work(session: AsyncSession) -> AvailabilityRead:
        result = await find_available_dynos(
            session,
            start_date=start,
            end_date=last,
            test_type=test_type,
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
    as_json: JsonFlag = False,
) -> None:
    """Allocations by start date, filtered by vehicle, tag, VIN, status or dates."""

    async def work(session: AsyncSession) -> tuple[list[AllocationRead], int]:
        filters = AllocationFilter(
            status=status,
            vehicle_id=vehicle,
            vin=normalize_vin(vin) if vin else None,
            tag=normalize_tag(tag) if tag else None,
            start_date=start,
            end_date=end,
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


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Reports")(availability)
    app.command("allocations", rich_help_panel="Reports")(list_allocations)
    app.command(rich_help_panel="Reports")(conflicts)
    app.command(rich_help_panel="Reports")(utilization)
