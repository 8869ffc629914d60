"""`dyno users create`: accounts from the command line (e.g. the first admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dyno_agent.auth.roles import Role
from dyno_agent.cli.runtime import transact

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.models import User

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
