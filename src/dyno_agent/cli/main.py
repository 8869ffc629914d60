"""The `dyno` command (Typer). Commands parse, call one domain function, and print the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from dyno_agent.cli import agent, booking, db, demo, reports, users
from dyno_agent.cli.runtime import apply_today, parse_date
from dyno_agent.cli.serve import serve

app = typer.Typer(
    name="dyno",
    help="Dyno Agent: chassis-dynamometer scheduling for automotive test labs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    today: Annotated[
        dt.date | None,
        typer.Option(
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="Pretend today is this day (the DYNO_TODAY setting).",
        ),
    ] = None,
) -> None:
    """Dyno Agent: chassis-dynamometer scheduling for automotive test labs."""
    apply_today(today)


app.command()(serve)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(users.app, name="users")
booking.register(app)
reports.register(app)
agent.register(app)
