"""Notes and external references on bookings: who may change them.

What they may hold, and the search condition, are in `note_text`. Both are data people typed:
the agent shows them, never obeys them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.errors import InvalidInput, NoteOverwrite
from dyno_agent.scheduling import audit
from dyno_agent.scheduling.allocations import get_allocation
from dyno_agent.scheduling.booking import ensure_can_modify
from dyno_agent.scheduling.models import Allocation
from dyno_agent.scheduling.note_text import FIELDS, clean_note, clean_reference


async def set_notes(
    session: AsyncSession,
    actor: Actor,
    allocation_id: int,
    changes: Mapping[str, str | None],
    *,
    append: bool = False,
) -> Allocation:
    """Set the note and/or reference named in `changes` (None or "" clears one). With `append`,
    a note is added below the current one and a reference is only set where there is none (the
    same one again is fine); replacing another reference then raises `NoteOverwrite`."""
    unknown = set(changes) - set(FIELDS)
    if unknown or not changes:
        raise InvalidInput("Give a note, a reference or both.", field="notes")
    notes = clean_note(changes["notes"]) if "notes" in changes else None
    reference = clean_reference(changes["reference"]) if "reference" in changes else None
    allocation = await get_allocation(session, allocation_id, for_update=True)
    ensure_can_modify(actor, allocation)
    await audit.stamp(session, actor)  # before any change: a query autoflushes pending ones
    if "notes" in changes:
        if append and notes and allocation.notes:
            notes = clean_note(f"{allocation.notes}\n{notes}")
        if not (append and notes is None):
            allocation.notes = notes
    if "reference" in changes:
        current = allocation.reference
        if append and current and reference and current.casefold() != reference.casefold():
            raise NoteOverwrite(
                f"Booking {allocation_id} already has the reference {current!r}; replacing it "
                f"with {reference!r} must be asked for explicitly.",
                allocation_id=allocation_id,
                reference=current,
            )
        if not append or current is None:
            allocation.reference = reference
    await session.flush()
    return allocation
