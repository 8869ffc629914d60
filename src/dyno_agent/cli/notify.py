"""`dyno notify ...` (subscriptions of the `--as` user; the outbox and retries for admins) and
`dyno notify-worker` (delivers the outbox until stopped)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import JsonFlag, print_json
from dyno_agent.cli.runtime import open_configured_database, reported_errors, run, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.notifications.models import OutboxMessage
    from dyno_agent.notifications.schemas import SubscriptionRead

app = typer.Typer(
    help="Notifications: your subscriptions; the outbox (admins).", no_args_is_help=True
)


def _user_id(actor: Actor) -> int:
    from dyno_agent.errors import InvalidInput

    if actor.user_id is None:
        raise InvalidInput("Subscriptions belong to a user: run as one with `dyno --as EMAIL`.")
    return actor.user_id


def _admin(actor: Actor) -> None:
    from dyno_agent.auth.roles import Role
    from dyno_agent.errors import PermissionDenied

    if not actor.has_role(Role.admin):
        raise PermissionDenied("This needs the admin role.", required_role="admin")


def subscription_line(s: SubscriptionRead) -> str:
    what = {
        "all": "all bookings",
        "dyno": f"dyno {s.dyno or s.dyno_id}",
        "facility": f"facility {s.facility}",
        "vehicle": f"vehicle {s.vehicle or s.vehicle_id}",
    }[s.scope.value]
    channels = ", ".join(
        c
        for c in ("e-mail" if s.email else "", f"webhook {s.webhook_url}" if s.webhook_url else "")
        if c
    )
    return f"#{s.id:<5} {what:<30} {channels}"


def outbox_line(m: OutboxMessage) -> str:
    error = f"  ({m.last_error})" if m.last_error else ""
    return (
        f"#{m.id:<6} {m.status:<9} {m.kind:<14} booking {m.allocation_id:<6} {m.channel:<7} "
        f"{m.target}  attempts {m.attempts}{error}"
    )


@app.command("subscriptions")
def list_subscriptions(json_output: JsonFlag = False) -> None:
    """Your subscriptions (run with `dyno --as EMAIL`)."""
    from dyno_agent.notifications import service

    async def work(session: AsyncSession, actor: Actor) -> list[SubscriptionRead]:
        found = await service.list_subscriptions(session, _user_id(actor))
        return await service.describe(session, found)

    items = transact_as(work)
    if json_output:
        print_json(items)
        return
    for item in items:
        typer.echo(subscription_line(item))
    if not items:
        typer.echo("No subscriptions.")


@app.command()
def subscribe(
    dyno: Annotated[str | None, typer.Option(help="A dyno's id or name.")] = None,
    facility: Annotated[str | None, typer.Option(help="A facility.")] = None,
    vehicle: Annotated[str | None, typer.Option(help="A vehicle's tag (or id).")] = None,
    all_bookings: Annotated[bool, typer.Option("--all", help="Every booking.")] = False,
    email: Annotated[bool, typer.Option("--email/--no-email", help="Send e-mail.")] = True,
    webhook: Annotated[str | None, typer.Option(help="Also POST to this http(s) URL.")] = None,
) -> None:
    """Follow a dyno, a facility, a vehicle or all bookings (prints a webhook's secret once)."""
    from dyno_agent.config import get_settings
    from dyno_agent.errors import InvalidInput
    from dyno_agent.notifications import service
    from dyno_agent.notifications.schemas import SubscriptionCreate

    given = [n for n, v in (("dyno", dyno), ("facility", facility), ("vehicle", vehicle)) if v]
    vehicle_id = int(vehicle) if vehicle and vehicle.isdigit() else None
    with reported_errors():
        if len(given) + all_bookings != 1:
            raise InvalidInput("Give exactly one of --dyno, --facility, --vehicle or --all.")
        data = SubscriptionCreate(
            scope=given[0] if given else "all",  # type: ignore[arg-type]
            dyno=dyno,
            facility=facility,
            vehicle_id=vehicle_id,
            vehicle_tag=vehicle if vehicle and vehicle_id is None else None,
            email=email,
            webhook_url=webhook,
        )
    allow_private = get_settings().webhook_allow_private

    async def work(session: AsyncSession, actor: Actor) -> tuple[SubscriptionRead, str | None]:
        created = await service.create_subscription(session, _user_id(actor), data, allow_private)
        return (await service.describe(session, [created]))[0], created.webhook_secret

    item, secret = transact_as(work)
    typer.echo(f"Subscribed: {subscription_line(item)}")
    if secret:
        typer.echo(f"Webhook secret (shown once): {secret}")


@app.command()
def unsubscribe(subscription_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Delete one of your subscriptions."""
    from dyno_agent.notifications import service

    async def work(session: AsyncSession, actor: Actor) -> None:
        await service.delete_subscription(session, _user_id(actor), subscription_id)

    transact_as(work)
    typer.echo(f"Subscription {subscription_id} deleted.")


@app.command()
def outbox(
    status: Annotated[str | None, typer.Option(help="pending, delivered, dead or skipped.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    json_output: JsonFlag = False,
) -> None:
    """Notifications waiting, sent, skipped or given up (dead letters); admins."""
    from dyno_agent.notifications import service
    from dyno_agent.notifications.models import OutboxStatus
    from dyno_agent.notifications.schemas import OutboxRead

    wanted = OutboxStatus(status) if status else None

    async def work(session: AsyncSession, actor: Actor) -> list[OutboxRead]:
        _admin(actor)
        items, _ = await service.list_outbox(session, wanted, limit, 0)
        return [OutboxRead.model_validate(m) for m in items]

    items = transact_as(work)
    if json_output:
        print_json(items)
        return
    for item in items:
        typer.echo(outbox_line(item))  # type: ignore[arg-type]
    if not items:
        typer.echo("Nothing in the outbox.")


@app.command()
def retry(message_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Send a dead or skipped notification again (admins)."""
    from dyno_agent.notifications import service

    async def work(session: AsyncSession, actor: Actor) -> None:
        _admin(actor)
        await service.retry(session, message_id)

    transact_as(work)
    typer.echo(f"Notification {message_id} is due again.")


def notify_worker(
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop once nothing is pending.")
    ] = False,
    max_seconds: Annotated[
        float | None, typer.Option(min=0.1, help="Stop after this many seconds.")
    ] = None,
) -> None:
    """Deliver notifications (e-mail, webhooks) until stopped; run as many as you like."""
    from dyno_agent.config import get_settings
    from dyno_agent.db.engine import make_engine, make_session_factory
    from dyno_agent.db.timeouts import DatabaseTimeouts
    from dyno_agent.notifications.worker import Worker
    from dyno_agent.observability.logging import configure_logging

    settings = get_settings()
    configure_logging(settings)
    database = open_configured_database()

    async def work() -> None:
        engine = make_engine(database.url, 2, DatabaseTimeouts.from_settings(settings))
        try:
            worker = Worker(settings, make_session_factory(engine))
            mail = settings.smtp_host or "off (DYNO_SMTP_HOST unset)"
            typer.echo(f"Notification worker {worker.name}; e-mail: {mail}")
            await worker.run(until_idle=until_idle, max_seconds=max_seconds)
        finally:
            await engine.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        run(work())
