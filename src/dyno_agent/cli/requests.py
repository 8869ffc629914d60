"""`dyno requests ...`: test requests from the command line (list, show, add, edit, cancel)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dyno_agent.cli.output import EndDate, JsonFlag, OptionalStart, date_option, print_json
from dyno_agent.cli.runtime import transact, transact_as
from dyno_agent.requests.status import RequestStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.requests.schemas import TestRequestRead

app = typer.Typer(help="Test requests: demand not yet on a dyno.", no_args_is_help=True)

RequestId = Annotated[int, typer.Argument(help="Test request id.")]
VehicleId = Annotated[int | None, typer.Option("--vehicle", help="Vehicle id.")]
Vin = Annotated[str | None, typer.Option("--vin", help="Vehicle VIN (any case).")]
Tag = Annotated[str | None, typer.Option("--tag", help="Vehicle tag (Tag #, any case).")]
Step = Annotated[str | None, typer.Option("--step", help="Mileage step, e.g. '5K-75K'.")]
Priority = Annotated[int | None, typer.Option(help="1 (lowest) to 5 (highest); default 3.")]
Notes = Annotated[str | None, typer.Option(help="Free text.")]
Earliest = Annotated[dt.date | None, date_option("Earliest start.")]
Desired = Annotated[dt.date | None, date_option("Desired start (default: the earliest).")]


def request_line(r: TestRequestRead) -> str:
    allocation = f" -> allocation #{r.allocation_id}" if r.allocation_id else ""
    return (
        f"#{r.id:<5} vehicle {r.vehicle_id:<5} {r.test_type:<20} {r.mileage_step:<10} "
        f"{r.days:>3} d  from {r.earliest_start}  desired {r.desired_start}  "
        f"p{r.priority}  {r.status.value}{allocation}"
    )


def _show(request: TestRequestRead, as_json: bool, message: str | None = None) -> None:
    if as_json:
        print_json(request)
        return
    typer.echo(request_line(request))
    if request.notes:
        typer.echo(f"  notes: {request.notes}")
    if request.source_file:
        row = f" row {request.source_row}" if request.source_row else ""
        typer.echo(f"  from: {request.source_file} {request.source_sheet or ''}{row}")
    if message:
        typer.echo(message)


@app.command("list")
def list_requests(
    vehicle: VehicleId = None,
    vin: Vin = None,
    status: Annotated[RequestStatus | None, typer.Option(help="Only this status.")] = None,
    test_type: Annotated[str | None, typer.Option("--test-type", "-t", help="Test type.")] = None,
    step: Step = None,
    min_priority: Annotated[int | None, typer.Option(min=1, max=5, help="At least.")] = None,
    start: OptionalStart = None,
    end: EndDate = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Test requests by desired start; --start/--end bound the desired start."""
    from dyno_agent.requests import service
    from dyno_agent.requests.schemas import TestRequestRead
    from dyno_agent.requests.service import RequestFilter
    from dyno_agent.requests.steps import normalize_mileage_step
    from dyno_agent.scheduling.vehicles import resolve_vehicle
    from dyno_agent.scheduling.vocab import normalize_test_type

    async def work(session: AsyncSession) -> tuple[list[TestRequestRead], int]:
        vehicle_id = vehicle
        if vin is not None:
            vehicle_id = (await resolve_vehicle(session, vehicle, vin)).id
        filters = RequestFilter(
            status=status,
            vehicle_id=vehicle_id,
            test_type=normalize_test_type(test_type) if test_type else None,
            mileage_step=normalize_mileage_step(step) if step else None,
            min_priority=min_priority,
            start_date=start,
            end_date=end,
        )
        rows, total = await service.list_requests(session, filters, limit=limit, offset=offset)
        return [TestRequestRead.model_validate(r) for r in rows], total

    rows, total = transact(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(request_line(row))
    typer.echo(f"{len(rows)} of {total} test request(s).")


def _given(**options: Any) -> dict[str, Any]:
    """The options the user gave: typer leaves the others None."""
    return {name: value for name, value in options.items() if value is not None}


@app.command()
def show(request_id: RequestId, as_json: JsonFlag = False) -> None:
    """One test request."""
    from dyno_agent.requests import service
    from dyno_agent.requests.schemas import TestRequestRead

    async def work(session: AsyncSession) -> TestRequestRead:
        return TestRequestRead.model_validate(await service.get_request(session, request_id))

    _show(transact(work), as_json)


@app.command()
def add(
    test_type: Annotated[str, typer.Option("--test-type", "-t", help="e.g. '150k mileage'.")],
    step: Annotated[str, typer.Option("--step", help="Mileage step, e.g. '0K-5K'.")],
    days: Annotated[int, typer.Option("--days", help="Length in whole days.")],
    earliest: Annotated[dt.date, date_option("Earliest start.")],
    vehicle: VehicleId = None,
    tag: Tag = None,
    vin: Vin = None,
    desired: Desired = None,
    priority: Priority = None,
    notes: Notes = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a test to place later (power_user)."""
    from dyno_agent.requests import service
    from dyno_agent.requests.schemas import TestRequestCreate, TestRequestRead

    async def work(session: AsyncSession, actor: Actor) -> TestRequestRead:
        fields = _given(
            vehicle_id=vehicle,
            tag=tag,
            vin=vin,
            test_type=test_type,
            mileage_step=step,
            days=days,
            earliest_start=earliest,
            desired_start=desired,
            priority=priority,
            notes=notes,
        )
        data = TestRequestCreate.model_validate(fields)
        return TestRequestRead.model_validate(await service.create_request(session, actor, data))

    _show(transact_as(work), as_json, "Recorded.")


@app.command()
def edit(
    request_id: RequestId,
    vehicle: VehicleId = None,
    tag: Tag = None,
    vin: Vin = None,
    test_type: Annotated[str | None, typer.Option("--test-type", "-t", help="Test type.")] = None,
    step: Step = None,
    days: Annotated[int | None, typer.Option("--days", help="Length in whole days.")] = None,
    earliest: Earliest = None,
    desired: Desired = None,
    priority: Priority = None,
    notes: Notes = None,
    as_json: JsonFlag = False,
) -> None:
    """Change an open or planned request; only the options given change (power_user)."""
    from dyno_agent.requests import service
    from dyno_agent.requests.schemas import TestRequestRead, TestRequestUpdate

    async def work(session: AsyncSession, actor: Actor) -> TestRequestRead:
        fields = _given(
            vehicle_id=vehicle,
            tag=tag,
            vin=vin,
            test_type=test_type,
            mileage_step=step,
            days=days,
            earliest_start=earliest,
            desired_start=desired,
            priority=priority,
            notes=notes,
        )
        data = TestRequestUpdate.model_validate(fields)
        request = await service.update_request(session, actor, request_id, data)
        return TestRequestRead.model_validate(request)

    _show(transact_as(work), as_json, "Changed.")


@app.command()
def cancel(request_id: RequestId, as_json: JsonFlag = False) -> None:
    """Cancel an open or planned request (power_user)."""
    from dyno_agent.requests import service
    from dyno_agent.requests.schemas import TestRequestRead

    async def work(session: AsyncSession, actor: Actor) -> TestRequestRead:
        request = await service.cancel_request(session, actor, request_id)
        return TestRequestRead.model_validate(request)

    _show(transact_as(work), as_json, "Cancelled.")
