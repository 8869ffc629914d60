"""Downloads of the schedule in the forecast sheet's shape, .xlsx and .csv (anyone signed in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from dyno_agent.deps import CurrentUser, SessionDep
from dyno_agent.forecast import writer
from dyno_agent.forecast.export import Cells, ExportFilter, plan_bookings, schedule_rows
from dyno_agent.inputs import Day
from dyno_agent.scheduling import clock

router = APIRouter(prefix="/exports", tags=["exports"])

StartDate = Annotated[Day | None, Query(description="Rows whose days end on or after this day.")]
EndDate = Annotated[Day | None, Query(description="Rows whose days start on or before this day.")]
Facility = Annotated[
    str | None, Query(max_length=60, description="Only rows in this TEST FACILITY (any case).")
]


def _file(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


PlanId = Annotated[
    int | None,
    Query(ge=1, description="A plan whose assignments are written as if booked (a preview)."),
]


async def _schedule_rows(
    session: SessionDep,
    _: CurrentUser,
    start_date: StartDate = None,
    end_date: EndDate = None,
    facility: Facility = None,
    plan_id: PlanId = None,
) -> list[Cells]:
    """The rows both formats write: the filters, and a plan's assignments when asked for."""
    planned = await plan_bookings(session, plan_id) if plan_id is not None else None
    return await schedule_rows(session, ExportFilter(start_date, end_date, facility), planned)


ScheduleRows = Annotated[list[Cells], Depends(_schedule_rows)]


def _download(content: bytes | str, media_type: str, extension: str) -> Response:
    filename = f"dyno-schedule-{clock.today().isoformat()}.{extension}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/schedule.xlsx", response_class=Response, responses=_file(writer.XLSX_MEDIA_TYPE))
async def export_schedule_xlsx(rows: ScheduleRows) -> Response:
    """The schedule as the forecast workbook: every request and booking, one sheet per facility;
    with `plan_id`, that plan's assignments filled in as if booked."""
    content = await run_in_threadpool(writer.to_xlsx, rows)  # CPU work off the event loop
    return _download(content, writer.XLSX_MEDIA_TYPE, "xlsx")


@router.get("/schedule.csv", response_class=Response, responses=_file(writer.CSV_MEDIA_TYPE))
async def export_schedule_csv(rows: ScheduleRows) -> Response:
    """The schedule as the forecast sheet in CSV (the main sheet only; ISO dates)."""
    return _download(writer.to_csv(rows), writer.CSV_MEDIA_TYPE, "csv")
