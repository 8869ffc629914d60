"""Waitlist: join the line when nothing is free, see my entries and offers, accept or decline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from dyno_agent.deps import ActorDep, PowerUser, SessionDep
from dyno_agent.waitlist import service
from dyno_agent.waitlist.schemas import WaitlistEntryRead, WaitlistJoin

router = APIRouter(prefix="/waitlist", tags=["waitlist"])


class SweepRead(BaseModel):
    released: int
    expired: int
    offered: list[int]


@router.post("", response_model=WaitlistEntryRead, status_code=status.HTTP_201_CREATED)
async def join(session: SessionDep, actor: ActorDep, body: WaitlistJoin) -> WaitlistEntryRead:
    """Join the waitlist; a slot that is free already is offered (held) at once."""
    entry = await service.join(session, actor, **body.model_dump())
    return WaitlistEntryRead.model_validate(entry)


@router.get("", response_model=list[WaitlistEntryRead])
async def list_entries(
    session: SessionDep,
    actor: ActorDep,
    everyone: Annotated[
        bool, Query(alias="all", description="Everyone's entries (power users).")
    ] = False,
    closed: Annotated[bool, Query(description="Also booked, expired and withdrawn.")] = False,
) -> list[WaitlistEntryRead]:
    """My waiting entries and offers in line order (everyone's for power users with `all`)."""
    entries = await service.list_entries(session, actor, everyone=everyone, open_only=not closed)
    return [WaitlistEntryRead.model_validate(e) for e in entries]


@router.get("/{entry_id}", response_model=WaitlistEntryRead)
async def get_entry(session: SessionDep, actor: ActorDep, entry_id: int) -> WaitlistEntryRead:
    """One entry with its offer."""
    return WaitlistEntryRead.model_validate(await service.get_entry(session, actor, entry_id))


@router.post("/{entry_id}/accept", response_model=WaitlistEntryRead)
async def accept(session: SessionDep, actor: ActorDep, entry_id: int) -> WaitlistEntryRead:
    """Book the offered slot (409 `hold_expired` after the hold's deadline)."""
    return WaitlistEntryRead.model_validate(await service.accept(session, actor, entry_id))


@router.post("/{entry_id}/decline", response_model=WaitlistEntryRead)
async def decline(session: SessionDep, actor: ActorDep, entry_id: int) -> WaitlistEntryRead:
    """Turn the offer down; the slot goes to the next in line."""
    return WaitlistEntryRead.model_validate(await service.decline(session, actor, entry_id))


@router.post("/{entry_id}/withdraw", response_model=WaitlistEntryRead)
async def withdraw(session: SessionDep, actor: ActorDep, entry_id: int) -> WaitlistEntryRead:
    """Leave the waitlist (an offer still held is released to the next in line)."""
    return WaitlistEntryRead.model_validate(await service.withdraw(session, actor, entry_id))


@router.post("/sweep", response_model=SweepRead)
async def sweep(session: SessionDep, _: PowerUser) -> SweepRead:
    """Release expired holds and offer freed days now (the server also does it periodically)."""
    swept = await service.sweep(session)
    return SweepRead(
        released=swept.released, expired=swept.expired, offered=[e.id for e in swept.offered]
    )
