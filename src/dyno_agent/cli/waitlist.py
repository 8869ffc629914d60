"""`dyno waitlist ...`: wait for a slot when nothing is free, and answer the offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import EndDate, JsonFlag, StartDate, print_json, vehicle_text
from dyno_agent.cli.runtime import transact, transact_as, use_flags

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.waitlist.schemas import WaitlistEntryRead

app = typer.Typer(help="Waitlist: wait for a slot, then accept or decline the offer.")

EntryId = Annotated[int, typer.Argument(help="Waitlist entry id.")]


def entry_line(e: WaitlistEntryRead) -> str:
    line = (
        f"#{e.id:<5} {vehicle_text(e.vehicle)}  {e.test_type:<20} {e.days} d between "
        f"{e.earliest_start} and {e.latest_end}  {e.status.value}"
    )
    offer = e.offer
    if offer is not None and e.status.value in ("offered", "booked"):
        dyno = offer.dyno.name if offer.dyno else "?"
        line += (
            f"\n       offer: {dyno} {offer.start_date} to {offer.end_date} ({offer.status.value})"
        )
        if offer.hold_expires_at is not None and offer.status.value == "held":
            deadline = offer.hold_expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
            line += f", accept by {deadline}: `dyno waitlist accept {e.id}`"
    return line


def _show(entries: list[WaitlistEntryRead], as_json: bool) -> None:
    if as_json:
        print_json(entries)
        return
    for entry in entries:
        typer.echo(entry_line(entry))
    if not entries:
        typer.echo("No waitlist entries.")


@app.command()
def join(
    test_type: Annotated[str, typer.Option("--test-type", "-t", help="e.g. 'brake'.")],
    start: StartDate,
    days: Annotated[int, typer.Option("--days", help="Length in whole days.")],
    end: EndDate = None,
    vehicle: Annotated[int | None, typer.Option("--vehicle", help="Vehicle id.")] = None,
    vin: Annotated[str | None, typer.Option("--vin", help="Vehicle VIN.")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Vehicle tag.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Wait for --days days on a compatible dyno between --start and --end (default: exactly
    those days); a slot free already is offered at once."""
    from dyno_agent.waitlist import service
    from dyno_agent.waitlist.schemas import WaitlistEntryRead, WaitlistJoin

    use_flags({"latest_end": "--end"})

    async def work(session: AsyncSession, actor: Actor) -> WaitlistEntryRead:
        body = WaitlistJoin(
            vehicle_id=vehicle,
            vin=vin,
            tag=tag,
            test_type=test_type,
            start_date=start,
            days_to_complete=days,
            latest_end=end,
        )
        return WaitlistEntryRead.model_validate(
            await service.join(session, actor, **body.model_dump())
        )

    _show([transact_as(work)], as_json)


@app.command("list")
def list_entries(
    everyone: Annotated[bool, typer.Option("--all", help="Everyone's (power users).")] = False,
    closed: Annotated[bool, typer.Option(help="Also booked, expired and withdrawn.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """My waiting entries and offers, in line order (the operator sees everyone's)."""
    from dyno_agent.waitlist import service
    from dyno_agent.waitlist.schemas import WaitlistEntryRead

    async def work(session: AsyncSession, actor: Actor) -> list[WaitlistEntryRead]:
        entries = await service.list_entries(
            session, actor, everyone=everyone or actor.user_id is None, open_only=not closed
        )
        return [WaitlistEntryRead.model_validate(e) for e in entries]

    _show(transact_as(work), as_json)


def _act(action: str, entry_id: int, as_json: bool) -> None:
    from dyno_agent.waitlist import service
    from dyno_agent.waitlist.schemas import WaitlistEntryRead

    async def work(session: AsyncSession, actor: Actor) -> WaitlistEntryRead:
        entry = await getattr(service, action)(session, actor, entry_id)
        return WaitlistEntryRead.model_validate(entry)

    _show([transact_as(work)], as_json)


@app.command()
def accept(entry_id: EntryId, as_json: JsonFlag = False) -> None:
    """Book the slot offered to this entry, before its hold runs out."""
    _act("accept", entry_id, as_json)


@app.command()
def decline(entry_id: EntryId, as_json: JsonFlag = False) -> None:
    """Turn the offer down; the slot goes to the next in line."""
    _act("decline", entry_id, as_json)


@app.command()
def withdraw(entry_id: EntryId, as_json: JsonFlag = False) -> None:
    """Leave the waitlist (an offer still held goes to the next in line)."""
    _act("withdraw", entry_id, as_json)


@app.command()
def sweep() -> None:
    """Release expired holds and offer freed days now (e.g. from cron; the server also sweeps
    every DYNO_WAITLIST_SWEEP_S seconds)."""
    from dyno_agent.waitlist import service

    async def work(session: AsyncSession) -> tuple[int, int, list[int]]:
        swept = await service.sweep(session)
        return swept.released, swept.expired, [e.id for e in swept.offered]

    released, expired, offered = transact(work)
    typer.echo(
        f"{released} hold(s) released, {expired} entry(ies) expired, "
        f"{len(offered)} offer(s) made"
        + (f": entries {', '.join(map(str, offered))}." if offered else ".")
    )
