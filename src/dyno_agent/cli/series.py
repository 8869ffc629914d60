"""`dyno series ...`: recurring bookings from the command line (book, show, cancel, move)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import JsonFlag, OptionalStart, allocation_line, date_option, print_json
from dyno_agent.cli.runtime import transact, transact_as, use_flags

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.series.schemas import SeriesBookingRead, SeriesChangeRead, SeriesDetails

app = typer.Typer(help="Recurring bookings: a test repeated by a pattern.", no_args_is_help=True)

SeriesId = Annotated[int, typer.Argument(help="Series id.")]
Occurrence = Annotated[
    int | None, typer.Option("--occurrence", help="Only this occurrence (allocation id).")
]
FromDate = Annotated[dt.date | None, date_option("Only occurrences starting on or after it.")]


def _print_booking(result: SeriesBookingRead) -> None:
    if result.series is not None:
        typer.echo(f"Series #{result.series.id}: {result.pattern}")
    for o in result.occurrences:
        where = (
            f"{o.dyno_name:<8} {o.start_date} to {o.end_date}"
            + (f" (shifted {o.shift_days} d)" if o.shift_days else "")
            if o.problem is None
            else f"not booked: {o.problem.message}"
        )
        typer.echo(f"  {o.index:>2}. {o.requested_start}  {where}")
    typer.echo(result.message)


def _print_change(change: SeriesChangeRead) -> None:
    for c in change.changed:
        moved = f" -> {c.new_dyno_name} {c.new_start_date} to {c.new_end_date}"
        typer.echo(
            f"  #{c.allocation_id:<5} {c.dyno_name or '':<8} {c.start_date} to {c.end_date}"
            + (moved if c.new_start_date else f"  {c.status}")
        )
    typer.echo(change.message)


@app.command("book")
def book(
    test_type: Annotated[str, typer.Option("--test-type", "-t", help="e.g. 'brake'.")],
    repeat: Annotated[
        str,
        typer.Option(
            "--repeat",
            help="When: 'every monday for 6 weeks', 'every 2 weeks 5 times', 'first week of "
            "each month until 2026-12-31'.",
        ),
    ],
    vehicle: Annotated[int | None, typer.Option("--vehicle", help="Vehicle id.")] = None,
    vin: Annotated[str | None, typer.Option("--vin", help="Vehicle VIN (any case).")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Vehicle tag (any case).")] = None,
    start: OptionalStart = None,
    days: Annotated[int | None, typer.Option("--days", help="Days of each occurrence.")] = None,
    backup: Annotated[
        bool, typer.Option(help="Let each occurrence start up to --max-shift days later.")
    ] = False,
    max_shift: Annotated[int, typer.Option(help="Days an occurrence may shift.")] = 2,
    dyno: Annotated[str | None, typer.Option(help="Book every occurrence on this dyno.")] = None,
    preview: Annotated[bool, typer.Option(help="Only show what would be booked.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Book a vehicle's test on every date of a pattern: all of them or none (or, with
    --backup, each shifted if needed and skipped if it still does not fit)."""
    from dyno_agent.series import service, views
    from dyno_agent.series.models import SeriesMode
    from dyno_agent.series.schemas import SeriesCreate

    async def work(session: AsyncSession, actor: Actor) -> SeriesBookingRead:
        body = SeriesCreate(
            vehicle_id=vehicle,
            vin=vin,
            tag=tag,
            test_type=test_type,
            pattern=repeat,
            start_date=start,
            days_to_complete=days,
            mode=SeriesMode.backup if backup else SeriesMode.all_or_nothing,
            max_shift_days=max_shift,
            dyno=dyno,
        )
        return views.booking_read(await service.book_series(session, actor, body, preview=preview))

    use_flags({"pattern": "--repeat", "max_shift_days": "--max-shift"})
    result = transact_as(work)
    if as_json:
        print_json(result)
    else:
        _print_booking(result)


@app.command("show")
def show(
    series: Annotated[int | None, typer.Argument(help="Series id (none: the recent ones).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A series with its occurrences, or the 50 most recent series."""
    from dyno_agent.series import service, views
    from dyno_agent.series.schemas import SeriesRead

    if series is None:

        async def recent(session: AsyncSession) -> list[SeriesRead]:
            return [SeriesRead.model_validate(s) for s in await service.list_series(session)]

        found = transact(recent)
        if as_json:
            print_json(found)
            return
        for s in found:
            typer.echo(
                f"#{s.id:<5} vehicle {s.vehicle_id:<5} {s.test_type:<16} {s.pattern}  "
                f"{s.status.value}"
            )
        return

    async def one(session: AsyncSession) -> SeriesDetails:
        return await views.details_read(session, await service.get_series(session, series))

    details = transact(one)
    if as_json:
        print_json(details)
        return
    typer.echo(
        f"Series #{details.id}: {details.test_type} for vehicle {details.vehicle_id}, "
        f"{details.pattern}, {details.days} d each, {details.mode.value}, {details.status.value}"
    )
    for allocation in details.occurrences:
        typer.echo("  " + allocation_line(allocation))


@app.command("cancel")
def cancel(
    series: SeriesId,
    occurrence: Occurrence = None,
    from_date: FromDate = None,
    as_json: JsonFlag = False,
) -> None:
    """Cancel the series' open occurrences from today on (running and past ones stay), or one."""
    from dyno_agent.series import service, views

    async def work(session: AsyncSession, actor: Actor) -> SeriesChangeRead:
        change = await service.cancel_series(
            session, actor, series, allocation_id=occurrence, from_date=from_date
        )
        return views.change_read(change)

    change = transact_as(work)
    if as_json:
        print_json(change)
    else:
        _print_change(change)


@app.command("move")
def move(
    series: SeriesId,
    shift: Annotated[int, typer.Option("--shift", help="Days later (negative: earlier).")],
    occurrence: Occurrence = None,
    from_date: FromDate = None,
    preview: Annotated[bool, typer.Option(help="Only show where each would go.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Move the series' open occurrences from today on (or one) by --shift days: all or none."""
    from dyno_agent.series import service, views

    async def work(session: AsyncSession, actor: Actor) -> SeriesChangeRead:
        change = await service.move_series(
            session,
            actor,
            series,
            shift,
            allocation_id=occurrence,
            from_date=from_date,
            preview=preview,
        )
        return views.change_read(change)

    change = transact_as(work)
    if as_json:
        print_json(change)
    else:
        _print_change(change)
