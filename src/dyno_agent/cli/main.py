"""The `dyno` command (Typer). Commands parse, call one domain function, and print the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from dyno_agent.cli import (
    agent,
    approvals,
    booking,
    db,
    demo,
    feeds,
    imports,
    maintenance,
    notify,
    plans,
    reports,
    requests,
    series,
    users,
    vehicles,
    waitlist,
)
from dyno_agent.cli import backup as backup_cli
from dyno_agent.cli import export as export_cli
from dyno_agent.cli import notes as notes_cli
from dyno_agent.cli.runtime import act_as, apply_today, parse_date, use_flags
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
    as_email: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="EMAIL",
            help="Act as this account, with its role (default: the operator, with full rights, "
            "recorded in the audit under the OS user name).",
        ),
    ] = None,
) -> None:
    """Dyno Agent: chassis-dynamometer scheduling for automotive test labs."""
    apply_today(today)
    act_as(as_email)
    use_flags({})


app.command()(serve)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(users.app, name="users")
app.add_typer(vehicles.app, name="vehicles")
app.add_typer(requests.app, name="requests")
app.add_typer(imports.app, name="import")
app.add_typer(maintenance.app, name="maintenance")
app.add_typer(feeds.app, name="feeds")
app.add_typer(series.app, name="series")
app.add_typer(notify.app, name="notify")
app.command("notify-worker")(notify.notify_worker)
app.add_typer(waitlist.app, name="waitlist")
app.add_typer(approvals.app, name="approvals")
booking.register(app)
notes_cli.register(app)
reports.register(app)
agent.register(app)
export_cli.register(app)
plans.register(app)
backup_cli.register(app)
