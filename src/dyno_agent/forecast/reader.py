"""Read an uploaded forecast (.xlsx or .csv) into plain rows, treating the file as untrusted.

- Size: at most `DYNO_IMPORT_MAX_BYTES` bytes; a workbook (a zip) may unpack to at most
  `DYNO_IMPORT_MAX_UNZIPPED_BYTES` (the sizes the zip declares bound what `zipfile` will inflate,
  so a zip bomb is refused before openpyxl opens it), hold at most `DYNO_IMPORT_MAX_SHEETS` sheets,
  and a sheet at most `DYNO_IMPORT_MAX_ROWS` data rows. Too big: 413 `file_too_large`.
- Anything openpyxl or the csv module cannot read is 422 `not_a_workbook`.
- Workbooks are opened read-only with cached values (`data_only`): formulas are never evaluated. A
  formula cell without a cached value is reported as a problem (the file was not saved by a
  program that computes formulas), never computed.
- The header row is found by the column names (`columns.header_key`) in the first
  `HEADER_SEARCH_ROWS` rows, and columns are found by name, never by position.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dyno_agent.config import Settings
from dyno_agent.errors import DomainError, FileTooLarge, NotAWorkbook
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.columns import header_key

HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 128  # the header must be within the first 128 columns
MAX_ZIP_ENTRIES = 10_000
RULES_SHEET = "DynoRules"
MAINTENANCE_SHEET = "Maintenance"
# Without these the forecast cannot be read at all.
REQUIRED = (c.TEST, c.TAG, c.MILEAGE_STEP, c.ESTIMATED_START, c.WEIGHT_CLASS, c.DRIVE)
_ZIP_MAGIC = b"PK\x03\x04"

Value = Any  # a cell: str, int, float, bool, datetime, date, time or None


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file; `error` makes its row invalid, `warning` does not."""

    sheet: str
    row: int | None
    column: str | None
    value: Value
    reason: str
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": json_value(self.value),
            "reason": self.reason,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number in the sheet (1-based, as Excel shows it)
    values: dict[str, Value]  # by the column constant of `columns`


@dataclass
class Table:
    """A sheet's rows below its header, by column name; `formula_cells` are (row, column) pairs
    of formulas without a cached value."""

    sheet: str
    header_row: int
    names: list[str]  # the column constants found
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ForecastFile:
    kind: str  # "xlsx" or "csv"
    forecast: Table
    rules: list[tuple[int, tuple[Value, ...]]] | None = None  # DynoRules rows (number, cells)
    maintenance: list[tuple[int, tuple[Value, ...]]] | None = None


