"""`dyno maintenance`: list and add maintenance windows; `--move-bookings` previews moving the
bookings in the way to their best free slots, asks, then does it all in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import (
    EndDate,
    JsonFlag,
    OptionalStart,
    StartDate,
    date_option,
    print_json,
)
from dyno_agent.cli.runtime import transact, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.scheduling.schemas.maintenance import (
        BookingMoveRead,
        MaintenanceCreate,
        MaintenanceMovesRead,
        MaintenanceRead,
    )

app = typer.Typer(help="Maintenance windows: days a dyno cannot be booked.", no_args_is_help=True)

DynoRef = Annotated[str, typer.Argument(help="Dyno name (e.g. 'MPG 3') or id.")]


def _line(w: MaintenanceRead, dyno_name: str) -> str:
    return f"#{w.id:<5} {dyno_name:<8} {w.start_date} to {w.end_date}  {w.reason or ''}".rstrip()


def _move_line(m: BookingMoveRead) -> str:
    return (
        f"  #{m.allocation_id:<5} {m.vehicle} ({m.test_type}): {m.from_dyno} {m.from_start} to "
        f"{m.from_end} -> {m.to_dyno} {m.to_start} to {m.to_end}"
    )


@app.command("list")
def list_windows(
    dyno: Annotated[str | None, typer.Option(help="Only this dyno (name or id).")] = None,
    start: OptionalStart = None,
    end: EndDate = None,
    as_json: JsonFlag = False,
) -> None:
    """Maintenance windows touching the given days, by start."""
    from dyno_agent.scheduling import dynos, maintenance
    from dyno_agent.scheduling.schemas.maintenance import MaintenanceRead

    async def work(session: AsyncSession) -> list[tuple[MaintenanceRead, str]]:
        dyno_id = (await dynos.resolve_dyno(session, dyno)).id if dyno else None
        rows = await maintenance.list_maintenance(
            session, dyno_id=dyno_id, start_date=start, end_date=end
        )
        names = {d.id: d.name for d in await dynos.list_dynos(session)}
        return [(MaintenanceRead.model_validate(w), names.get(w.dyno_id, "?")) for w in rows]

    rows = transact(work)
    if as_json:
        print_json([w for w, _ in rows])
        return
    for window, name in rows:
        typer.echo(_line(window, name))
    typer.echo(f"{len(rows)} window(s).")


@app.command("add")
def add(
    dyno: DynoRef,
    start: StartDate,
    end: Annotated[dt.date, date_option("Last day (inclusive).")],
    reason: Annotated[str | None, typer.Option(help="Why, e.g. 'roller service'.")] = None,
    move_bookings: Annotated[
        bool,
        typer.Option(
            "--move-bookings",
            help="Move the bookings on these days to their best free slots: shows where each "
            "goes, asks, then moves them and adds the window in one step (or does nothing).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (with --move-bookings).")] = (
        False
    ),
    as_json: JsonFlag = False,
) -> None:
    """Block days of a dyno for maintenance; refused if it is booked then (see --move-bookings)."""
    from dyno_agent.errors import MaintenanceConflict
    from dyno_agent.scheduling import dynos, maintenance
    from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate, MaintenanceRead

    data = MaintenanceCreate(start_date=start, end_date=end, reason=reason)
    if move_bookings:
        _add_moving(dyno, data, yes, as_json)
        return

    async def work(session: AsyncSession) -> tuple[MaintenanceRead, str]:
        target = await dynos.resolve_dyno(session, dyno)
        try:
            window = await maintenance.add_maintenance(session, target.id, data)
        except MaintenanceConflict as exc:
            raise MaintenanceConflict(
                f"{exc.message} Add --move-bookings to see where they would go.", **exc.details
            ) from None
        return MaintenanceRead.model_validate(window), target.name

    window, name = transact(work)
    if as_json:
        print_json(window)
    else:
        typer.echo(_line(window, name))


def _add_moving(dyno: str, data: MaintenanceCreate, yes: bool, as_json: bool) -> None:
    from dyno_agent.scheduling import dynos, maintenance_moves
    from dyno_agent.scheduling.schemas.maintenance import (
        BookingMoveRead,
        MaintenanceMovesRead,
        MaintenanceRead,
    )

    def run(apply: bool, expect: list[BookingMoveRead] | None = None) -> MaintenanceMovesRead:
        async def work(session: AsyncSession, actor: Actor) -> MaintenanceMovesRead:
            target = await dynos.resolve_dyno(session, dyno)
            expected = [maintenance_moves.BookingMove(**m.model_dump()) for m in expect or []]
            result = await maintenance_moves.add_maintenance_moving_bookings(
                session, actor, target.id, data, apply=apply, expect=expected if apply else None
            )
            return MaintenanceMovesRead(
                dyno_id=target.id,
                dyno=target.name,
                start_date=result.start_date,
                end_date=result.end_date,
                reason=result.reason,
                applied=result.applied,
                maintenance=MaintenanceRead.model_validate(result.window)
                if result.window
                else None,
                moves=[BookingMoveRead.model_validate(m) for m in result.moves],
            )

        return transact_as(work)

    preview = run(apply=False)
    if preview.moves and not as_json:
        typer.echo(f"To free {preview.dyno} from {preview.start_date} to {preview.end_date}:")
        for move in preview.moves:
            typer.echo(_move_line(move))
        if not yes:
            typer.confirm(f"Move {len(preview.moves)} booking(s) and add the window?", abort=True)
    elif preview.moves and not yes:
        typer.echo("error: --json with --move-bookings needs --yes.", err=True)
        raise typer.Exit(2)
    done = run(apply=True, expect=preview.moves)
    if as_json:
        print_json(done)
        return
    assert done.maintenance is not None
    typer.echo(_line(done.maintenance, done.dyno))
    typer.echo(f"Moved {len(done.moves)} booking(s).")
