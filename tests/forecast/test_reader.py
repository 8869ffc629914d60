"""Reading an untrusted forecast file: workbooks and CSV by column name, limits, garbage,
formulas that are never evaluated."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from dyno_agent.errors import FileTooLarge, NotAWorkbook
from dyno_agent.forecast import columns as c
from dyno_agent.forecast.reader import read_forecast
from tests.forecast.conftest import SETTINGS, WORKBOOK_BYTES

ROW = {
    c.TEST: "4K Certification",
    c.TAG: "312W900",
    c.MILEAGE_STEP: "P702",
    c.STATUS: "G",
    c.ESTIMATED_START: dt.datetime(2026, 4, 1),
    c.WEIGHT_CLASS: "<10K",
    c.DRIVE: "AWD ",
    c.DAYS_TO_COMPLETE: 6.2,
}


def small_workbook(rows: list[dict[str, object]], header_row: int = 1, order=None) -> bytes:
    """A workbook whose forecast sheet has the given rows, its header on `header_row`."""
    names = list(order or ROW)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = c.FORECAST_SHEET
    for _ in range(header_row - 1):
        sheet.append([None])
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def small_csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(ROW))
    for row in rows:
        writer.writerow(
            [v.date().isoformat() if isinstance(v, dt.datetime) else v for v in row.values()]
        )
    return out.getvalue().encode("utf-8-sig")


def test_the_shared_workbook_is_read_by_column_names_below_its_header_on_row_5() -> None:
    file = read_forecast(WORKBOOK_BYTES, "cert_fuel_baseline.xlsx", SETTINGS)
    assert (file.forecast.sheet, file.forecast.header_row) == (c.FORECAST_SHEET, 5)
    assert len(file.forecast.rows) == 591
    first = file.forecast.rows[0]
    assert first.number == 6
    assert (first.values[c.TAG], first.values[c.FACILITY], first.values[c.DYNO]) == (
        "312W028",
        "MPG",
        2,
    )


def test_columns_are_found_by_name_in_any_order_and_header_row() -> None:
    order = list(reversed(ROW))
    file = read_forecast(small_workbook([ROW], header_row=12, order=order), "f.xlsx", SETTINGS)
    assert file.forecast.header_row == 12
    assert file.forecast.rows[0].values[c.TAG] == "312W900"
    assert file.forecast.rows[0].values[c.DRIVE] == "AWD"  # stripped


def test_a_csv_with_the_same_header_is_read() -> None:
    file = read_forecast(small_csv([ROW]), "forecast.csv", SETTINGS)
    assert file.kind == "csv"
    assert file.forecast.rows[0].values[c.ESTIMATED_START] == "2026-04-01"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"hello, this is not a workbook", "forecast.xlsx"),
        (b"%PDF-1.4 something", "forecast.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "forecast.xls"),
        (b"PK\x03\x04 truncated zip", "forecast.xlsx"),
        (b"\xff\xfe\xfa bad utf-8", "forecast.csv"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(data: bytes, name: str) -> None:
    with pytest.raises(NotAWorkbook):
        read_forecast(data, name, SETTINGS)


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "just text")
    with pytest.raises(NotAWorkbook):
        read_forecast(out.getvalue(), "forecast.xlsx", SETTINGS)


def test_a_workbook_without_a_forecast_header_is_refused() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Value"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(NotAWorkbook, match="no forecast header"):
        read_forecast(out.getvalue(), "forecast.xlsx", SETTINGS)


def test_a_file_over_the_byte_limit_is_refused() -> None:
    settings = SETTINGS.model_copy(update={"import_max_bytes": 10_000})
    with pytest.raises(FileTooLarge) as caught:
        read_forecast(WORKBOOK_BYTES, "cert_fuel_baseline.xlsx", settings)
    assert caught.value.details["setting"] == "DYNO_IMPORT_MAX_BYTES"


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 << 20))
    assert len(out.getvalue()) < 50_000
    settings = SETTINGS.model_copy(update={"import_max_unzipped_bytes": 1 << 20})
    with pytest.raises(FileTooLarge) as caught:
        read_forecast(out.getvalue(), "bomb.xlsx", settings)
    assert caught.value.details["setting"] == "DYNO_IMPORT_MAX_UNZIPPED_BYTES"


def test_too_many_rows_or_sheets_are_refused() -> None:
    rows = SETTINGS.model_copy(update={"import_max_rows": 100})
    with pytest.raises(FileTooLarge, match="more than 100 rows"):
        read_forecast(WORKBOOK_BYTES, "cert_fuel_baseline.xlsx", rows)
    sheets = SETTINGS.model_copy(update={"import_max_sheets": 2})
    with pytest.raises(FileTooLarge, match="5 sheets"):
        read_forecast(WORKBOOK_BYTES, "cert_fuel_baseline.xlsx", sheets)


def test_a_formula_without_a_cached_value_is_a_problem_and_never_evaluated() -> None:
    # openpyxl saves formulas without computing them, like a file written by a script
    data = small_workbook([ROW, {**ROW, c.TAG: "312W901", c.DAYS_TO_COMPLETE: "=2+3"}])
    file = read_forecast(data, "f.xlsx", SETTINGS)
    second = file.forecast.rows[1]
    assert second.values[c.DAYS_TO_COMPLETE] is None
    [problem] = file.forecast.problems
    assert (problem.row, problem.column, problem.severity) == (3, c.DAYS_TO_COMPLETE, "error")
    assert "never evaluated" in problem.reason
