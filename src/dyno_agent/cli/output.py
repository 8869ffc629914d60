"""How commands print: one line per allocation for people, `--json` for scripts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dyno_agent.cli.runtime import parse_date

if TYPE_CHECKING:
    from pydantic import BaseModel

    from dyno_agent.scheduling.schemas.allocations import AllocationRead, VehicleBrief

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def date_option(help_text: str) -> Any:
    return typer.Option(parser=parse_date, metavar="YYYY-MM-DD", help=help_text)


StartDate = Annotated[dt.date, date_option("First day (inclusive).")]
OptionalStart = Annotated[dt.date | None, date_option("First day (inclusive).")]
EndDate = Annotated[dt.date | None, date_option("Last day (inclusive).")]


def print_json(value: BaseModel | Sequence[BaseModel]) -> None:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        typer.echo(value.model_dump_json(indent=2))
    else:
        typer.echo(json.dumps([item.model_dump(mode="json") for item in value], indent=2))


def allocation_line(a: AllocationRead) -> str:
    dyno = a.dyno.name if a.dyno else "(unplaced)"
    line = (
        f"#{a.id:<5} {dyno:<8} {vehicle_text(a.vehicle)}  {a.test_type:<20} "
        f"{a.start_date} to {a.end_date} ({a.days} d)  {a.status.value}"
    )
    return line + annotation_text(a)


def annotation_text(a: AllocationRead, width: int = 60) -> str:
    """`  [WO-4471] waiting for tyres` (the note's first line, shortened), or nothing."""
    text = f"  [{a.reference}]" if a.reference else ""
    if a.notes:
        first = a.notes.splitlines()[0]
        more = len(first) > width or "\n" in a.notes
        text += f"  {first[:width]}{'...' if more else ''}"
    return text


def vehicle_text(v: VehicleBrief) -> str:
    """Its tag (or placeholder key), then its VIN when it has one that differs."""
    name = v.tag or v.placeholder_key or f"#{v.id}"
    return f"{name} {v.vin}" if v.vin and v.vin != name else name
