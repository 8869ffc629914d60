"""Routes for dynos and their compatibility rules: anyone signed in reads, power_user writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status

from dyno_agent.deps import CurrentUser, ForceParam, PowerUser, SessionDep, actor_for
from dyno_agent.scheduling import dynos
from dyno_agent.scheduling.schemas.dynos import (
    DynoCreate,
    DynoRead,
    DynoUpdate,
    RuleIn,
    RuleRead,
)

router = APIRouter(prefix="/dynos", tags=["dynos"])


@router.get("", response_model=list[DynoRead])
async def list_dynos(
    session: SessionDep,
    _: CurrentUser,
    include_disabled: bool = True,
    facility: Annotated[str | None, Query(max_length=60)] = None,
    test_type: Annotated[str | None, Query(max_length=80, examples=["brake"])] = None,
) -> list[DynoRead]:
    """List dynos with their rules, optionally only enabled ones, one facility or one test type."""
    rows = await dynos.list_dynos(
        session, include_disabled=include_disabled, facility=facility, test_type=test_type
    )
    return [DynoRead.model_validate(d) for d in rows]


@router.get("/test-types", response_model=list[str])
async def list_test_types(session: SessionDep, _: CurrentUser) -> list[str]:
    """Every test type some dyno can run."""
    return await dynos.test_type_vocabulary(session)


@router.get("/{dyno_id}", response_model=DynoRead)
async def get_dyno(
    dyno_id: Annotated[str, Path(max_length=60, description="Id, or name (`mpg3` finds MPG 3).")],
    session: SessionDep,
    _: CurrentUser,
) -> DynoRead:
    """One dyno by id or by name (case and spaces ignored)."""
    return DynoRead.model_validate(await dynos.resolve_dyno(session, dyno_id))


@router.post("", response_model=DynoRead, status_code=status.HTTP_201_CREATED)
async def create_dyno(data: DynoCreate, session: SessionDep, _: PowerUser) -> DynoRead:
    """Add a dyno with its rules (power_user)."""
    return DynoRead.model_validate(await dynos.create_dyno(session, data))


@router.patch("/{dyno_id}", response_model=DynoRead)
async def update_dyno(
    dyno_id: int, data: DynoUpdate, session: SessionDep, user: PowerUser, force: ForceParam = False
) -> DynoRead:
    """Change some fields of a dyno; `rules`, when sent, replaces all its rules (power_user).
    New rules, `enabled` or window that strand open bookings are a 409 unless `force`."""
    dyno = await dynos.update_dyno(session, actor_for(user), dyno_id, data, force=force)
    return DynoRead.model_validate(dyno)


@router.delete("/{dyno_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_dyno(
    dyno_id: int, session: SessionDep, user: PowerUser, force: ForceParam = False
) -> None:
    """Delete a dyno that has never been booked, with its rules (power_user); one with
    maintenance windows is a 409 listing them, unless `force` deletes them too."""
    await dynos.delete_dyno(session, actor_for(user), dyno_id, force=force)


@router.get("/{dyno_id}/rules", response_model=list[RuleRead])
async def list_rules(dyno_id: int, session: SessionDep, _: CurrentUser) -> list[RuleRead]:
    """The dyno's compatibility rules."""
    return [RuleRead.model_validate(r) for r in await dynos.list_rules(session, dyno_id)]


@router.put("/{dyno_id}/rules", response_model=list[RuleRead])
async def replace_rules(
    dyno_id: int,
    rules: Annotated[list[RuleIn], Body(max_length=500)],
    session: SessionDep,
    user: PowerUser,
    force: ForceParam = False,
) -> list[RuleRead]:
    """Replace all of the dyno's rules with these (duplicates collapse) (power_user); a 409 if
    that strands open bookings, unless `force`."""
    dyno = await dynos.replace_rules(session, actor_for(user), dyno_id, rules, force=force)
    return DynoRead.model_validate(dyno).rules
