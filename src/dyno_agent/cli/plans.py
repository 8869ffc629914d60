"""`dyno plan`: plan the open test requests (a preview), and with --commit book that plan."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import JsonFlag
from dyno_agent.cli.runtime import EXIT_ERROR, open_configured_database, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.errors import PlanConflicts
    from dyno_agent.planning.schemas import PlanCommitRead, PlanRead


def plan(
    horizon: Annotated[
        int, typer.Option(min=1, help="Latest start, in days from today (default 365).")
    ] = 365,
    time_limit: Annotated[
        float | None,
        typer.Option(help="Solver time limit in seconds (default DYNO_PLANNER_TIME_LIMIT_S)."),
    ] = None,
    test_type: Annotated[
        str | None, typer.Option("--test-type", "-t", help="Only requests for this test.")
    ] = None,
    vehicle: Annotated[int | None, typer.Option(help="Only this vehicle's requests.")] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Book the plan right after making it (power_user).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Plan the open test requests with the optimising planner: prints the summary, the unplaced
    requests by reason and the assignments. Nothing is booked without --commit."""
    from dyno_agent.config import get_settings
    from dyno_agent.errors import PlanConflicts
    from dyno_agent.planning import service
    from dyno_agent.planning.loader import PlanScope
    from dyno_agent.planning.models import PlanStatus
    from dyno_agent.planning.schemas import PlanCommitRead, PlanRead
    from dyno_agent.planning.service import PlanOptions
    from dyno_agent.scheduling import clock
    from dyno_agent.scheduling.vocab import normalize_test_type

    database = open_configured_database()
    scope = PlanScope(
        test_type=normalize_test_type(test_type) if test_type else None, vehicle_id=vehicle
    )

    async def make(session: AsyncSession, actor: Actor) -> PlanRead:
        details = await service.create_plan(
            session, actor, scope, PlanOptions(horizon, time_limit), get_settings(), clock.today()
        )
        return PlanRead.of_details(details)

    preview = transact_as(make, database)
    if as_json and not commit:
        typer.echo(preview.model_dump_json(indent=2))
    elif not as_json:
        _print_plan(preview)
    if not commit:
        if not as_json:
            typer.echo(f"Preview only: book it with `dyno plan --commit` (plan {preview.id}).")
        return

    async def book(session: AsyncSession, actor: Actor) -> PlanCommitRead:
        try:
            result = await service.commit_plan(session, actor, preview.id)
        except PlanConflicts as exc:
            _print_conflicts(exc)
            raise typer.Exit(EXIT_ERROR) from None
        allocation_ids = [a.id for a in result.allocations]
        return PlanCommitRead(
            id=result.plan.id,
            status=PlanStatus(result.plan.status),
            booked=len(allocation_ids),
            allocation_ids=allocation_ids,
        )

    committed = transact_as(book, database)
    if as_json:
        both = {
            "plan": preview.model_dump(mode="json"),
            "commit": committed.model_dump(mode="json"),
        }
        typer.echo(json.dumps(both, indent=2))
    else:
        typer.echo(f"Committed plan {committed.id}: {committed.booked} booking(s) made.")


def _print_plan(plan: PlanRead) -> None:
    s = plan.summary
    typer.echo(
        f"Plan {plan.id} ({plan.status.value}), today {plan.today}, horizon "
        f"{plan.horizon_days} d: {s.placed} of {s.requests} placed, {s.unplaced} unplaced; "
        f"lateness {s.total_lateness_days} day(s) in all, {s.mean_lateness_days:g} on average."
    )
    typer.echo(
        f"Solver: {s.solver_status}, gap {s.gap:.2%}, {s.solve_seconds:g} s. Utilisation "
        f"{s.utilisation_before:.1%} -> {s.utilisation_after:.1%}."
    )
    if s.bottleneck:
        typer.echo(f"Bottleneck: {s.bottleneck}.")
    if plan.unplaced:
        typer.echo("Unplaced:")
        for reason in sorted({u.reason for u in plan.unplaced}):
            rows = [u for u in plan.unplaced if u.reason == reason]
            typer.echo(f"  {reason} ({len(rows)}):")
            for u in rows:
                typer.echo(
                    f"    #{u.request_id:<5} {u.vehicle_label:<16} {u.test_type:<20} "
                    f"{u.mileage_step:<10} {u.message}"
                )
    if plan.assignments:
        typer.echo("Assignments:")
        typer.echo(
            f"  {'request':<8} {'vehicle':<16} {'test':<20} {'step':<10} {'dyno':<10} "
            f"{'start':<10}  {'end':<10}  late"
        )
        for a in plan.assignments:
            typer.echo(
                f"  #{a.request_id:<7} {a.vehicle_label:<16} {a.test_type:<20} "
                f"{a.mileage_step:<10} {a.dyno_name:<10} {a.start_date}  {a.end_date}  "
                f"{a.lateness_days}"
            )


def _print_conflicts(error: PlanConflicts) -> None:
    typer.echo(f"error: {error.message}", err=True)
    for c in error.details.get("conflicts", []):
        typer.echo(
            f"  request #{c['request_id']} on {c['dyno_name']} {c['start_date']} to "
            f"{c['end_date']}: {c['reason']}: {c['message']}",
            err=True,
        )


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Planning")(plan)
