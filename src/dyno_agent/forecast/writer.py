"""Forecast rows to a file: `.xlsx` (the main sheet plus one sheet per facility) or `.csv`.

Pure functions: a row is a mapping from a column of `EXPORT_COLUMNS` (the sheet's columns, then
a booking's reference and note) to its value (a missing column is an empty cell). Dates are
written as real date cells in the workbook and as ISO days in the CSV. Text is never a formula:
a workbook cell holds it as text, and a CSV cell whose text starts like a formula (`=`, `+`,
`-`, `@`) gets a leading `'`, as spreadsheets expect (OWASP).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dyno_agent.forecast.columns import EXPORT_COLUMNS, FACILITY, FORECAST_SHEET

if TYPE_CHECKING:  # openpyxl (and the numpy it loads) is imported by the first XLSX export
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Row = Mapping[str, object]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"
DATE_FORMAT = "yyyy-mm-dd"
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def facility_of(row: Row) -> str:
    value = row.get(FACILITY)
    return str(value).strip() if value is not None else ""


def facility_sheets(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """Each facility named in the rows (compared and sorted ignoring case, named as first
    written) with its rows in order; rows without a facility are on the main sheet only."""
    names: dict[str, str] = {}
    groups: dict[str, list[Row]] = {}
    for row in rows:
        facility = facility_of(row)
        if facility:
            key = facility.casefold()
            names.setdefault(key, facility)
            groups.setdefault(key, []).append(row)
    return {names[key]: groups[key] for key in sorted(groups)}


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid sheet title for `name`, distinct (ignoring case) from those in `taken`."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", name).strip().strip("'") or "Facility"
    base = base[:SHEET_NAME_MAX]
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text, even when it starts with "="
        return cell
    return value


def _append_sheet(book: Workbook, title: str, rows: Sequence[Row]) -> None:
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(column)) for column in EXPORT_COLUMNS])


def to_xlsx(rows: Sequence[Row]) -> bytes:
    """The workbook: sheet `FORECAST_SHEET` with every row, then one sheet per facility."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken = {FORECAST_SHEET.casefold(), "history"}  # Excel reserves "History"
    _append_sheet(book, FORECAST_SHEET, rows)
    for facility, facility_rows in facility_sheets(rows).items():
        _append_sheet(book, sheet_title(facility, taken), facility_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def to_csv(rows: Sequence[Row]) -> str:
    """The main sheet as CSV: the header, then every row; dates as ISO days."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in EXPORT_COLUMNS])
    return buffer.getvalue()
