"""What every edge accepts: text without NUL characters and ISO dates within the supported range.

PostgreSQL cannot store NUL in text, and dates near the ends of the calendar overflow the booking
arithmetic, so both are refused at the boundary with a 422 naming the field. Request bodies and
agent tool arguments derive from `InputModel`; query and path parameters go through
`reject_nul_params`, installed once on the API router; dates use `Day`; the CLI parses dates with
`parse_day`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request  # FastAPI's Request; FastAPI itself loads only for the API

NUL = "\x00"
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NUL_MESSAGE = "must not contain NUL (\\x00) characters"
RANGE_MESSAGE = f"must be between {MIN_DATE} and {MAX_DATE}"


def has_nul(value: Any) -> bool:
    """Whether a string anywhere in `value` (lists, dicts and their keys included) holds NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(item) for item in value)
    return False


class InputModel(BaseModel):
    """Base of every request body and tool-argument model: no field may carry a NUL character."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise PydanticCustomError("string_nul", NUL_MESSAGE)
        return value


async def reject_nul_params(request: Request) -> None:
    """Router dependency: a NUL in any query or path parameter is a 422, before anything runs."""
    from fastapi.exceptions import RequestValidationError

    errors = [
        {"loc": ("query", key), "msg": NUL_MESSAGE, "type": "string_nul"}
        for key, value in request.query_params.multi_items()
        if NUL in key or NUL in value
    ]
    errors += [
        {"loc": ("path", key), "msg": NUL_MESSAGE, "type": "string_nul"}
        for key, value in request.path_params.items()
        if has_nul(value)
    ]
    if errors:
        raise RequestValidationError(errors)


def _iso_only(value: Any) -> Any:
    # Pydantic alone would read 0 or "0" as 1970-01-01 and "2026-03-02T10:00" as a day.
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_iso", "must be a date as YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise PydanticCustomError("date_iso", "must be a date as YYYY-MM-DD")


def check_range(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise PydanticCustomError("date_range", RANGE_MESSAGE)
    return value


Day = Annotated[
    dt.date,
    BeforeValidator(_iso_only),
    AfterValidator(check_range),
    Field(description=f"A day as YYYY-MM-DD, {MIN_DATE} to {MAX_DATE}."),
]


def parse_day(value: str) -> dt.date:
    """A YYYY-MM-DD string within the range, or ValueError saying what is wrong."""
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(f"{value!r} is not a date; use YYYY-MM-DD.")
    day = dt.date.fromisoformat(value)
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"{value} {RANGE_MESSAGE}.")
    return day