def json_value(value: Value) -> Value:
    """A cell as JSON: dates as ISO strings (a datetime at midnight as a date)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _too_large(what: str, limit: int, setting: str) -> FileTooLarge:
    return FileTooLarge(
        f"The file is too large: {what} (limit {limit:,}, setting {setting}).",
        limit=limit,
        setting=setting,
    )


def read_forecast(
    data: bytes,
    filename: str,
    settings: Settings,
    *,
    rules: bool = False,
    maintenance: bool = False,
) -> ForecastFile:
    """The forecast sheet of an .xlsx (found by name, else the first sheet with a forecast
    header) or a .csv, plus the DynoRules and Maintenance sheets when asked for."""
    if len(data) > settings.import_max_bytes:
        raise _too_large(f"{len(data):,} bytes", settings.import_max_bytes, "DYNO_IMPORT_MAX_BYTES")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, filename, settings, rules=rules, maintenance=maintenance)
    if filename.lower().endswith(".csv"):
        if rules or maintenance:
            raise NotAWorkbook(
                "A CSV file holds only the forecast sheet; --rules and --maintenance need the "
                ".xlsx workbook.",
                file=filename,
            )
        return ForecastFile("csv", _read_csv(data, filename, settings))
    raise NotAWorkbook(
        f"{filename!r} is not an .xlsx workbook or a .csv file (an old .xls must be saved as "
        ".xlsx first).",
        file=filename,
    )


# xlsx --------------------------------------------------------------------------------------------
def _check_zip(data: bytes, settings: Settings, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise NotAWorkbook(
            f"{filename!r} is not a readable .xlsx workbook.", file=filename
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _too_large(f"{len(entries):,} parts", MAX_ZIP_ENTRIES, "(fixed)")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.import_max_unzipped_bytes:
        raise _too_large(
            f"it unpacks to {unpacked:,} bytes",
            settings.import_max_unzipped_bytes,
            "DYNO_IMPORT_MAX_UNZIPPED_BYTES",
        )


def _read_xlsx(
    data: bytes, filename: str, settings: Settings, *, rules: bool, maintenance: bool
) -> ForecastFile:
    _check_zip(data, settings, filename)
    import openpyxl

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except DomainError:
        raise
    except Exception:  # openpyxl raises many kinds on garbage: all mean the same here
        raise NotAWorkbook(
            f"{filename!r} is not a readable .xlsx workbook.", file=filename
        ) from None
    try:
        names = values.sheetnames
        if len(names) > settings.import_max_sheets:
            raise _too_large(
                f"{len(names)} sheets", settings.import_max_sheets, "DYNO_IMPORT_MAX_SHEETS"
            )
        by_key = {header_key(name): name for name in reversed(names)}
        order = (
            [by_key[header_key(c.FORECAST_SHEET)]] if header_key(c.FORECAST_SHEET) in by_key else []
        )
        order += [name for name in names if name not in order]
        table: Table | None = None
        for name in order:
            rows = _xlsx_rows(values[name], formulas[name])
            table = _table(name, rows, settings)
            if table is not None:
                break
        if table is None:
            raise _no_header(filename)
        result = ForecastFile("xlsx", table)
        if rules:
            result.rules = _plain_sheet(values, by_key, RULES_SHEET, settings, filename)
        if maintenance:
            result.maintenance = _plain_sheet(values, by_key, MAINTENANCE_SHEET, settings, filename)
        return result
    except DomainError:
        raise
    except Exception:
        raise NotAWorkbook(
            f"{filename!r} is not a readable .xlsx workbook.", file=filename
        ) from None
    finally:
        values.close()
        formulas.close()


_FORMULA = object()  # marks a formula cell without a cached value


def _xlsx_rows(values: Any, formulas: Any) -> Iterator[tuple[int, tuple[Value, ...]]]:
    """(row number, cells), with `_FORMULA` for formulas that have no cached value."""
    cached = values.iter_rows(max_col=MAX_COLUMNS)
    written = formulas.iter_rows(max_col=MAX_COLUMNS)
    for number, (row, source) in enumerate(zip(cached, written, strict=False), start=1):
        cells = []
        for cell, raw in zip(row, source, strict=False):
            value = getattr(cell, "value", None)
            if value is None and getattr(raw, "data_type", None) == "f":
                value = _FORMULA
            cells.append(value)
        actual = next((cell.row for cell in row if getattr(cell, "row", None)), None)
        yield (actual or number), tuple(cells)


def _plain_sheet(
    workbook: Any, by_key: dict[str, str], sheet: str, settings: Settings, filename: str
) -> list[tuple[int, tuple[Value, ...]]]:
    name = by_key.get(header_key(sheet))
    if name is None:
        raise NotAWorkbook(f"{filename!r} has no {sheet} sheet.", file=filename, sheet=sheet)
    rows = []
    for number, row in enumerate(workbook[name].iter_rows(max_col=16, values_only=True), 1):
        if number > settings.import_max_rows:
            raise _too_large(
                f"sheet {name} has more than {settings.import_max_rows:,} rows",
                settings.import_max_rows,
                "DYNO_IMPORT_MAX_ROWS",
            )
        rows.append((number, tuple(row)))
    return rows


# csv ---------------------------------------------------------------------------------------------
def _read_csv(data: bytes, filename: str, settings: Settings) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAWorkbook(f"{filename!r} is not a UTF-8 CSV file.", file=filename) from None
    if "\x00" in text:
        raise NotAWorkbook(f"{filename!r} is not a text CSV file.", file=filename)
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[tuple[int, tuple[Value, ...]]]:
        try:
            for number, row in enumerate(reader, start=1):
                yield number, tuple((cell.strip() or None) for cell in row[:MAX_COLUMNS])
        except csv.Error as exc:
            raise NotAWorkbook(f"{filename!r} is not a readable CSV file: {exc}.") from None

    table = _table(c.FORECAST_SHEET, rows(), settings)
    if table is None:
        raise _no_header(filename)
    return table


# header and rows ---------------------------------------------------------------------------------
_KNOWN = {header_key(name): name for name in c.FORECAST_COLUMNS}


def _header(cells: Sequence[Value]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if isinstance(cell, str):
            name = _KNOWN.get(header_key(cell))
            if name is not None and name not in found:
                found[name] = index
    return found if all(name in found for name in REQUIRED) else None


def _table(
    sheet: str, rows: Iterable[tuple[int, tuple[Value, ...]]], settings: Settings
) -> Table | None:
    """The rows below the header as dicts, or None if no header is in the first rows."""
    iterator = iter(rows)
    positions: dict[str, int] | None = None
    header_row = 0
    for number, cells in iterator:
        positions = _header(cells)
        if positions is not None:
            header_row = number
            break
        if number >= HEADER_SEARCH_ROWS:
            return None
    if positions is None:
        return None
    table = Table(sheet, header_row, list(positions))
    count = 0
    for number, cells in iterator:
        if not any(cell is not None and cell != "" for cell in cells):
            continue
        count += 1
        if count > settings.import_max_rows:
            raise _too_large(
                f"sheet {sheet} has more than {settings.import_max_rows:,} rows",
                settings.import_max_rows,
                "DYNO_IMPORT_MAX_ROWS",
            )
        values: dict[str, Value] = {}
        for name, index in positions.items():
            value = cells[index] if index < len(cells) else None
            if value is _FORMULA:
                table.problems.append(
                    Problem(
                        sheet,
                        number,
                        name,
                        None,
                        "a formula without a saved value (formulas are never evaluated; "
                        "open and save the file in Excel, or paste values)",
                    )
                )
                value = None
            if isinstance(value, str):
                value = value.strip() or None
            values[name] = value
        table.rows.append(SheetRow(number, values))
    return table


def _unreadable(filename: str) -> NotAWorkbook:
    return NotAWorkbook(f"{filename!r} is not a readable .xlsx workbook.", file=filename)


def _no_header(filename: str) -> NotAWorkbook:
    return NotAWorkbook(
        f"{filename!r} has no forecast header row (columns {', '.join(REQUIRED)}) in the first "
        f"{HEADER_SEARCH_ROWS} rows of any sheet.",
        file=filename,
        required_columns=list(REQUIRED),
    )
