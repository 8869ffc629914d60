"""`dyno users`: accounts from the command line (e.g. the first admin), and what the admin screen
does: list, disable, enable, change a role. Changes need an admin (the operator is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.auth.roles import Role
from dyno_agent.cli.output import JsonFlag, print_json
from dyno_agent.cli.runtime import transact, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.auth.models import User
    from dyno_agent.auth.schemas import UserRead

app = typer.Typer(help="User accounts.", no_args_is_help=True)


@app.command()
def create(
    email: Annotated[str, typer.Argument(help="The login email.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            confirmation_prompt=True,
            hide_input=True,
            help="At least 8 characters; prompted for (twice) when omitted.",
        ),
    ],
    role: Annotated[Role, typer.Option(help="What the account may do.")] = Role.user,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
) -> None:
    """Create an active user with the given role."""
    from dyno_agent.auth.service import create_user

    async def work(session: AsyncSession) -> User:
        return await create_user(session, email=email, password=password, role=role, full_name=name)

    user = transact(work)
    typer.echo(f"Created user {user.id}: {user.email} ({user.role}).")


UserRef = Annotated[str, typer.Argument(metavar="USER", help="The user's email or id.")]


def user_line(u: UserRead) -> str:
    state = "active" if u.is_active else "disabled"
    return f"#{u.id:<5} {u.email:<32} {u.role.value:<10} {state:<8} {u.full_name or ''}".rstrip()


def _admin(actor: Actor) -> None:
    from dyno_agent.errors import PermissionDenied

    if not actor.has_role(Role.admin):
        raise PermissionDenied("This needs the admin role.", required_role="admin")


async def _find(session: AsyncSession, ref: str) -> User:
    from dyno_agent.auth import service
    from dyno_agent.errors import UserNotFound

    if ref.strip().isdigit():
        return await service.get_user(session, int(ref))
    user = await service.find_by_email(session, ref)
    if user is None:
        raise UserNotFound(f"No user with email {ref.strip().lower()}.", email=ref)
    return user


@app.command("list")
def list_users(
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Part of the email or name.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Users by id: email, role, active or disabled, name."""
    from dyno_agent.auth import service
    from dyno_agent.auth.schemas import UserRead

    async def work(session: AsyncSession, actor: Actor) -> list[UserRead]:
        _admin(actor)
        rows = await service.list_users(session, q=search, limit=limit)
        return [UserRead.model_validate(u) for u in rows]

    rows = transact_as(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(user_line(row))
    typer.echo(f"{len(rows)} user(s).")


def _update(
    ref: str, as_json: bool, *, role: Role | None = None, is_active: bool | None = None
) -> None:
    from dyno_agent.auth import service
    from dyno_agent.auth.schemas import UserRead

    async def work(session: AsyncSession, actor: Actor) -> UserRead:
        user = await _find(session, ref)
        updated = await service.update_user(session, actor, user.id, role=role, is_active=is_active)
        return UserRead.model_validate(updated)

    result = transact_as(work)
    if as_json:
        print_json(result)
    else:
        typer.echo(user_line(result))


@app.command()
def disable(user: UserRef, as_json: JsonFlag = False) -> None:
    """Disable an account: it can no longer sign in and its tokens stop working."""
    _update(user, as_json, is_active=False)


@app.command()
def enable(user: UserRef, as_json: JsonFlag = False) -> None:
    """Enable a disabled account again."""
    _update(user, as_json, is_active=True)


@app.command()
def role(
    user: UserRef,
    new_role: Annotated[Role, typer.Argument(metavar="ROLE", help="user, power_user or admin.")],
    as_json: JsonFlag = False,
) -> None:
    """Change a user's role (the last active admin stays an admin)."""
    _update(user, as_json, role=new_role)
