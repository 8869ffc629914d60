"""Recurring bookings as tools: show a series, book one (after the user confirms the previewed
dates), cancel or move one (after the user confirms). Thin wrappers over `series.service`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.errors import SeriesConflicts
from dyno_agent.inputs import Day, InputModel
from dyno_agent.series import service, views
from dyno_agent.series.models import SeriesMode
from dyno_agent.series.schemas import SeriesCreate

SHOWN = 12  # occurrences a result or a question lists; counts give the rest
PATTERN = (
    "When it repeats, in the user's words: 'every monday for 6 weeks', 'every 2 weeks 5 times', "
    "'first week of each month until 2026-12-31', 'jeden Montag für 4 Wochen'."
)
SERIES_ID = "The series' id (from book_series or a booking's series_id)."


class BookSeriesArgs(a.VehicleRefArgs):
    test_type: str = Field(description=a.TEST_TYPE)
    pattern: str = Field(min_length=3, max_length=200, description=PATTERN)
    start_date: Day | None = Field(
        None, description="First possible day, YYYY-MM-DD; default today."
    )
    days_to_complete: int | None = Field(
        None, ge=1, le=3650, description="Days of each occurrence (default 1; 5 for 'first week')."
    )
    backup: bool = Field(
        False,
        description="Each occurrence may start up to max_shift_days later; those that still do "
        "not fit are skipped. Without it: every occurrence is booked, or none.",
    )
    max_shift_days: int = Field(2, ge=0, le=365, description="With backup: days later at most.")

    def create(self) -> SeriesCreate:
        return SeriesCreate(
            vehicle_id=self.vehicle_id,
            tag=self.tag,
            vin=self.vin,
            test_type=self.test_type,
            pattern=self.pattern,
            start_date=self.start_date,
            days_to_complete=self.days_to_complete,
            mode=SeriesMode.backup if self.backup else SeriesMode.all_or_nothing,
            max_shift_days=self.max_shift_days,
            dyno=None,
        )


class SeriesIdArgs(InputModel):
    model_config = a._ARGS
    series_id: int = Field(ge=1, le=a.MAX_ID, description=SERIES_ID)


class CancelSeriesArgs(SeriesIdArgs):
    allocation_id: int | None = Field(
        None, ge=1, le=a.MAX_ID, description="Only this occurrence (it stays in the series)."
    )


class MoveSeriesArgs(CancelSeriesArgs):
    shift_days: int = Field(ge=-365, le=365, description="Days later (negative: earlier).")


def _dates(days: list[str]) -> str:
    shown = ", ".join(days[:SHOWN])
    return shown + (f" and {len(days) - SHOWN} more" if len(days) > SHOWN else "")


async def ask_book_series(env: ToolEnv, x: BookSeriesArgs) -> str:
    preview = await service.book_series(env.session, env.actor, x.create(), preview=True)
    free = [o.requested_start.isoformat() for o in preview.occurrences if o.problem is None]
    blocked = [o.requested_start.isoformat() for o in preview.occurrences if o.problem]
    days = preview.occurrences[0].requested_end - preview.occurrences[0].requested_start
    text = (
        f"Book {x.test_type} {preview.pattern} ({len(preview.occurrences)} occurrence(s) of "
        f"{days.days + 1} day(s)): {_dates(free)}"
        + (f" on {preview.dyno_name} where free" if preview.dyno_name else "")
    )
    if blocked and not x.backup:
        raise SeriesConflicts(
            f"{len(blocked)} of {len(preview.occurrences)} date(s) have no free compatible dyno: "
            f"{_dates(blocked)}. Nothing was booked; ask for backup (shifts) or other dates.",
            occurrences=[o.as_detail() for o in preview.occurrences if o.problem][:SHOWN],
        )
    if blocked:
        text += f"; without a free dyno even shifted, skipped: {_dates(blocked)}"
    return text + "?"


async def book_series(env: ToolEnv, x: BookSeriesArgs) -> ToolOutcome:
    try:
        result = views.booking_read(await service.book_series(env.session, env.actor, x.create()))
    except SeriesConflicts as exc:
        shown = exc.details.get("occurrences", [])[:SHOWN]
        raise SeriesConflicts(exc.message, **{**exc.details, "occurrences": shown}) from None
    data: dict[str, Any] = {
        "series_id": result.series.id if result.series else None,
        "pattern": result.pattern,
        "booked": result.booked,
        "skipped": result.skipped,
        "occurrences": [o.model_dump(mode="json") for o in result.occurrences[:SHOWN]],
    }
    return ToolOutcome.success(result.message, data)


async def get_series(env: ToolEnv, x: SeriesIdArgs) -> ToolOutcome:
    details = await views.details_read(
        env.session, await service.get_series(env.session, x.series_id)
    )
    data = details.model_dump(mode="json")
    data["occurrences"] = data["occurrences"][:SHOWN]
    line = f"Series {details.id}: {details.test_type}, {details.pattern} ({details.status.value})"
    return ToolOutcome.success(line, {"series": data, "series_id": details.id})


async def _open(env: ToolEnv, x: CancelSeriesArgs) -> tuple[str, list[str]]:
    series = await service.get_series(env.session, x.series_id)
    service.ensure_can_change(env.actor, series)
    occurrences = await service.series_allocations(env.session, series.id)
    targets = service.open_targets(series, occurrences, x.allocation_id)
    return series.pattern, [t.start_date.isoformat() for t in targets]


async def ask_cancel_series(env: ToolEnv, x: CancelSeriesArgs) -> str:
    pattern, dates = await _open(env, x)
    if x.allocation_id is not None:
        return f"Cancel occurrence #{x.allocation_id} ({_dates(dates)}) of series {x.series_id}?"
    return (
        f"Cancel the {len(dates)} remaining occurrence(s) of series {x.series_id} ({pattern}): "
        f"{_dates(dates) or 'none'}? Running, completed and past ones stay."
    )


async def cancel_series(env: ToolEnv, x: CancelSeriesArgs) -> ToolOutcome:
    change = await service.cancel_series(
        env.session, env.actor, x.series_id, allocation_id=x.allocation_id
    )
    read = views.change_read(change)
    return ToolOutcome.success(change.message, {"series_id": x.series_id, **_change_data(read)})


async def ask_move_series(env: ToolEnv, x: MoveSeriesArgs) -> str:
    change = await service.move_series(
        env.session,
        env.actor,
        x.series_id,
        x.shift_days,
        allocation_id=x.allocation_id,
        preview=True,
    )
    moves = [f"{c.start_date} -> {c.new_start_date} ({c.new_dyno_name})" for c in change.changed]
    return f"Move {len(moves)} occurrence(s) of series {x.series_id}: {_dates(moves)}?"


async def move_series(env: ToolEnv, x: MoveSeriesArgs) -> ToolOutcome:
    change = await service.move_series(
        env.session, env.actor, x.series_id, x.shift_days, allocation_id=x.allocation_id
    )
    read = views.change_read(change)
    return ToolOutcome.success(change.message, {"series_id": x.series_id, **_change_data(read)})


def _change_data(read: Any) -> dict[str, Any]:
    return {
        "changed": [c.model_dump(mode="json") for c in read.changed[:SHOWN]],
        "changed_total": len(read.changed),
        "kept_total": len(read.kept),
    }


SERIES_TOOLS = [
    ToolSpec(
        "get_series",
        "One recurring series by id: pattern, vehicle, test type and its occurrences.",
        SeriesIdArgs,
        get_series,
    ),
    ToolSpec(
        "book_series",
        "Book a vehicle's test repeatedly by a pattern ('every monday for 6 weeks'). The user "
        "sees the dates and confirms first; every occurrence is booked or none (with backup: "
        "each may shift a few days, the rest are skipped).",
        BookSeriesArgs,
        book_series,
        destructive=True,
        question=ask_book_series,
    ),
    ToolSpec(
        "cancel_series",
        "Cancel a series' remaining occurrences (from today; running and past ones stay), or "
        "one occurrence. The user is asked to confirm first.",
        CancelSeriesArgs,
        cancel_series,
        destructive=True,
        question=ask_cancel_series,
    ),
    ToolSpec(
        "move_series",
        "Move a series' remaining occurrences (or one) by shift_days, all of them or none. The "
        "user is asked to confirm first.",
        MoveSeriesArgs,
        move_series,
        destructive=True,
        question=ask_move_series,
    ),
]
