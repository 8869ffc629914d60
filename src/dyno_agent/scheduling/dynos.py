"""Dynos and their compatibility rules.

The rules (`dyno_rules`) are what the booking engine queries. The `supported_*` arrays on a dyno are
a display summary of them, recomputed here whenever the rules change (`set_rules`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dyno_agent.auth.actor import Actor
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import AlreadyExists, DynoNotFound, InUse
from dyno_agent.scheduling import allocations, stranding, vocab
from dyno_agent.scheduling.models import Dyno, DynoRule, MaintenanceWindow
from dyno_agent.scheduling.schemas.dynos import DynoCreate, DynoUpdate, RuleIn, check_window

RuleKey = tuple[str, str, str]


class RuleLike(Protocol):
    test_type: str
    drive_type: str
    weight_class: str


def _name_key(name: str) -> str:
    return re.sub(r"[\s#]+", "", name).lower()


def _stored_name_key() -> ColumnElement[str]:
    return func.lower(func.regexp_replace(Dyno.name, r"[\s#]+", "", "g"))


def _rule_key(rule: RuleLike) -> RuleKey:
    return (
        vocab.normalize_test_type(rule.test_type),
        vocab.normalize_rule_drive(rule.drive_type),
        vocab.normalize_rule_weight_class(rule.weight_class),
    )


def summarize_rules(rules: Iterable[RuleLike]) -> tuple[list[str], list[str], list[str]]:
    """(weight classes, drive types, test types) the rules cover, `any` expanded, for display."""
    weights: set[str] = set()
    drives: set[str] = set()
    tests: set[str] = set()
    for rule in rules:
        tests.add(rule.test_type)
        drives.update(vocab.DRIVE_TYPES if rule.drive_type == vocab.ANY else (rule.drive_type,))
        weights.update(
            vocab.WEIGHT_CLASSES if rule.weight_class == vocab.ANY else (rule.weight_class,)
        )
    return (
        [w for w in vocab.WEIGHT_CLASSES if w in weights],
        [d for d in vocab.DRIVE_TYPES if d in drives],
        sorted(tests),
    )


def set_rules(dyno: Dyno, rules: Iterable[RuleLike]) -> None:
    """Replace the dyno's rules (its `rules` must be loaded) and recompute its summary arrays.

    Rules already present are kept as they are, so a replacement never re-inserts a row it keeps.
    """
    existing = {(r.test_type, r.drive_type, r.weight_class): r for r in dyno.rules}
    keys = list(dict.fromkeys(_rule_key(rule) for rule in rules))  # duplicates collapse
    dyno.rules = [
        existing.get(key) or DynoRule(test_type=key[0], drive_type=key[1], weight_class=key[2])
        for key in keys
    ]
    weights, drives, tests = summarize_rules(dyno.rules)
    dyno.supported_weight_classes = weights
    dyno.supported_drives = drives
    dyno.supported_test_types = tests


async def _ensure_name_free(session: AsyncSession, name: str, except_id: int | None = None) -> None:
    """Names are unique ignoring case and spaces, so `resolve_dyno` is never ambiguous."""
    query = select(Dyno.id, Dyno.name).where(_stored_name_key() == _name_key(name))
    if except_id is not None:
        query = query.where(Dyno.id != except_id)
    clash = (await session.execute(query)).first()
    if clash is not None:
        raise AlreadyExists(
            f"Dyno {clash.name!r} (id {clash.id}) already has this name.",
            name=name,
            dyno_id=clash.id,
        )


async def _load(
    session: AsyncSession, dyno_id: int, *, refresh: bool = False, lock: bool = False
) -> Dyno:
    query = select(Dyno).where(Dyno.id == dyno_id).options(selectinload(Dyno.rules))
    if refresh or lock:
        query = query.execution_options(populate_existing=True)
    if lock:
        # Conflicts with the key-share lock a booking's insert takes on its dyno: a change and
        # a new booking of the dyno cannot pass each other's checks.
        query = query.with_for_update(of=Dyno)
    dyno = await session.scalar(query)
    if dyno is None:
        raise DynoNotFound(f"No dyno with id {dyno_id}.", dyno_id=dyno_id)
    return dyno


async def create_dyno(session: AsyncSession, data: DynoCreate) -> Dyno:
    await _ensure_name_free(session, data.name)
    dyno = Dyno(**data.model_dump(exclude={"rules"}), rules=[])
    set_rules(dyno, data.rules)
    async with savepoint(session):
        session.add(dyno)
    return await _load(session, dyno.id, refresh=True)


async def get_dyno(session: AsyncSession, dyno_id: int) -> Dyno:
    """The dyno with its rules loaded."""
    return await _load(session, dyno_id)


async def resolve_dyno(session: AsyncSession, ref: int | str) -> Dyno:
    """A dyno by id (an int or a digit string) or by name ignoring case and spaces (`mpg3`)."""
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        dyno = await session.scalar(
            select(Dyno).where(Dyno.id == int(text)).options(selectinload(Dyno.rules))
        )
        if dyno is not None or isinstance(ref, int):
            if dyno is None:
                raise DynoNotFound(f"No dyno with id {ref}.", dyno_id=ref)
            return dyno
    dyno = await session.scalar(
        select(Dyno).where(_stored_name_key() == _name_key(text)).options(selectinload(Dyno.rules))
    )
    if dyno is None:
        names = list(await session.scalars(select(Dyno.name).order_by(Dyno.id)))
        what = "id or name" if text.isdigit() else "name"
        raise DynoNotFound(
            f"No dyno with {what} {text!r}.", ref=text, suggestions=_close_names(text, names)
        )
    return dyno


def _close_names(ref: str, names: Sequence[str], limit: int = 5) -> list[str]:
    key = _name_key(ref)
    by_key = {_name_key(name): name for name in names}
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    partial = [k for k in by_key if key and (key in k or k in key) and k not in close]
    return [by_key[k] for k in (close + partial)[:limit]]


async def list_dynos(
    session: AsyncSession,
    *,
    include_disabled: bool = True,
    facility: str | None = None,
    test_type: str | None = None,
) -> list[Dyno]:
    """Dynos by id, rules loaded; `test_type` keeps those with a rule for it."""
    query = select(Dyno).options(selectinload(Dyno.rules)).order_by(Dyno.id)
    if not include_disabled:
        query = query.where(Dyno.enabled)
    if facility and facility.strip():
        query = query.where(func.lower(Dyno.facility) == facility.strip().lower())
    if test_type:
        wanted = vocab.normalize_test_type(test_type)
        query = query.where(
            Dyno.id.in_(select(DynoRule.dyno_id).where(DynoRule.test_type == wanted))
        )
    return list(await session.scalars(query))


async def update_dyno(
    session: AsyncSession, actor: Actor, dyno_id: int, data: DynoUpdate, *, force: bool = False
) -> Dyno:
    """Change some fields; new rules, `enabled` or window that would strand open bookings are
    refused unless forced (`stranding.guarded`)."""
    stranding.ensure_may_force(actor, force)
    dyno = await _load(session, dyno_id, lock=True)
    changes = data.model_dump(exclude_unset=True, exclude={"rules"})
    if "name" in changes:
        await _ensure_name_free(session, changes["name"], except_id=dyno_id)
    check_window(
        changes.get("available_from", dyno.available_from),
        changes.get("available_to", dyno.available_to),
    )
    affects_bookings = data.rules is not None or bool(
        changes.keys() & {"enabled", "available_from", "available_to"}
    )
    async with stranding.guarded(
        session,
        actor,
        f"Changing dyno {dyno.name}",
        force=force,
        check=affects_bookings,
        dyno_id=dyno_id,
    ):
        for field, value in changes.items():
            setattr(dyno, field, value)
        if data.rules is not None:
            set_rules(dyno, data.rules)
    return await _load(session, dyno_id, refresh=True)


async def replace_rules(
    session: AsyncSession, actor: Actor, dyno_id: int, rules: list[RuleIn], *, force: bool = False
) -> Dyno:
    """Replace every rule; refused if that strands open bookings, unless forced."""
    stranding.ensure_may_force(actor, force)
    dyno = await _load(session, dyno_id, lock=True)
    async with stranding.guarded(
        session, actor, f"Changing the rules of {dyno.name}", force=force, dyno_id=dyno_id
    ):
        set_rules(dyno, rules)
    return await _load(session, dyno_id, refresh=True)


async def list_rules(session: AsyncSession, dyno_id: int) -> list[DynoRule]:
    await _load(session, dyno_id)
    rows = await session.scalars(
        select(DynoRule)
        .where(DynoRule.dyno_id == dyno_id)
        .order_by(DynoRule.test_type, DynoRule.drive_type, DynoRule.weight_class)
    )
    return list(rows)


async def delete_dyno(
    session: AsyncSession, actor: Actor, dyno_id: int, *, force: bool = False
) -> None:
    """Remove a dyno that was never booked, with its rules. Its maintenance windows would go with
    it, so a dyno that has any is refused (listing them) unless `force` (power users)."""
    stranding.ensure_may_force(actor, force)
    dyno = await _load(session, dyno_id, lock=True)
    ids = await allocations.referencing_ids(session, dyno_id=dyno_id)
    if ids:
        raise InUse(
            f"Dyno {dyno.name} has {len(ids)} allocation(s); disable it instead of deleting it.",
            dyno_id=dyno_id,
            allocation_ids=ids[:50],
            allocation_count=len(ids),
        )
    windows = list(
        await session.scalars(
            select(MaintenanceWindow)
            .where(MaintenanceWindow.dyno_id == dyno_id)
            .order_by(MaintenanceWindow.start_date, MaintenanceWindow.id)
        )
    )
    if windows and not force:
        raise InUse(
            f"Dyno {dyno.name} has {len(windows)} maintenance window(s) that would be deleted "
            "with it; delete them first, or repeat with force=true to delete them too.",
            dyno_id=dyno_id,
            maintenance=[
                {
                    "id": w.id,
                    "start_date": w.start_date.isoformat(),
                    "end_date": w.end_date.isoformat(),
                    "reason": w.reason,
                }
                for w in windows[:50]
            ],
            maintenance_count=len(windows),
        )
    async with savepoint(session):
        await session.delete(dyno)


async def test_type_vocabulary(session: AsyncSession) -> list[str]:
    """Every test type some dyno has a rule for, sorted."""
    rows = await session.scalars(select(DynoRule.test_type).distinct().order_by(DynoRule.test_type))
    return list(rows)
