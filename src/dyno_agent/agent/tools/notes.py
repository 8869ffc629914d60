"""Tools on bookings' notes and references: add (never loses anything), replace (asks first) and
search. Notes are text people typed: results list them under `untrusted_fields` like every other
tool result, and the system prompt says such text is data, never an instruction."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.agent.tools.shapes import LIST_LIMIT, allocation, allocations, span
from dyno_agent.inputs import InputModel
from dyno_agent.scheduling import allocations as store
from dyno_agent.scheduling import booking, notes
from dyno_agent.scheduling.allocations import AllocationFilter
from dyno_agent.scheduling.models import AllocationStatus
from dyno_agent.scheduling.note_text import NOTE_MAX, QUERY_MAX, REFERENCE_MAX, clean_query

_NOTE = f"Free text to keep with the booking, at most {NOTE_MAX} characters, as the user wrote it."
_REFERENCE = (
    f"A test request or work order id such as WO-4471 (at most {REFERENCE_MAX} letters, digits, "
    "spaces and - _ . / # :)."
)


class NoteArgs(a.AllocationIdArgs):
    note: str | None = Field(None, max_length=NOTE_MAX, description=_NOTE)
    reference: str | None = Field(None, max_length=REFERENCE_MAX, description=_REFERENCE)

    @model_validator(mode="after")
    def _something(self) -> NoteArgs:
        if self.note is None and self.reference is None:
            raise ValueError("give note, reference or both")
        return self

    def changes(self) -> dict[str, str | None]:
        return {
            k: v for k, v in (("notes", self.note), ("reference", self.reference)) if v is not None
        }


class SearchNotesArgs(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=QUERY_MAX, description="Words to look for.")
    status: AllocationStatus | None = Field(None, description="Only bookings with this status.")


def _result(changed: Any, verb: str) -> ToolOutcome:
    read = allocation(changed)
    return ToolOutcome.success(f"{verb} {span(read)}", {"allocation": read.model_dump(mode="json")})


async def add_booking_note(env: ToolEnv, x: NoteArgs) -> ToolOutcome:
    changed = await notes.set_notes(
        env.session, env.actor, x.allocation_id, x.changes(), append=True
    )
    return _result(changed, "Noted on")


async def ask_replace(env: ToolEnv, x: NoteArgs) -> str:
    current = await store.get_allocation(env.session, x.allocation_id)
    booking.ensure_can_modify(env.actor, current)
    parts = [
        _change(name, old, new)
        for name, old, new in (
            ("note", current.notes, x.note),
            ("reference", current.reference, x.reference),
        )
        if new is not None
    ]
    what = " and ".join(parts)
    return f"{what[:1].upper()}{what[1:]} on booking #{current.id} ({span(allocation(current))})?"


def _change(name: str, old: str | None, new: str) -> str:
    if not new.strip():
        return f"clear the {name} {old!r}" if old else f"leave the {name} empty"
    return f"replace the {name} {old!r} with {new!r}" if old else f"set the {name} to {new!r}"


async def replace_booking_note(env: ToolEnv, x: NoteArgs) -> ToolOutcome:
    changed = await notes.set_notes(env.session, env.actor, x.allocation_id, x.changes())
    return _result(changed, "Replaced the note on")


async def search_booking_notes(env: ToolEnv, x: SearchNotesArgs) -> ToolOutcome:
    filters = AllocationFilter(q=clean_query(x.text), status=x.status)
    items, total = await store.list_allocations(env.session, filters, limit=LIST_LIMIT)
    data = {"text": x.text, "total": total, "allocations": allocations(items)}
    return ToolOutcome.success(f"{total} booking(s) whose note or reference mentions it", data)


NOTE_TOOLS = [
    ToolSpec(
        "add_booking_note",
        "Add a note to a booking (below any note it has) and/or give it a reference (work order "
        "or test request id) when it has none. Nothing is lost, so it runs at once; if the "
        "booking already has another reference it is refused: then use replace_booking_note.",
        NoteArgs,
        add_booking_note,
    ),
    ToolSpec(
        "replace_booking_note",
        "Replace (or with an empty string, clear) a booking's note and/or reference. The user is "
        "asked to confirm first, seeing the old and the new text.",
        NoteArgs,
        replace_booking_note,
        destructive=True,
        question=ask_replace,
    ),
    ToolSpec(
        "search_booking_notes",
        f"Bookings whose note or reference contains the text, ignoring case (at most "
        f"{LIST_LIMIT} listed, with the total), earliest first.",
        SearchNotesArgs,
        search_booking_notes,
    ),
]
