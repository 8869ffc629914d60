"""POST /imports/forecast: the lab's forecast workbook (or CSV) in, vehicles and requests out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from dyno_agent.deps import ActorDep, PowerUser, SessionDep, SettingsDep
from dyno_agent.errors import ErrorBody, FileTooLarge
from dyno_agent.forecast.schemas import ImportReport
from dyno_agent.forecast.service import ImportOptions, import_forecast

router = APIRouter(prefix="/imports", tags=["imports"])
_CHUNK = 1 << 16
_FORM_OVERHEAD = 64 << 10  # multipart boundaries and headers around the file


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` without reading them all."""
    data = bytearray()
    while chunk := await upload.read(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise FileTooLarge(
                f"The file is too large: more than {limit:,} bytes "
                "(setting DYNO_IMPORT_MAX_BYTES).",
                limit=limit,
                setting="DYNO_IMPORT_MAX_BYTES",
            )
    return bytes(data)


async def _refuse_large_bodies(request: Request, settings: SettingsDep) -> None:
    """Refuse a body announced as too large before the multipart parser spools it."""
    length = request.headers.get("content-length", "")
    limit = settings.import_max_bytes + _FORM_OVERHEAD
    if length.isdigit() and int(length) > limit:
        raise FileTooLarge(
            f"The file is too large: the request has {int(length):,} bytes "
            f"(setting DYNO_IMPORT_MAX_BYTES = {settings.import_max_bytes:,}).",
            limit=settings.import_max_bytes,
            setting="DYNO_IMPORT_MAX_BYTES",
        )


@router.post(
    "/forecast",
    response_model=ImportReport,
    responses={413: {"model": ErrorBody, "description": "The file is over the size limits."}},
    dependencies=[Depends(_refuse_large_bodies)],
)
async def import_forecast_file(
    file: Annotated[UploadFile, File(description="The forecast: .xlsx workbook or .csv.")],
    session: SessionDep,
    settings: SettingsDep,
    actor: ActorDep,
    _: PowerUser,
    dry_run: Annotated[bool, Query(description="Report only; write nothing.")] = False,
    skip_invalid: Annotated[bool, Query(description="Import the valid rows only.")] = False,
    rules: Annotated[bool, Query(description="Also replace the rules (DynoRules).")] = False,
    maintenance: Annotated[
        bool, Query(description="Also replace the maintenance windows (Maintenance).")
    ] = False,
) -> dict[str, Any]:
    """Import the forecast (power_user): 422 `invalid_rows` (nothing written) unless every row is
    valid or `skip_invalid`; 422 `not_a_workbook`; 413 `file_too_large`."""
    data = await _read_limited(file, settings.import_max_bytes)
    options = ImportOptions(dry_run, skip_invalid, rules, maintenance)
    name = (file.filename or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return await import_forecast(session, actor, data, name, settings, options)
