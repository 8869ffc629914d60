"""The import report (the 200 body of POST /imports/forecast, and `details` of a 422
`invalid_rows`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    sheet: str
    row: int | None = Field(description="The row number in the sheet, as Excel shows it.")
    column: str | None
    value: Any
    reason: str
    severity: Literal["error", "warning"] = Field(
        description="`error` makes the row invalid; a `warning` is reported and the row imported."
    )


class ImportChange(BaseModel):
    row: int
    key: str = Field(description="Vehicle | test | step (allocations: | dyno | start).")
    action: Literal["create", "update", "unchanged", "skip"]
    what: Literal["request", "allocation"]
    fields: dict[str, list[Any]] = Field(description="Changed fields: name -> [old, new].")


class ImportCounts(BaseModel):
    vehicles: int
    requests: int
    allocations: int


class VehicleChange(BaseModel):
    key: str
    fields: dict[str, list[Any]]


class SheetDiff(BaseModel):
    added: list[str]
    removed: list[str]


class ImportReport(BaseModel):
    dry_run: bool
    file: str
    sheet: str
    rows: int
    valid: int
    invalid: int
    created: ImportCounts
    updated: ImportCounts
    unchanged: int
    skipped: int
    problems: list[ImportProblem]
    changes: list[ImportChange]
    vehicle_changes: list[VehicleChange]
    rules: SheetDiff | None
    maintenance: SheetDiff | None
