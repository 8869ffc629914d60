"""Import the lab's forecast: vehicles, test requests and the allocations already on dynos.

The whole import is one unit of work: everything is planned in memory first (that is the dry run),
then, unless some row is invalid and `skip_invalid` was not given, written with flushes only; the
edge commits. Re-importing the same file changes nothing: vehicles are found by tag (placeholders
by key), requests by (vehicle, test type, mileage step), allocations by (vehicle, test, dyno,
start). A changed file updates open requests and reports each change as old -> new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.audit.stamp import stamp
from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.config import Settings
from dyno_agent.errors import InvalidRows
from dyno_agent.forecast import columns as c
from dyno_agent.forecast import lab_sheets
from dyno_agent.forecast.reader import read_forecast
from dyno_agent.forecast.rows import (
    SCHEDULED_STATUS,
    VEHICLE_FIELDS,
    DynoRef,
    ForecastRow,
    Lab,
    VehicleData,
    as_request,
    dyno_key,
    parse_rows,
)
from dyno_agent.observability import metrics
from dyno_agent.requests.models import RequestStatus, TestRequest
from dyno_agent.requests.service import ensure_may_write
from dyno_agent.scheduling import stranding, vocab
from dyno_agent.scheduling.models import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Allocation,
    AllocationStatus,
    Dyno,
    MaintenanceWindow,
    Vehicle,
)

REQUEST_FIELDS = ("days", "earliest_start", "desired_start", "facility")
Span = tuple[dt.date, dt.date, str]  # first day, last day, what occupies it


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    rules: bool = False
    maintenance: bool = False


@dataclass
class Change:
    row: int
    key: str
    action: str  # create, update, unchanged, skip
    fields: dict[str, list[Any]] = field(default_factory=dict)
    what: str = "request"  # request or allocation

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "action": self.action,
            "what": self.what,
            "fields": {name: [_json(a), _json(b)] for name, (a, b) in self.fields.items()},
        }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class _VehiclePlan:
    data: VehicleData
    existing: Vehicle | None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    vehicle: Vehicle | None = None  # set when written


@dataclass
class _RowPlan:
    row: ForecastRow
    change: Change
    request: TestRequest | None = None  # the existing request it matches
    allocation: Allocation | None = None  # the existing allocation it matches
    book_request: TestRequest | None = None  # an open request this new allocation books


async def import_forecast(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    filename: str,
    settings: Settings,
    options: ImportOptions,
) -> dict[str, Any]:
    """Read, check and (unless a dry run) write the forecast; returns the report (see
    `schemas.ImportReport`). Raises `InvalidRows` (nothing written) when rows are invalid and
    neither `skip_invalid` nor `dry_run` is set."""
    ensure_may_write(actor)
    file = read_forecast(
        data, filename, settings, rules=options.rules, maintenance=options.maintenance
    )
    lab = await _lab(session, settings)
    rows = parse_rows(file.forecast, lab)
    vehicles = await _plan_vehicles(session, rows)
    plans = await _plan_rows(session, rows, vehicles, lab.max_days)
    sheets = await lab_sheets.plan(session, file, lab)

    report = _report(filename, file.forecast.sheet, rows, plans, vehicles, options, sheets)
    if not sheets.valid and not options.dry_run:
        metrics.record_import("refused", 0, report["invalid"])
        raise InvalidRows(
            "The DynoRules or Maintenance sheet has problems; nothing was imported.", **report
        )
    if report["invalid"] and not options.skip_invalid and not options.dry_run:
        metrics.record_import("refused", 0, report["invalid"])
        raise InvalidRows(
            f"{report['invalid']} of {report['rows']} row(s) are invalid; nothing was imported. "
            "Fix them, or import the valid rows with skip_invalid.",
            **report,
        )
    if options.dry_run:
        metrics.record_import("dry_run", 0, 0)
        return report
    # Every write of the import is audited as the actor, through the `import` channel.
    await stamp(session, Actor(actor.user_id, actor.role, Channel.import_, actor.label))
    await _write_vehicles(session, actor, vehicles, _used_keys(plans))
    await _write_rows(session, actor, plans, vehicles, filename)
    await lab_sheets.apply(session, actor, sheets)
    await session.flush()
    await stamp(session, actor)
    metrics.record_import("imported", report["valid"], report["invalid"])
    return report


async def _lab(session: AsyncSession, settings: Settings) -> Lab:
    dynos = list(await session.scalars(select(Dyno).order_by(Dyno.id)))
    refs = {dyno_key(d.name): DynoRef(d.id, d.name, d.facility) for d in dynos}
    facilities = {d.facility.lower(): d.facility for d in dynos}
    return Lab(refs, facilities, settings.max_booking_days)


# Planning ----------------------------------------------------------------------------------------
def _usable(row: ForecastRow) -> bool:
    return row.skip_reason is None and row.valid


async def _plan_vehicles(session: AsyncSession, rows: list[ForecastRow]) -> dict[str, _VehiclePlan]:
    """One plan per vehicle key (first row's data, completed by later rows)."""
    firsts: dict[str, VehicleData] = {}
    for row in rows:
        if row.skip_reason is None and row.vehicle.key and row.vehicle.key not in firsts:
            firsts[row.vehicle.key] = row.vehicle
    tags = [v.tag for v in firsts.values() if v.tag]
    keys = [v.placeholder_key for v in firsts.values() if v.placeholder_key]
    vins = [v.vin for v in firsts.values() if v.vin]
    found = list(
        await session.scalars(
            select(Vehicle).where(
                or_(Vehicle.tag.in_(tags), Vehicle.placeholder_key.in_(keys), Vehicle.vin.in_(vins))
            )
        )
    )
    by_tag = {v.tag: v for v in found if v.tag}
    by_key = {v.placeholder_key: v for v in found if v.placeholder_key}
    vin_owner: dict[str, str] = {v.vin: f"id {v.id}" for v in found if v.vin}
    plans: dict[str, _VehiclePlan] = {}
    for key, data in firsts.items():
        existing = (by_tag.get(data.tag) if data.tag else None) or (
            by_key.get(data.placeholder_key) if data.placeholder_key else None
        )
        plan = _VehiclePlan(data, existing)
        if data.vin:
            owner = vin_owner.get(data.vin)
            mine = f"id {existing.id}" if existing else None
            if owner is not None and owner != mine:
                _warn_vin(rows, key, data.vin, owner)
                data.vin = None
            else:
                vin_owner[data.vin] = mine or key
        if existing is not None and existing.weight_lbs is not None and data.weight_class:
            known = vocab.weight_class_for(existing.weight_lbs)
            if known != data.weight_class:
                _refuse_weight(rows, key, existing, known)
                continue
        if existing is not None:
            for name in VEHICLE_FIELDS:
                new, old = getattr(data, name), getattr(existing, name)
                if new is not None and new != old:
                    plan.changes[name] = [old, new]
        plans[key] = plan
    return plans


def _refuse_weight(rows: list[ForecastRow], key: str, vehicle: Vehicle, known: str) -> None:
    for row in rows:
        if row.vehicle.key == key and row.skip_reason is None:
            row.error(
                c.WEIGHT_CLASS,
                row.vehicle.weight_class,
                f"vehicle {key} weighs {vehicle.weight_lbs:,} lbs, so it is {known}; fix the sheet "
                "or the vehicle's weight",
            )


def _warn_vin(rows: list[ForecastRow], key: str, vin: str, owner: str) -> None:
    row = next(r for r in rows if r.vehicle.key == key)
    row.warn(c.VIN, vin, f"this VIN belongs to another vehicle ({owner}); not stored")


async def _plan_rows(
    session: AsyncSession,
    rows: list[ForecastRow],
    vehicles: dict[str, _VehiclePlan],
    max_days: int,
) -> list[_RowPlan]:
    ids = [p.existing.id for p in vehicles.values() if p.existing is not None]
    requests: dict[tuple[int, str, str], TestRequest] = {}
    for known in await session.scalars(
        select(TestRequest).where(TestRequest.vehicle_id.in_(ids)).order_by(TestRequest.id)
    ):
        found = (known.vehicle_id, known.test_type, known.mileage_step)
        # a request not cancelled wins over cancelled ones with the same key
        if found not in requests or known.status != RequestStatus.cancelled:
            requests[found] = known
    dyno_ids = {row.dyno.id for row in rows if row.dyno is not None}
    # a request awaiting approval holds its dyno and vehicle like a booking
    active = [s.value for s in (*ACTIVE_STATUSES, AllocationStatus.requested)]
    allocations = list(
        await session.scalars(
            select(Allocation).where(
                Allocation.status.in_(active),
                or_(Allocation.vehicle_id.in_(ids), Allocation.dyno_id.in_(dyno_ids)),
            )
        )
    )
    dyno_busy: dict[int, list[Span]] = {}
    vehicle_busy: dict[str, list[Span]] = {}
    vehicle_keys = {p.existing.id: k for k, p in vehicles.items() if p.existing is not None}
    for a in allocations:
        what = f"allocation #{a.id}"
        if a.dyno_id is not None:
            dyno_busy.setdefault(a.dyno_id, []).append((a.start_date, a.end_date, what))
        if a.vehicle_id in vehicle_keys:
            vehicle_busy.setdefault(vehicle_keys[a.vehicle_id], []).append(
                (a.start_date, a.end_date, what)
            )
    for window in await session.scalars(
        select(MaintenanceWindow).where(MaintenanceWindow.dyno_id.in_(dyno_ids))
    ):
        dyno_busy.setdefault(window.dyno_id, []).append(
            (window.start_date, window.end_date, f"maintenance #{window.id}")
        )

    plans: list[_RowPlan] = []
    for row in rows:
        change = Change(row.number, row.key, "skip")
        plan = _RowPlan(row, change)
        plans.append(plan)
        if not _usable(row):
            continue
        vehicle = vehicles[row.vehicle.key].existing
        assert row.test_type is not None and row.step is not None
        request = requests.get((vehicle.id, row.test_type, row.step.label)) if vehicle else None
        if row.allocation_status is not None:
            clash = _plan_allocation(plan, vehicle, allocations, request, dyno_busy, vehicle_busy)
            if clash is None:
                continue
            # two rows (or a row and the schedule) hold one dyno or vehicle at once: the row
            # becomes an open request and the lab re-plans it
            as_request(row, c.DYNO, row.source_values.get(c.DYNO), clash, max_days)
            plan.change = Change(row.number, row.key, "skip")
        _plan_request(plan, vehicle, allocations, request)
    return plans


def _overlap(spans: list[Span], start: dt.date, end: dt.date) -> str | None:
    return next((what for s, e, what in spans if s <= end and start <= e), None)


def _plan_allocation(
    plan: _RowPlan,
    vehicle: Vehicle | None,
    allocations: list[Allocation],
    request: TestRequest | None,
    dyno_busy: dict[int, list[Span]],
    vehicle_busy: dict[str, list[Span]],
) -> str | None:
    """Plan the row's allocation, or return why it cannot be one (its dyno or vehicle is taken
    then)."""
    row, change = plan.row, plan.change
    change.what = "allocation"
    assert row.dyno and row.allocation_start and row.allocation_end and row.allocation_status
    change.key = f"{row.vehicle.key} | {row.test_type} | {row.dyno.name} | {row.allocation_start}"
    if vehicle is not None:
        for a in allocations:
            if (a.vehicle_id, a.test_type, a.dyno_id, a.start_date) == (
                vehicle.id,
                row.test_type,
                row.dyno.id,
                row.allocation_start,
            ):
                plan.allocation = a
                _plan_allocation_update(plan, a)
                return None
    start, end = row.allocation_start, row.allocation_end
    where = f"{row.status} on {row.dyno.name} from {start} to {end}"
    clash = _overlap(dyno_busy.get(row.dyno.id, []), start, end)
    if clash is not None:
        return f"{where}, but {clash} holds that dyno then"
    clash = _overlap(vehicle_busy.get(row.vehicle.key, []), start, end)
    if clash is not None:
        return f"{where}, but vehicle {row.vehicle.key} is on {clash} then"
    what = f"row {row.number}"
    dyno_busy.setdefault(row.dyno.id, []).append((start, end, what))
    vehicle_busy.setdefault(row.vehicle.key, []).append((start, end, what))
    change.action = "create"
    if request is not None and request.status in (RequestStatus.open, RequestStatus.planned):
        plan.book_request = request
        change.fields["request_status"] = [request.status, RequestStatus.booked.value]
    return None


def _plan_allocation_update(plan: _RowPlan, allocation: Allocation) -> None:
    row, change = plan.row, plan.change
    if allocation.status == row.allocation_status:
        wanted_end = row.allocation_end
    elif (
        AllocationStatus(row.allocation_status or "")
        in TRANSITIONS[AllocationStatus(allocation.status)]
    ):
        change.fields["status"] = [allocation.status, row.allocation_status]
        wanted_end = row.allocation_end
    else:
        row.warn(
            c.STATUS,
            row.status,
            f"allocation #{allocation.id} is {allocation.status} and cannot become "
            f"{row.allocation_status}; left as it is",
        )
        change.action = "unchanged"
        return
    if wanted_end != allocation.end_date and allocation.status != "completed":
        change.fields["end_date"] = [allocation.end_date, wanted_end]
    change.action = "update" if change.fields else "unchanged"


def _plan_request(
    plan: _RowPlan,
    vehicle: Vehicle | None,
    allocations: list[Allocation],
    request: TestRequest | None,
) -> None:
    row, change = plan.row, plan.change
    if row.status == SCHEDULED_STATUS and row.dyno is not None and vehicle is not None:
        for a in allocations:
            if (
                a.vehicle_id == vehicle.id
                and a.test_type == row.test_type
                and a.dyno_id == row.dyno.id
                and a.start_date in row.start_dates
            ):
                plan.allocation = a
                change.action = "unchanged"
                change.what = "allocation"
                return
    if request is None:
        change.action = "create"
        return
    plan.request = request
    if request.status != RequestStatus.open:
        change.action = "unchanged"  # planned, booked or cancelled: the lab's decision stands
        return
    for name, new in _request_values(row).items():
        old = getattr(request, name)
        if new != old:
            change.fields[name] = [old, new]
    change.action = "update" if change.fields else "unchanged"


def _request_values(row: ForecastRow) -> dict[str, Any]:
    return {
        "days": row.days,
        "earliest_start": row.desired_start,
        "desired_start": row.desired_start,
        "facility": row.facility,
    }


def _report(
    filename: str,
    sheet: str,
    rows: list[ForecastRow],
    plans: list[_RowPlan],
    vehicles: dict[str, _VehiclePlan],
    options: ImportOptions,
    sheets: lab_sheets.SheetsPlan,
) -> dict[str, Any]:
    considered = [r for r in rows if r.skip_reason is None]
    invalid = sum(1 for r in considered if not r.valid)
    used_keys = _used_keys(plans)
    actions = [p.change for p in plans]

    def count(action: str, what: str) -> int:
        return sum(1 for c in actions if c.action == action and c.what == what)

    problems = [p.as_dict() for r in rows for p in r.problems] + sheets.problem_dicts()
    return {
        "dry_run": options.dry_run,
        "file": filename,
        "sheet": sheet,
        "rows": len(rows),
        "valid": len(considered) - invalid,
        "invalid": invalid,
        "created": {
            "vehicles": sum(
                1 for k, p in vehicles.items() if p.existing is None and k in used_keys
            ),
            "requests": count("create", "request"),
            "allocations": count("create", "allocation"),
        },
        "updated": {
            "vehicles": sum(
                1 for k, p in vehicles.items() if p.existing and p.changes and k in used_keys
            ),
            "requests": count("update", "request")
            + sum(1 for p in plans if p.book_request is not None),
            "allocations": count("update", "allocation"),
        },
        "unchanged": sum(1 for c in actions if c.action == "unchanged"),
        "skipped": sum(1 for c in actions if c.action == "skip"),
        "problems": problems,
        "changes": [c.as_dict() for c in actions],
        "vehicle_changes": [
            {"key": k, "fields": {n: [_json(a), _json(b)] for n, (a, b) in p.changes.items()}}
            for k, p in vehicles.items()
            if p.existing and p.changes and k in used_keys
        ],
        "rules": sheets.rules_diff(),
        "maintenance": sheets.maintenance_diff(),
    }


def _used_keys(plans: list[_RowPlan]) -> set[str]:
    """The vehicles of the rows that are imported (invalid and skipped rows create none)."""
    return {p.row.vehicle.key for p in plans if p.change.action != "skip"}


# Writing -----------------------------------------------------------------------------------------
async def _write_vehicles(
    session: AsyncSession, actor: Actor, vehicles: dict[str, _VehiclePlan], used: set[str]
) -> None:
    for key, plan in vehicles.items():
        if key not in used:
            continue
        data = plan.data
        if plan.existing is None:
            if data.drive_type is None or data.weight_class is None:
                continue  # only invalid rows name it; they are skipped
            vehicle = Vehicle(
                tag=data.tag,
                placeholder_key=data.placeholder_key,
                **{name: getattr(data, name) for name in VEHICLE_FIELDS},
            )
            session.add(vehicle)
            plan.vehicle = vehicle
            continue
        plan.vehicle = plan.existing
        if not plan.changes:
            continue
        reclassified = bool(plan.changes.keys() & {"drive_type", "weight_class"})
        async with stranding.guarded(
            session,
            actor,
            f"Importing vehicle {plan.existing.label}",
            check=reclassified,
            vehicle_id=plan.existing.id,
        ):
            for name, (_, new) in plan.changes.items():
                setattr(plan.existing, name, new)
    await session.flush()


async def _write_rows(
    session: AsyncSession,
    actor: Actor,
    plans: list[_RowPlan],
    vehicles: dict[str, _VehiclePlan],
    filename: str,
) -> None:
    for plan in plans:
        row, change = plan.row, plan.change
        if change.action not in ("create", "update"):
            continue
        vehicle = vehicles[row.vehicle.key].vehicle
        assert vehicle is not None and row.test_type and row.step and row.days
        if change.what == "allocation" and change.action == "create":
            assert row.dyno and row.allocation_start and row.allocation_end
            allocation = Allocation(
                vehicle_id=vehicle.id,
                dyno_id=row.dyno.id,
                test_type=row.test_type,
                start_date=row.allocation_start,
                end_date=row.allocation_end,
                status=row.allocation_status,
                created_by=actor.user_id,
                notes=f"Imported from {filename[:200]}, sheet {row.sheet}, row {row.number}.",
            )
            session.add(allocation)
            if plan.book_request is not None:
                await session.flush()
                plan.book_request.status = RequestStatus.booked.value
                plan.book_request.allocation_id = allocation.id
        elif change.what == "allocation":
            assert plan.allocation is not None
            for name, (_, new) in change.fields.items():
                setattr(plan.allocation, name, new)
        elif change.action == "create":
            values = _request_values(row)
            session.add(
                TestRequest(
                    vehicle_id=vehicle.id,
                    test_type=row.test_type,
                    mileage_step=row.step.label,
                    step_from_miles=row.step.from_miles,
                    step_to_miles=row.step.to_miles,
                    status=RequestStatus.open.value,
                    source_file=filename[:255],
                    source_sheet=row.sheet[:100],
                    source_row=row.number,
                    source_values=row.source_values,
                    created_by=actor.user_id,
                    **values,
                )
            )
        else:
            assert plan.request is not None
            for name, (_, new) in change.fields.items():
                setattr(plan.request, name, new)
            plan.request.source_file = filename[:255]
            plan.request.source_sheet = row.sheet[:100]
            plan.request.source_row = row.number
            plan.request.source_values = row.source_values
    await session.flush()
