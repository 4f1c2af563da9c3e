"""reports.tabular: cells, CSV and XLSX, read back with the csv module and openpyxl."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reports import tabular

HEADER = ["text", "number", "day", "moment"]
INJECTIONS = ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("http://x.example","y")']


def csv_text(header, rows):
    return "".join(tabular.csv_chunks(header, rows))


def parse_csv(text):
    assert text.startswith(tabular.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def xlsx_rows(header, rows):
    target = io.BytesIO()
    tabular.write_xlsx(header, rows, target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_puts_an_apostrophe_before_text_a_spreadsheet_would_run(text):
    parsed = parse_csv(csv_text(["t"], [(text,)]))

    assert parsed[1] == ["'" + text]


@pytest.mark.parametrize("text", INJECTIONS)
def test_xlsx_writes_formula_like_text_as_a_string_cell_with_an_apostrophe(text):
    cell = xlsx_rows(["t"], [(text,)])[1][0]

    assert cell.data_type == "s"
    assert not str(cell.value).startswith(("=", "+", "-", "@"))
    assert cell.value.startswith("'")


def test_plain_text_is_left_alone():
    assert parse_csv(csv_text(["t"], [("Brian's plan",)]))[1] == ["Brian's plan"]
    assert xlsx_rows(["t"], [("a - b = c",)])[1][0].value == "a - b = c"


def test_numbers_stay_numbers_even_negative_ones():
    rows = [(-5, Decimal("-12.50"), 3.25, 0)]

    assert parse_csv(csv_text(["a", "b", "c", "d"], rows))[1] == ["-5", "-12.50", "3.25", "0"]
    cells = xlsx_rows(["a", "b", "c", "d"], rows)[1]
    assert [c.data_type for c in cells] == ["n", "n", "n", "n"]
    assert [c.value for c in cells] == [-5, -12.5, 3.25, 0]


def test_dates_are_iso_and_datetimes_are_utc_with_a_z():
    london = datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Europe/London"))  # 08:30:15 UTC in summer
    rows = [(date(2026, 3, 31), london)]

    assert parse_csv(csv_text(["day", "moment"], rows))[1] == ["2026-03-31", "2026-07-01T08:30:15Z"]
    day, moment = xlsx_rows(["day", "moment"], rows)[1]
    assert day.value == datetime(2026, 3, 31) and day.number_format == tabular.XLSX_DATE_FORMAT
    assert moment.value == datetime(2026, 7, 1, 8, 30, 15)
    assert moment.number_format == tabular.XLSX_DATETIME_FORMAT


def test_none_is_empty_and_booleans_are_yes_or_no():
    assert parse_csv(csv_text(["a", "b", "c"], [(None, True, False)]))[1] == ["", "yes", "no"]
    assert [c.value for c in xlsx_rows(["a", "b", "c"], [(None, True, False)])[1]] == [None, "yes", "no"]


def test_csv_is_utf8_with_a_bom_and_keeps_accents_quotes_and_line_breaks():
    text = 'Zoë said "fine",\nthen left'
    body = "".join(tabular.csv_chunks(["t"], [(text,)])).encode("utf-8")

    assert body.startswith(b"\xef\xbb\xbf")
    assert parse_csv(body.decode("utf-8"))[1] == [text]


def test_xlsx_drops_characters_xml_cannot_hold():
    assert xlsx_rows(["t"], [("bell\x07 here",)])[1][0].value == "bell here"


def test_no_rows_is_a_file_with_just_the_header():
    assert parse_csv(csv_text(HEADER, [])) == [HEADER]
    assert [[c.value for c in row] for row in xlsx_rows(HEADER, [])] == [HEADER]


def test_csv_comes_in_pieces_of_a_chunk_of_rows_and_reports_the_count(monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 10)
    counts = []

    pieces = list(tabular.csv_chunks(["n"], ((i,) for i in range(25)), on_done=counts.append))

    assert len(pieces) == 1 + 3  # header, then 10 + 10 + 5 rows
    assert counts == [25]
    assert [int(r[0]) for r in parse_csv("".join(pieces))[1:]] == list(range(25))


def test_csv_stream_reads_rows_lazily():
    """Rows are pulled a chunk at a time: a generator that could never fit in memory still streams."""

    def endless():
        n = 0
        while True:
            yield (n,)
            n += 1

    pieces = tabular.csv_chunks(["n"], endless())
    next(pieces)
    assert next(pieces).count("\r\n") == tabular.CHUNK_ROWS


def test_background_writers_report_progress_and_the_count(monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 4)
    for fmt in tabular.FORMATS:
        seen = []
        count = tabular.write_file(fmt, ["n"], ((i,) for i in range(10)), io.BytesIO(), on_progress=seen.append)
        assert count == 10
        assert seen == [4, 8, 10]


def test_naive_datetimes_are_taken_as_utc():
    assert tabular.iso_datetime(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"
    assert tabular.iso_datetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"


def test_a_cells_date_format_does_not_spill_onto_the_next_cells():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    cells = xlsx_rows(["a", "b", "c", "d"], [(moment, 5, "x", moment), (1, moment, None, 2)])

    assert [c.number_format for c in cells[1]] == [
        tabular.XLSX_DATETIME_FORMAT,
        "General",
        "General",
        tabular.XLSX_DATETIME_FORMAT,
    ]
    assert [c.number_format for c in cells[2]] == ["General", tabular.XLSX_DATETIME_FORMAT, "General", "General"]
    assert [c.value for c in cells[2]] == [1, datetime(2026, 1, 2, 3, 4, 5), None, 2]


def test_text_that_looks_like_an_error_code_stays_text():
    cell = xlsx_rows(["t"], [("#N/A",)])[1][0]

    assert (cell.value, cell.data_type) == ("#N/A", "s")


def test_more_rows_than_a_sheet_holds_go_on_further_sheets_with_the_header(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_ROWS", 3)
    target = io.BytesIO()

    assert tabular.write_xlsx(["n"], [(i,) for i in range(7)], target, sheet_title="Ratings") == 7

    book = load_workbook(io.BytesIO(target.getvalue()))
    assert book.sheetnames == ["Ratings", "Ratings (2)", "Ratings (3)"]
    assert [[c.value for c in row] for row in book["Ratings (3)"].iter_rows()] == [["n"], [6]]
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == 7
