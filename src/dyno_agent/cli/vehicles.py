"""`dyno vehicles`: list the lab's vehicles by tag, and give a placeholder its real tag."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import JsonFlag, print_json
from dyno_agent.cli.runtime import transact, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.scheduling.schemas.vehicles import VehicleRead

app = typer.Typer(help="Test vehicles, identified by their tag.", no_args_is_help=True)


def vehicle_line(v: VehicleRead) -> str:
    name = v.tag or f"({v.placeholder_key})"
    facts = " ".join(str(x) for x in (v.model_year, v.program) if x)
    return (
        f"#{v.id:<5} {name:<24} {v.vin or '-':<17}  {v.drive_type} {v.weight_class}  {facts}"
    ).rstrip()


@app.command("list")
def list_vehicles(
    tag: Annotated[str | None, typer.Option(help="Exact tag (any case).")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Tag, VIN, program, build, team...")
    ] = None,
    placeholder: Annotated[
        bool | None,
        typer.Option("--placeholder/--tagged", help="Only placeholders, or only tagged vehicles."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Vehicles by id: tag (a placeholder shows its key), VIN, drive, class, model year, program."""
    from dyno_agent.scheduling import vehicles
    from dyno_agent.scheduling.schemas.vehicles import VehicleRead
    from dyno_agent.scheduling.vocab import normalize_tag

    async def work(session: AsyncSession) -> tuple[list[VehicleRead], int]:
        rows, total = await vehicles.list_vehicles(
            session,
            q=search,
            tag=normalize_tag(tag) if tag else None,
            placeholder=placeholder,
            limit=limit,
        )
        return [VehicleRead.model_validate(v) for v in rows], total

    rows, total = transact(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(vehicle_line(row))
    typer.echo(f"{len(rows)} of {total} vehicle(s).")


@app.command("assign-tag")
def assign_tag(
    vehicle_id: Annotated[int, typer.Argument(help="The placeholder vehicle's id.")],
    tag: Annotated[str, typer.Argument(help="Its real tag.")],
    as_json: JsonFlag = False,
) -> None:
    """Give a vehicle (a placeholder, say) its tag; it keeps its id, requests and bookings."""
    from dyno_agent.scheduling import vehicles
    from dyno_agent.scheduling.schemas.vehicles import VehicleRead, VehicleUpdate

    async def work(session: AsyncSession, actor: Actor) -> VehicleRead:
        updated = await vehicles.update_vehicle(
            session, actor, vehicle_id, VehicleUpdate.model_validate({"tag": tag})
        )
        return VehicleRead.model_validate(updated)

    result = transact_as(work)
    if as_json:
        print_json(result)
    else:
        typer.echo(vehicle_line(result))
