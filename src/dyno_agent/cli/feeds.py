"""`dyno feeds`: calendar feed tokens of a user (the `--as` account, or `--user` for the
operator): create one and print its feed URLs, list them, revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.cli.output import JsonFlag
from dyno_agent.cli.runtime import reported_errors, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.auth.models import User
    from dyno_agent.feeds.schemas import FeedTokenRead

app = typer.Typer(help="Calendar (iCalendar) feeds and their tokens.", no_args_is_help=True)

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        metavar="EMAIL",
        help="Whose tokens (default: the --as account; the operator must name one).",
    ),
]


async def _owner(session: AsyncSession, actor: Actor, email: str | None) -> User:
    from dyno_agent.auth import service
    from dyno_agent.auth.roles import Role
    from dyno_agent.errors import InvalidInput, PermissionDenied, UserNotFound

    if email is None:
        if actor.user_id is None:
            raise InvalidInput("Name the user whose feeds these are: --user EMAIL.", field="--user")
        return await service.get_user(session, actor.user_id)
    user = await service.find_by_email(session, email)
    if user is None:
        raise UserNotFound(f"No user with email {email.strip().lower()}.", email=email)
    if user.id != actor.user_id and not actor.has_role(Role.admin):
        raise PermissionDenied("Only an admin may manage another user's feed tokens.")
    return user


def base_url() -> str:
    from dyno_agent.config import get_settings

    settings = get_settings()
    return settings.feed_base_url or f"http://{settings.host}:{settings.port}"


def token_line(row: FeedTokenRead) -> str:
    used = row.last_used_at.strftime("%Y-%m-%d %H:%M") if row.last_used_at else "never"
    return (
        f"#{row.id:<5} {row.label:<32} {row.prefix}…  made {row.created_at:%Y-%m-%d}"
        f"  last used {used}"
    )


@app.command()
def create(
    label: Annotated[str | None, typer.Option(help="A name for it, e.g. 'Outlook'.")] = None,
    dyno: Annotated[str | None, typer.Option(help="Print this dyno's feed (id or name).")] = None,
    facility: Annotated[str | None, typer.Option(help="Print this facility's feed.")] = None,
    vehicle: Annotated[
        str | None, typer.Option(help="Print this vehicle's feed (id, tag or VIN).")
    ] = None,
    user: UserOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Make a feed token and print its feed URLs (shown only now: the token is not stored)."""
    from dyno_agent.feeds import links
    from dyno_agent.feeds.schemas import FeedTokenCreate, FeedTokenCreated

    with reported_errors():
        body = FeedTokenCreate(label=label, dyno=dyno, facility=facility, vehicle=vehicle)
    kind, ref = body.target()

    async def work(session: AsyncSession, actor: Actor) -> FeedTokenCreated:
        owner = await _owner(session, actor, user)
        created, link_set = await links.create_with_links(
            session, owner.id, base_url(), label=body.label, kind=kind, ref=ref
        )
        return FeedTokenCreated.of(created, link_set)

    result = transact_as(work)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"Created feed token #{result.id} ({result.label}); it is shown only now.")
    typer.echo(f"Feed:           {result.links.url}")
    typer.echo(f"Your bookings:  {result.links.mine}")
    typer.echo(f"Any dyno:       {result.links.dyno}")
    typer.echo(f"Any facility:   {result.links.facility}")
    typer.echo(f"Any vehicle:    {result.links.vehicle}")
    typer.echo(f"Revoke with:    dyno feeds revoke {result.id}")


@app.command("list")
def list_tokens(user: UserOption = None, as_json: JsonFlag = False) -> None:
    """The user's active feed tokens (their secrets are not stored, so not shown)."""
    from dyno_agent.cli.output import print_json
    from dyno_agent.feeds import tokens
    from dyno_agent.feeds.schemas import FeedTokenRead

    async def work(session: AsyncSession, actor: Actor) -> list[FeedTokenRead]:
        owner = await _owner(session, actor, user)
        return [
            FeedTokenRead.model_validate(r) for r in await tokens.list_tokens(session, owner.id)
        ]

    rows = transact_as(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(token_line(row))
    typer.echo(f"{len(rows)} feed token(s).")


@app.command()
def revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (from list).")],
    user: UserOption = None,
) -> None:
    """Revoke a feed token: every feed URL with it stops working at once."""
    from dyno_agent.feeds import tokens

    async def work(session: AsyncSession, actor: Actor) -> None:
        owner = await _owner(session, actor, user)
        await tokens.revoke_token(session, owner.id, token_id)

    transact_as(work)
    typer.echo(f"Revoked feed token #{token_id}.")
