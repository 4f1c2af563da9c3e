"""The one place that writes tabular files (CSV and XLSX), streaming, for every export.

Cells, the same in both formats:

- Numbers (int, float, Decimal) stay numbers.
- Dates are ISO 8601 (2026-03-31). Date-times are converted to UTC and written as
  ISO 8601 with a "Z" (2026-03-31T14:05:00Z). In XLSX both are real date cells
  shown in that form, so they still sort and filter as dates.
- True/False are "yes"/"no"; None is an empty cell.
- Text that a spreadsheet program would run as a formula — starting with
  =, +, -, @, a tab or a carriage return — is neutralised: it gets an apostrophe
  in front ("'=SUM(A1)"), in CSV and in XLSX alike, and in XLSX it is also
  written as an explicit string cell, never a formula. Real numbers are never
  touched, so -5 stays the number -5.

CSV is UTF-8 with a byte-order mark (so Excel reads accents correctly), comma
separated, quoted where needed, lines ending in CRLF. XLSX is written by
openpyxl in write-only mode to a temporary file (openpyxl needs a file), so
memory stays flat whatever the number of rows; the file is then sent from disk.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from openpyxl.cell.cell import ERROR_CODES

# The text starts a spreadsheet runs as a formula (= + - @ tab CR), and the characters XML cannot hold: one
# definition, shared with the catalog's import and export (reports may import catalog, never the reverse).
from catalog.import_checks import CONTROL_CHARACTERS, FORMULA_STARTS

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
FORMATS = ("csv", "xlsx")
BOM = "\ufeff"
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
CHUNK_ROWS = 2000
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = 'yyyy-mm-dd"T"hh:mm:ss"Z"'
XLSX_MAX_ROWS = 1_048_575  # rows under the header on one sheet (Excel shows at most 1,048,576)


def is_formula_like(text: str) -> bool:
    return bool(text) and text[0] in _FORMULA_FIRST


def neutralise(text: str, *, needs_escaping: Callable[[str], bool] = is_formula_like) -> str:
    """Text a spreadsheet would run as a formula, with an apostrophe in front; other text unchanged."""
    return "'" + text if needs_escaping(text) else text


@lru_cache(maxsize=4096)  # rows of one record repeat its dates: a million rows convert a few thousand
def iso_datetime(value: datetime) -> str:
    """A date-time in UTC, ISO 8601 with a Z (naive values are taken as UTC already)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def csv_value(value):
    """One cell as the csv module should write it."""
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if kind is int or kind is float or kind is Decimal:
        return value
    if kind is bool:
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    return csv_value(str(value))


def csv_row(row: Sequence) -> list:
    # The common cells (whole numbers, empty, text that is safe) go through untouched without a function call;
    # the csv module writes None as an empty field.
    return [
        value
        if value is None or (kind := type(value)) is int or (kind is str and not (value and value[0] in _FORMULA_FIRST))
        else csv_value(value)
        for value in row
    ]


def chunked(rows: Iterable[Sequence], size: int | None = None) -> Iterator[list[Sequence]]:
    size = size or CHUNK_ROWS
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], *, on_done: Callable[[int], None] | None = None):
    """The CSV file as text pieces: byte-order mark and header first, then one piece per CHUNK_ROWS rows.

    on_done(row_count) is called once every row has been written (not if the download stops half-way).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(name) for name in header])
    yield BOM + buffer.getvalue()
    count = 0
    for chunk in chunked(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(csv_row, chunk))
        count += len(chunk)
        yield buffer.getvalue()
    if on_done is not None:
        on_done(count)


def write_csv_file(
    header: Sequence[str],
    rows: Iterable[Sequence],
    target,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the CSV (UTF-8 with BOM) to a binary file, calling on_progress(rows so far) after each chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(name) for name in header])
    target.write((BOM + buffer.getvalue()).encode("utf-8"))
    count = 0
    for chunk in chunked(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(csv_row, chunk))
        target.write(buffer.getvalue().encode("utf-8"))
        count += len(chunk)
        if on_progress is not None:
            on_progress(count)
    return count


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence], *, filename: str, on_done: Callable[[int], None] | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(header, rows, on_done=on_done), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX -----------------------------------------------------------------------------


def xlsx_cell(sheet, value, *, needs_escaping: Callable[[str], bool] = is_formula_like, prefix: bool = True):
    """One write-only cell: numbers stay numbers, dates are date cells, text is never a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        # XML holds no control characters, and reads every line break as \n: write that.
        text = CONTROL_CHARACTERS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
        if prefix and needs_escaping(value):
            text = "'" + text
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl takes a str starting with "=" as a formula unless told otherwise
        return cell
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool):
        return xlsx_cell(sheet, "yes" if value else "no")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value.replace(microsecond=0))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if isinstance(value, int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)
    return xlsx_cell(sheet, str(value), needs_escaping=needs_escaping, prefix=prefix)


