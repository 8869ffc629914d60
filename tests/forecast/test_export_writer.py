"""The forecast writer: rows to .xlsx (main sheet + one per facility) and to .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from dyno_agent.forecast import writer
from dyno_agent.forecast.columns import (
    DAYS_TO_COMPLETE,
    DYNO,
    ESTIMATED_START,
    EXPORT_COLUMNS,
    FACILITY,
    FORECAST_SHEET,
    PROGRAM,
    TAG,
)

ROWS = [
    {TAG: "312W028", FACILITY: "MPG", DYNO: 2, ESTIMATED_START: dt.date(2026, 3, 9)},
    {TAG: "TBD-2027 P702", ESTIMATED_START: dt.date(2026, 4, 1), DAYS_TO_COMPLETE: 6.5},
    {TAG: "312W029", FACILITY: "VTS", DYNO: "#1", ESTIMATED_START: dt.date(2026, 3, 10)},
    {TAG: "312W030", FACILITY: "MPG", DYNO: 22, PROGRAM: '=HYPERLINK("x")'},
]


def read_xlsx(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def as_dicts(rows: list[tuple]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def test_the_workbook_has_the_main_sheet_first_with_the_forecast_header_and_every_row():
    sheets = read_xlsx(writer.to_xlsx(ROWS))

    assert next(iter(sheets)) == FORECAST_SHEET
    main = sheets[FORECAST_SHEET]
    assert main[0] == EXPORT_COLUMNS
    assert [row[TAG] for row in as_dicts(main)] == [row[TAG] for row in ROWS]


def test_each_facility_gets_a_sheet_with_its_rows_in_order_and_rows_without_one_stay_main_only():
    sheets = read_xlsx(writer.to_xlsx([*ROWS[:3], {**ROWS[3], FACILITY: " mpg "}]))

    assert list(sheets) == [FORECAST_SHEET, "MPG", "VTS"]
    assert [row[TAG] for row in as_dicts(sheets["MPG"])] == ["312W028", "312W030"]
    assert [row[TAG] for row in as_dicts(sheets["VTS"])] == ["312W029"]
    assert all(sheet[0] == EXPORT_COLUMNS for sheet in sheets.values())


def test_dates_are_date_cells_numbers_stay_numbers_and_formulas_stay_text():
    book = openpyxl.load_workbook(io.BytesIO(writer.to_xlsx(ROWS)))
    main = book[FORECAST_SHEET]
    col = {name: i + 1 for i, name in enumerate(EXPORT_COLUMNS)}

    start = main.cell(row=2, column=col[ESTIMATED_START])
    assert start.is_date and start.value == dt.datetime(2026, 3, 9)
    assert main.cell(row=2, column=col[DYNO]).value == 2
    assert main.cell(row=3, column=col[DAYS_TO_COMPLETE]).value == 6.5
    program = main.cell(row=5, column=col[PROGRAM])
    assert (program.data_type, program.value) == ("s", '=HYPERLINK("x")')


def test_no_rows_still_give_the_header():
    sheets = read_xlsx(writer.to_xlsx([]))

    assert sheets == {FORECAST_SHEET: [EXPORT_COLUMNS]}
    assert list(csv.reader(io.StringIO(writer.to_csv([])))) == [list(EXPORT_COLUMNS)]


def test_csv_is_the_main_sheet_with_iso_dates_and_formula_text_escaped():
    rows = list(csv.DictReader(io.StringIO(writer.to_csv(ROWS))))

    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [row[TAG] for row in rows] == [row[TAG] for row in ROWS]
    assert rows[0][ESTIMATED_START] == "2026-03-09"
    assert (rows[0][DYNO], rows[2][DYNO], rows[1][FACILITY]) == ("2", "#1", "")
    assert rows[1][DAYS_TO_COMPLETE] == "6.5"
    assert rows[3][PROGRAM] == '\'=HYPERLINK("x")'


def test_facility_sheet_titles_are_valid_and_distinct():
    taken = {FORECAST_SHEET.casefold()}

    assert writer.sheet_title("A/B:C", taken) == "A_B_C"
    assert writer.sheet_title("a/b:c", taken) == "a_b_c (2)"
    assert writer.sheet_title(FORECAST_SHEET, taken) == f"{FORECAST_SHEET} (2)"
    assert len(writer.sheet_title("x" * 40, taken)) == writer.SHEET_NAME_MAX
    sheets = read_xlsx(
        writer.to_xlsx([{TAG: "A", FACILITY: "History"}, {TAG: "B", FACILITY: "[x]"}])
    )
    assert list(sheets) == [FORECAST_SHEET, "_x_", "History (2)"]
