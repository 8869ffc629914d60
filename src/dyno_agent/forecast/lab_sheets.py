"""The workbook's `DynoRules` and `Maintenance` sheets: what replacing the lab's rules and
maintenance windows with them would change, and doing it with the scheduling services (so a change
that would strand open bookings, or a window over a booking, is refused as it is everywhere else).

DynoRules rows are `TestType, DriveType, WeightClass, Dynos (comma-separated)`, one conjunctive rule
per dyno listed. The workbook knows only `awd` and `2wd`; a 4WD (4X4) vehicle drives both axles, so
every AWD rule gets a 4WD twin, as in the demo rule table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor
from dyno_agent.errors import InvalidInput
from dyno_agent.forecast.columns import header_key
from dyno_agent.forecast.reader import (
    MAINTENANCE_SHEET,
    RULES_SHEET,
    ForecastFile,
    Problem,
    Value,
)
from dyno_agent.forecast.rows import Lab, dyno_key
from dyno_agent.scheduling import dynos as dyno_service
from dyno_agent.scheduling import maintenance as maintenance_service
from dyno_agent.scheduling import vocab
from dyno_agent.scheduling.models import DynoRule, MaintenanceWindow
from dyno_agent.scheduling.schemas.dynos import RuleIn
from dyno_agent.scheduling.schemas.maintenance import MaintenanceCreate

Rule = tuple[str, str, str]  # test type, drive, weight class (normalised)
WORKBOOK_MAINTENANCE_REASON = "Workbook maintenance"


@dataclass
class SheetsPlan:
    rules: dict[int, set[Rule]] | None = None  # wanted rules by dyno id
    current_rules: dict[int, set[Rule]] = field(default_factory=dict)
    windows: set[tuple[int, dt.date, dt.date]] | None = None
    current_windows: dict[tuple[int, dt.date, dt.date], int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem_dicts(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.problems]

    def rules_diff(self) -> dict[str, list[str]] | None:
        if self.rules is None:
            return None
        added, removed = [], []
        for dyno_id, name in self.names.items():
            wanted, now = self.rules.get(dyno_id, set()), self.current_rules.get(dyno_id, set())
            added += [f"{name}: {' / '.join(r)}" for r in sorted(wanted - now)]
            removed += [f"{name}: {' / '.join(r)}" for r in sorted(now - wanted)]
        return {"added": added, "removed": removed}

    def maintenance_diff(self) -> dict[str, list[str]] | None:
        if self.windows is None:
            return None

        def text(window: tuple[int, dt.date, dt.date]) -> str:
            return f"{self.names[window[0]]}: {window[1]} to {window[2]}"

        now = set(self.current_windows)
        return {
            "added": [text(w) for w in sorted(self.windows - now)],
            "removed": [text(w) for w in sorted(now - self.windows)],
        }

    @property
    def valid(self) -> bool:
        return not self.problems


def _cell_text(value: Value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _day(value: Value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


async def plan(session: AsyncSession, file: ForecastFile, lab: Lab) -> SheetsPlan:
    result = SheetsPlan()
    if file.rules is None and file.maintenance is None:
        return result
    result.names = {ref.id: ref.name for ref in lab.dynos.values()}
    if file.rules is not None:
        result.rules = _wanted_rules(file.rules, lab, result.problems)
        for rule in await session.scalars(select(DynoRule)):
            found = (rule.test_type, rule.drive_type, rule.weight_class)
            result.current_rules.setdefault(rule.dyno_id, set()).add(found)
    if file.maintenance is not None:
        result.windows = _wanted_windows(file.maintenance, lab, result.problems)
        for window in await session.scalars(select(MaintenanceWindow)):
            key = (window.dyno_id, window.start_date, window.end_date)
            result.current_windows[key] = window.id
    return result


def _dynos(text: str, lab: Lab) -> tuple[list[int], list[str]]:
    ids, unknown = [], []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        ref = lab.dynos.get(dyno_key(name))
        if ref is None:
            unknown.append(name)
        else:
            ids.append(ref.id)
    return ids, unknown


def _wanted_rules(
    rows: list[tuple[int, tuple[Value, ...]]], lab: Lab, problems: list[Problem]
) -> dict[int, set[Rule]]:
    wanted: dict[int, set[Rule]] = {}
    header = next(
        (i for i, (_, cells) in enumerate(rows) if header_key(cells[0]) == "testtype"), None
    )
    if header is None:
        problems.append(Problem(RULES_SHEET, None, None, None, "no TestType header row"))
        return wanted
    for number, cells in rows[header + 1 :]:
        test, drive, weight, names = (_cell_text(v) for v in cells[:4])
        if not any((test, drive, weight, names)):
            continue
        try:
            rule = (
                vocab.normalize_test_type(test),
                vocab.normalize_rule_drive(drive),
                vocab.normalize_rule_weight_class(weight),
            )
        except InvalidInput as exc:
            problems.append(
                Problem(RULES_SHEET, number, exc.details.get("field"), test, exc.message)
            )
            continue
        ids, unknown = _dynos(names, lab)
        if unknown:
            problems.append(
                Problem(
                    RULES_SHEET, number, "Dynos", names, f"unknown dyno(s): {', '.join(unknown)}"
                )
            )
            continue
        twins = [rule, (rule[0], "4WD", rule[2])] if rule[1] == "AWD" else [rule]
        for dyno_id in ids:
            wanted.setdefault(dyno_id, set()).update(twins)
    return wanted


def _wanted_windows(
    rows: list[tuple[int, tuple[Value, ...]]], lab: Lab, problems: list[Problem]
) -> set[tuple[int, dt.date, dt.date]]:
    wanted: set[tuple[int, dt.date, dt.date]] = set()
    header = next((i for i, (_, cells) in enumerate(rows) if header_key(cells[0]) == "dyno"), None)
    if header is None:
        problems.append(Problem(MAINTENANCE_SHEET, None, None, None, "no Dyno header row"))
        return wanted
    for number, cells in rows[header + 1 :]:
        name = _cell_text(cells[0])
        start, end = _day(cells[1]), _day(cells[2])
        if not name or (cells[1] is None and cells[2] is None):
            continue  # a dyno listed without a window
        ref = lab.dynos.get(dyno_key(name))
        if ref is None:
            problems.append(Problem(MAINTENANCE_SHEET, number, "Dyno", name, "unknown dyno"))
        elif start is None or end is None or end < start:
            problems.append(
                Problem(
                    MAINTENANCE_SHEET,
                    number,
                    "End Date",
                    f"{cells[1]} - {cells[2]}",
                    "a window needs a start and an end date, the end not before the start",
                )
            )
        else:
            wanted.add((ref.id, start, end))
    return wanted


async def apply(session: AsyncSession, actor: Actor, sheets: SheetsPlan) -> None:
    """Replace the rules of every dyno whose rules change, then the maintenance windows; the
    services refuse changes that strand open bookings or cover booked days."""
    if sheets.rules is not None:
        for dyno_id in sheets.names:
            wanted = sheets.rules.get(dyno_id, set())
            if wanted == sheets.current_rules.get(dyno_id, set()):
                continue
            rules = [
                RuleIn(test_type=t, drive_type=d, weight_class=w) for t, d, w in sorted(wanted)
            ]
            await dyno_service.replace_rules(session, actor, dyno_id, rules)
    if sheets.windows is not None:
        for key, window_id in sheets.current_windows.items():
            if key not in sheets.windows:
                await maintenance_service.delete_maintenance(session, window_id)
        for dyno_id, start, end in sorted(sheets.windows - set(sheets.current_windows)):
            data = MaintenanceCreate(
                start_date=start, end_date=end, reason=WORKBOOK_MAINTENANCE_REASON
            )
            await maintenance_service.add_maintenance(session, dyno_id, data)
