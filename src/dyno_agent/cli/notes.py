"""`dyno note ID`: set, add to or clear a booking's note and reference (channel `cli`).

Searching them is `dyno allocations --search TEXT`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.booking import NOTE_FLAGS, AllocationId, Note, Ref
from dyno_agent.cli.output import JsonFlag, allocation_line, print_json
from dyno_agent.cli.runtime import EXIT_INVALID, fail, transact_as, use_flags

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.scheduling.schemas.allocations import AllocationRead


def note(
    allocation_id: AllocationId,
    text: Note = None,
    ref: Ref = None,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add the note below the current one; set --ref only where there is none.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Set a booking's note and/or reference (an empty value, --note "", clears it)."""
    from dyno_agent.scheduling import notes
    from dyno_agent.scheduling.schemas.allocations import AllocationNotesUpdate, AllocationRead

    use_flags(NOTE_FLAGS)
    if text is None and ref is None:
        fail("give --note TEXT, --ref ID or both.", code=EXIT_INVALID)
    given = {"notes": text, "reference": ref}

    async def work(session: AsyncSession, actor: Actor) -> AllocationRead:
        body = AllocationNotesUpdate(
            **{k: v for k, v in given.items() if v is not None}, append=append
        )
        changed = await notes.set_notes(
            session, actor, allocation_id, body.changes(), append=body.append
        )
        return AllocationRead.model_validate(changed)

    result = transact_as(work)
    if as_json:
        print_json(result)
        return
    typer.echo(allocation_line(result))
    if result.notes:
        typer.echo(f"note: {result.notes}")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Booking")(note)
