"""`dyno approvals`: the approval queue (list, approve, reject) and which dynos need approval."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, cast

import typer

from dyno_agent.cli.output import JsonFlag, print_json
from dyno_agent.cli.runtime import transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.approvals.schemas import ApprovalRead
    from dyno_agent.auth.actor import Actor
    from dyno_agent.scheduling.schemas.dynos import DynoRead

app = typer.Typer(help="Bookings waiting for a power user's approval.", no_args_is_help=True)
AllocationId = Annotated[int, typer.Argument(metavar="ID", help="The requested booking's id.")]


class State(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    all = "all"


def request_line(r: ApprovalRead) -> str:
    vehicle = r.vehicle.tag or r.vehicle.vin or r.vehicle.placeholder_key or f"#{r.vehicle.id}"
    who = r.requested_by.name if r.requested_by else "-"
    line = (
        f"#{r.allocation_id:<5} {r.state:<9} {vehicle:<18} {r.dyno.name if r.dyno else '-':<10} "
        f"{r.test_type:<18} {r.start_date} to {r.end_date}  by {who} "
        f"on {r.requested_at:%Y-%m-%d}"
    )
    if r.decided_by is not None:
        line += f"; {r.state} by {r.decided_by.name}"
    if r.reason:
        line += f": {r.reason}"
    return line


@app.command("list")
def list_requests(
    state: Annotated[State, typer.Option(help="Which requests.")] = State.pending,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Requested bookings, oldest first (a user sees only their own)."""
    from dyno_agent.approvals import service
    from dyno_agent.approvals.schemas import ApprovalRead

    async def work(session: AsyncSession, actor: Actor) -> tuple[list[ApprovalRead], int]:
        wanted = cast(service.State, state.value)
        rows, total = await service.list_requests(session, actor, state=wanted, limit=limit)
        return [ApprovalRead.of(r) for r in rows], total

    rows, total = transact_as(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(request_line(row))
    typer.echo(f"{total} request(s)" + (" waiting." if state == "pending" else "."))


@app.command()
def approve(allocation_id: AllocationId, as_json: JsonFlag = False) -> None:
    """Approve a requested booking: it becomes scheduled (power users)."""
    from dyno_agent.approvals import service
    from dyno_agent.approvals.schemas import ApprovalRead

    async def work(session: AsyncSession, actor: Actor) -> ApprovalRead:
        return ApprovalRead.of(await service.approve(session, actor, allocation_id))

    _show(transact_as(work), as_json)


@app.command()
def reject(
    allocation_id: AllocationId,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (required).")],
    as_json: JsonFlag = False,
) -> None:
    """Reject a requested booking with a reason: it is cancelled and its days are free again."""
    from dyno_agent.approvals import service
    from dyno_agent.approvals.schemas import ApprovalRead

    async def work(session: AsyncSession, actor: Actor) -> ApprovalRead:
        return ApprovalRead.of(await service.reject(session, actor, allocation_id, reason))

    _show(transact_as(work), as_json)


@app.command("dyno")
def needs_approval(
    dyno: Annotated[str, typer.Argument(metavar="DYNO", help="Dyno id or name.")],
    on: Annotated[
        bool | None,
        typer.Option("--on/--off", help="Users' bookings on it need approval, or no longer."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Show whether a dyno needs approval, or set it with --on / --off (power users)."""
    from dyno_agent.approvals import policy
    from dyno_agent.scheduling import dynos
    from dyno_agent.scheduling.schemas.dynos import DynoRead, DynoUpdate

    async def work(session: AsyncSession, actor: Actor) -> DynoRead:
        found = await dynos.resolve_dyno(session, dyno)
        if on is None:
            return DynoRead.model_validate(found)
        policy.ensure_can_decide(actor)  # editing dynos is a power user's job, as in the API
        data = DynoUpdate.model_validate({"needs_approval": on})
        return DynoRead.model_validate(await dynos.update_dyno(session, actor, found.id, data))

    result = transact_as(work)
    if as_json:
        print_json(result)
        return
    needed = "needs approval" if result.needs_approval else "does not need approval"
    typer.echo(f"{result.name} {needed}.")


def _show(result: ApprovalRead, as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        typer.echo(request_line(result))
