"""`dyno export schedule`: the schedule as the lab's forecast workbook (.xlsx) or as CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dyno_agent.cli.runtime import EXIT_INVALID, fail, parse_date, transact, use_flags

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.forecast.export import Cells

app = typer.Typer(help="Export the schedule to files.", no_args_is_help=True)


def _day_option(name: str, help_text: str) -> Any:
    return typer.Option(name, parser=parse_date, metavar="YYYY-MM-DD", help=help_text)


@app.command()
def schedule(
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="FILE", dir_okay=False, help="Write a workbook here."),
    ] = None,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", metavar="FILE", dir_okay=False, help="Write CSV here."),
    ] = None,
    start: Annotated[
        dt.date | None, _day_option("--from", "Only rows whose days end on or after this day.")
    ] = None,
    end: Annotated[
        dt.date | None, _day_option("--to", "Only rows whose days start on or before this day.")
    ] = None,
    facility: Annotated[
        str | None, typer.Option(help="Only rows in this TEST FACILITY (any case).")
    ] = None,
    plan: Annotated[
        int | None,
        typer.Option(min=1, metavar="ID", help="Write this plan's assignments as if booked."),
    ] = None,
) -> None:
    """Every test request and booking in the forecast sheet's columns (the workbook also has one
    sheet per facility)."""
    from dyno_agent.forecast import writer
    from dyno_agent.forecast.export import ExportFilter, plan_bookings, schedule_rows

    if (xlsx is None) == (csv is None):
        fail("give either --xlsx FILE or --csv FILE.", code=EXIT_INVALID)
    use_flags({"start_date": "--from", "end_date": "--to"})

    async def work(session: AsyncSession) -> list[Cells]:
        planned = await plan_bookings(session, plan) if plan is not None else None
        return await schedule_rows(session, ExportFilter(start, end, facility), planned)

    rows = transact(work)
    if xlsx is not None:
        path, content = xlsx, writer.to_xlsx(rows)
    elif csv is not None:
        path, content = csv, writer.to_csv(rows).encode()
    try:
        path.write_bytes(content)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}.")
    typer.echo(f"Wrote {len(rows)} row(s) to {path}.")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="export")
