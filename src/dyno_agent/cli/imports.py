"""`dyno import forecast FILE`: the lab's forecast workbook (or CSV) into vehicles and requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dyno_agent.cli.runtime import EXIT_ERROR, fail, transact_as

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor

app = typer.Typer(help="Import the lab's files.", no_args_is_help=True)
MAX_LISTED = 200


def _summary(report: dict[str, Any], refused: bool) -> list[str]:
    created, updated = report["created"], report["updated"]
    hypothetical = report["dry_run"] or refused
    verb = "would be" if hypothetical else "were"
    create, change = ("Would create", "Would update") if hypothetical else ("Created", "Updated")
    lines = [
        f"{report['file']} ({report['sheet']}): {report['rows']} rows, {report['valid']} valid, "
        f"{report['invalid']} invalid.",
        f"{create}: {created['vehicles']} vehicles, {created['requests']} requests, "
        f"{created['allocations']} allocations. {change}: {updated['vehicles']} vehicles, "
        f"{updated['requests']} requests, {updated['allocations']} allocations. "
        f"Unchanged: {report['unchanged']}. Skipped: {report['skipped']}.",
    ]
    for row in report["changes"]:
        if row["action"] == "update":
            fields = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in row["fields"].items())
            lines.append(f"  row {row['row']} {row['key']}: {fields}")
    for change in report["vehicle_changes"]:
        fields = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in change["fields"].items())
        lines.append(f"  vehicle {change['key']}: {fields}")
    for name in ("rules", "maintenance"):
        diff = report.get(name)
        if diff is not None:
            lines.append(
                f"{name.capitalize()}: {len(diff['added'])} added, "
                f"{len(diff['removed'])} removed ({verb} replaced)."
            )
            lines += [f"  + {item}" for item in diff["added"]]
            lines += [f"  - {item}" for item in diff["removed"]]
    return lines


def _problem_table(problems: list[dict[str, Any]]) -> list[str]:
    if not problems:
        return []
    lines = [
        f"{len(problems)} problem(s):",
        f"  {'sheet':<28} {'row':>5}  {'level':<7} {'column':<26} {'value':<24} reason",
    ]
    ordered = sorted(problems, key=lambda p: (p["severity"] != "error", p["sheet"], p["row"] or 0))
    for p in ordered[:MAX_LISTED]:
        value = "" if p["value"] is None else str(p["value"])
        lines.append(
            f"  {p['sheet'][:28]:<28} {p['row'] if p['row'] is not None else '':>5}  "
            f"{p['severity']:<7} {(p['column'] or '')[:26]:<26} {value[:24]:<24} {p['reason']}"
        )
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more (use --json for all).")
    return lines


@app.command()
def forecast(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help=".xlsx or .csv")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows, skip the others.")
    ] = False,
    rules: Annotated[
        bool, typer.Option("--rules", help="Also replace the dyno rules (DynoRules sheet).")
    ] = False,
    maintenance: Annotated[
        bool, typer.Option("--maintenance", help="Also replace maintenance (Maintenance sheet).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import the forecast (power_user): vehicles by tag, open test requests, and RUNNING or
    COMPLETED rows as allocations. Nothing is written if a row is invalid (see --skip-invalid)."""
    from dyno_agent.config import get_settings
    from dyno_agent.errors import InvalidRows
    from dyno_agent.forecast.service import ImportOptions, import_forecast

    settings = get_settings()
    size = file.stat().st_size
    if size > settings.import_max_bytes:
        fail(
            f"The file is too large: {size:,} bytes (limit {settings.import_max_bytes:,}, "
            "setting DYNO_IMPORT_MAX_BYTES)."
        )
    data = file.read_bytes()
    options = ImportOptions(dry_run, skip_invalid, rules, maintenance)

    async def work(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        try:
            return await import_forecast(session, actor, data, file.name, settings, options)
        except InvalidRows as exc:
            return {"refused": exc.message, **exc.details}

    report = transact_as(work)
    refused = report.pop("refused", None)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
    else:
        for line in _summary(report, bool(refused)) + _problem_table(report["problems"]):
            typer.echo(line)
    if refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(EXIT_ERROR)