def _xlsx_text(value: str) -> str:
    # XML holds no control characters, and reads every line break as \n: write that.
    if CONTROL_CHARACTERS.search(value):
        value = CONTROL_CHARACTERS.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def xlsx_row(sheet, row: Sequence) -> list:
    """One row for a write-only sheet, fast: plain values where openpyxl reads them right, cells where not.

    openpyxl's write-only append reuses one cell object for a row's plain values and switches to any cell it is
    given, so a plain value right after a styled cell would inherit its style: that value gets a fresh cell.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    out = []
    after_styled = False
    for value in row:
        kind = type(value)
        if kind is str:
            # Formula-like text gets its apostrophe, so it never starts with "=" and is never taken as a formula.
            value = "'" + _xlsx_text(value) if value and value[0] in _FORMULA_FIRST else _xlsx_text(value)
            if value in ERROR_CODES:  # "#N/A" would become an error cell: keep it text
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                value = cell
        elif value is None or kind is int or kind is float or kind is Decimal:
            pass
        elif kind is bool:
            value = "yes" if value else "no"
        elif isinstance(value, datetime):
            value = xlsx_cell(sheet, value)
        elif isinstance(value, date):
            pass  # a date cell, shown yyyy-mm-dd by default
        else:
            value = xlsx_cell(sheet, value)
        if after_styled and value is not None and not isinstance(value, Cell):
            value = WriteOnlyCell(sheet, value=value)  # unstyled: later plain values may reuse it safely
        if value is not None:
            after_styled = isinstance(value, Cell) and value.has_style
        out.append(value)
    return out


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence],
    target,
    *,
    sheet_title: str = "Export",
    widths: Sequence[int] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the rows, header in bold and frozen, row by row (write-only mode), to a path or binary file.

    A sheet holds at most XLSX_MAX_ROWS rows (Excel's limit): more go on further sheets, each with the header.
    on_progress(rows so far) is called every CHUNK_ROWS rows. Returns the row count.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(number: int):
        title = sheet_title[:31] if number == 1 else f"{sheet_title[:24]} ({number})"
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            width = widths[index - 1] if widths else min(max(len(name) + 2, 12), 40)
            sheet.column_dimensions[get_column_letter(index)].width = width
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.data_type = "s"
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        return sheet

    sheets = 1
    sheet = new_sheet(sheets)
    on_sheet = 0
    count = 0
    for chunk in chunked(rows):
        for row in chunk:
            if on_sheet == XLSX_MAX_ROWS:
                sheets += 1
                sheet = new_sheet(sheets)
                on_sheet = 0
            sheet.append(xlsx_row(sheet, row))
            on_sheet += 1
        count += len(chunk)
        if on_progress is not None:
            on_progress(count)
    workbook.save(target)
    return count


def xlsx_response(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    filename: str,
    sheet_title: str = "Export",
    on_done: Callable[[int], None] | None = None,
    **options,
) -> FileResponse:
    """The workbook, written to a temporary file (deleted when the response is closed) and sent from there."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes it, which deletes it
    try:
        count = write_xlsx(header, rows, spool, sheet_title=sheet_title, **options)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    if on_done is not None:
        on_done(count)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def response(
    fmt: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    filename: str,
    sheet_title: str = "Export",
    on_done: Callable[[int], None] | None = None,
):
    """A download of the rows in fmt ("csv" or "xlsx"); filename without its extension."""
    if fmt == "csv":
        return csv_response(header, rows, filename=f"{filename}.csv", on_done=on_done)
    return xlsx_response(header, rows, filename=f"{filename}.xlsx", sheet_title=sheet_title, on_done=on_done)


def write_file(fmt: str, header, rows, target, *, sheet_title: str = "Export", on_progress=None) -> int:
    """Write the rows in fmt to a binary file; returns the row count."""
    if fmt == "csv":
        return write_csv_file(header, rows, target, on_progress=on_progress)
    return write_xlsx(header, rows, target, sheet_title=sheet_title, on_progress=on_progress)
