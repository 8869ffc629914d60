"""Vehicles: register, find, list, edit and remove the lab's test vehicles."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.auth.models import Role
from dyno_agent.db.errors import savepoint
from dyno_agent.errors import AlreadyExists, InUse, InvalidInput, PermissionDenied, VehicleNotFound
from dyno_agent.scheduling import allocations, stranding, vocab
from dyno_agent.scheduling.models import Allocation, Vehicle
from dyno_agent.scheduling.schemas.vehicles import VehicleCreate, VehicleUpdate

_SEARCHED = (
    Vehicle.tag,
    Vehicle.placeholder_key,
    Vehicle.vin,
    Vehicle.program,
    Vehicle.build_id,
    Vehicle.cert_team,
    Vehicle.powerpack,
    Vehicle.build_type,
)


_UNIQUE = {
    "tag": ("tag", Vehicle.tag),
    "vin": ("VIN", Vehicle.vin),
    "placeholder_key": ("placeholder key", Vehicle.placeholder_key),
}


async def _ensure_free(
    session: AsyncSession, field: str, value: str | None, except_id: int | None = None
) -> None:
    if value is None:
        return
    name, column = _UNIQUE[field]
    query = select(Vehicle.id).where(column == value)
    if except_id is not None:
        query = query.where(Vehicle.id != except_id)
    existing = await session.scalar(query)
    if existing is not None:
        raise AlreadyExists(
            f"A vehicle with {name} {value} already exists (id {existing}).",
            **{field: value},
            vehicle_id=existing,
        )


async def create_vehicle(session: AsyncSession, data: VehicleCreate) -> Vehicle:
    tag = vocab.normalize_tag(data.tag) if data.tag is not None else None
    vin = vocab.check_vin(data.vin) if data.vin is not None else None
    key = data.placeholder_key
    if tag is None and key is None:
        tag = vin  # as the migration did for the vehicles registered before tags
    if tag is None and key is None:
        raise InvalidInput("Give the vehicle's tag, VIN or placeholder key.", field="tag")
    await _ensure_free(session, "vin", vin)
    await _ensure_free(session, "tag", tag)
    await _ensure_free(session, "placeholder_key", key)
    vehicle = Vehicle(
        **data.model_dump(exclude={"tag", "vin", "weight_class", "drive_type"}),
        tag=tag,
        vin=vin,
        weight_class=vocab.resolve_weight_class(data.weight_lbs, data.weight_class),
        drive_type=vocab.normalize_drive_type(data.drive_type),
    )
    async with savepoint(session):
        session.add(vehicle)
    return vehicle


async def get_vehicle(session: AsyncSession, vehicle_id: int) -> Vehicle:
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise VehicleNotFound(f"No vehicle with id {vehicle_id}.", vehicle_id=vehicle_id)
    return vehicle


async def resolve_vehicle(
    session: AsyncSession,
    vehicle_id: int | None = None,
    vin: str | None = None,
    tag: str | None = None,
) -> Vehicle:
    """The vehicle by id, tag or VIN (any case); every one given must name the same vehicle."""
    vin = vin.strip() if vin and vin.strip() else None
    tag = tag.strip() if tag and tag.strip() else None
    if vehicle_id is None and vin is None and tag is None:
        raise InvalidInput("Give a vehicle id, tag or VIN.", field="vehicle_id")
    vehicle: Vehicle | None = None
    if vehicle_id is not None:
        vehicle = await get_vehicle(session, vehicle_id)
    for field, given, column, normalize in (
        ("tag", tag, Vehicle.tag, _tag_key),
        ("vin", vin, Vehicle.vin, str.upper),
    ):
        if given is None:
            continue
        key = normalize(given)
        if vehicle is None:
            vehicle = await session.scalar(select(Vehicle).where(column == key))
            if vehicle is None:
                name = "tag" if field == "tag" else "VIN"
                raise VehicleNotFound(f"No vehicle with {name} {given}.", **{field: given})
        elif getattr(vehicle, field) != key:
            raise InvalidInput(
                f"Vehicle {vehicle.label} (id {vehicle.id}) has {field} "
                f"{getattr(vehicle, field)}, not {given}.",
                field=field,
                vehicle_id=vehicle.id,
                **{field: given},
            )
    assert vehicle is not None
    return vehicle


def _tag_key(text: str) -> str:
    return " ".join(text.split()).upper()


async def list_vehicles(
    session: AsyncSession,
    *,
    q: str | None = None,
    tag: str | None = None,
    placeholder: bool | None = None,
    drive_type: str | None = None,
    weight_class: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Vehicle], int]:
    """One page of vehicles by id, and how many match in all. `q` searches tag, placeholder key,
    VIN, program, build, team, powerpack and build type (case-insensitive substring); `tag` is an
    exact tag (any case); `placeholder` keeps only placeholders (true) or only tagged ones."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0.", field="limit")
    conditions = []
    if q and q.strip():
        pattern = f"%{_escape_like(q.strip())}%"
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in _SEARCHED)))
    if tag and tag.strip():
        conditions.append(Vehicle.tag == _tag_key(tag))
    if placeholder is not None:
        conditions.append(Vehicle.tag.is_(None) if placeholder else Vehicle.tag.is_not(None))
    if drive_type:
        conditions.append(Vehicle.drive_type == vocab.normalize_drive_type(drive_type))
    if weight_class:
        conditions.append(Vehicle.weight_class == vocab.normalize_weight_class(weight_class))
    total = await session.scalar(select(func.count()).select_from(Vehicle).where(*conditions))
    rows = await session.scalars(
        select(Vehicle).where(*conditions).order_by(Vehicle.id).limit(limit).offset(offset)
    )
    return list(rows), total or 0


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _get_locked(session: AsyncSession, vehicle_id: int) -> Vehicle:
    # FOR UPDATE conflicts with the key-share lock a booking's insert takes on its vehicle, so
    # an edit and a new booking of the same vehicle cannot pass each other's checks.
    vehicle = await session.scalar(
        select(Vehicle)
        .where(Vehicle.id == vehicle_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if vehicle is None:
        raise VehicleNotFound(f"No vehicle with id {vehicle_id}.", vehicle_id=vehicle_id)
    return vehicle


async def ensure_may_change(session: AsyncSession, actor: Actor, vehicle: Vehicle) -> None:
    """A vehicle with open bookings may be edited or deleted only by a power user or by the
    owner of all of them, so nobody silently changes a vehicle that others have booked."""
    if actor.has_role(Role.power_user):
        return
    rows = await session.execute(
        select(Allocation.id, Allocation.created_by)
        .where(
            Allocation.vehicle_id == vehicle.id,
            Allocation.status.in_(stranding.OPEN_STATUSES),
        )
        .order_by(Allocation.id)
    )
    others = [
        allocation_id
        for allocation_id, owner in rows
        if actor.user_id is None or owner != actor.user_id
    ]
    if others:
        raise PermissionDenied(
            f"Vehicle {vehicle.label} has open bookings of other users; only a power user or the "
            "owner of all its open bookings can change it.",
            vehicle_id=vehicle.id,
            allocation_ids=others[:50],
            required_role=Role.power_user.value,
        )


async def update_vehicle(
    session: AsyncSession,
    actor: Actor,
    vehicle_id: int,
    data: VehicleUpdate,
    *,
    force: bool = False,
) -> Vehicle:
    """Change some fields. With open bookings: power users or their owner only (see
    `ensure_may_change`); a new drive type or weight class that would strand them is refused
    unless a power user forces it (`stranding.guarded`)."""
    stranding.ensure_may_force(actor, force)
    vehicle = await _get_locked(session, vehicle_id)
    await ensure_may_change(session, actor, vehicle)
    changes = data.model_dump(exclude_unset=True)
    if "tag" in changes:
        changes["tag"] = vocab.normalize_tag(changes["tag"])
        await _ensure_free(session, "tag", changes["tag"], except_id=vehicle_id)
    if "vin" in changes:
        changes["vin"] = vocab.check_vin(changes["vin"])
        await _ensure_free(session, "vin", changes["vin"], except_id=vehicle_id)
    if "drive_type" in changes:
        changes["drive_type"] = vocab.normalize_drive_type(changes["drive_type"])
    if "weight_lbs" in changes or changes.get("weight_class") is not None:
        weight_lbs = changes.get("weight_lbs", vehicle.weight_lbs)
        given_class = changes.get("weight_class")
        if given_class is None and weight_lbs is None:
            given_class = vehicle.weight_class  # weight forgotten: the class stays
        changes["weight_lbs"] = weight_lbs
        changes["weight_class"] = vocab.resolve_weight_class(weight_lbs, given_class)
    else:
        changes.pop("weight_class", None)
    reclassified = changes.get("drive_type", vehicle.drive_type) != vehicle.drive_type or (
        changes.get("weight_class", vehicle.weight_class) != vehicle.weight_class
    )
    async with stranding.guarded(
        session,
        actor,
        f"Changing vehicle {vehicle.label}",
        force=force,
        check=reclassified,
        vehicle_id=vehicle_id,
    ):
        for field, value in changes.items():
            setattr(vehicle, field, value)
    await session.refresh(vehicle)  # server-set updated_at
    return vehicle


async def delete_vehicle(session: AsyncSession, actor: Actor, vehicle_id: int) -> None:
    """Remove a vehicle that was never booked; its allocations (any status) keep it otherwise."""
    vehicle = await _get_locked(session, vehicle_id)
    await ensure_may_change(session, actor, vehicle)
    ids = await allocations.referencing_ids(session, vehicle_id=vehicle_id)
    if ids:
        raise InUse(
            f"Vehicle {vehicle.label} has {len(ids)} allocation(s); it cannot be deleted.",
            vehicle_id=vehicle_id,
            allocation_ids=ids[:50],
            allocation_count=len(ids),
        )
    async with savepoint(session):
        await session.delete(vehicle)
