"""Writing the catalog as CSV or XLSX, in the columns the import reads back.

Export → import changes nothing. Text a spreadsheet program would run as a
formula (starting with =, +, -, @, a tab or a carriage return) is neutralised:
in CSV it gets an apostrophe in front, which the import removes again; in XLSX
it is written as an explicit string cell, never a formula.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .import_checks import CONTROL_CHARACTERS, needs_escaping
from .importer import HEADER
from .models import Course

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDTHS = {"code": 24, "title": 40, "description": 60, "provider": 24, "url": 40, "skills": 50}


def file_name(extension: str) -> str:
    return f"skillbridge-catalog-{timezone.localdate():%Y-%m-%d}.{extension}"


def skills_cell(course: Course) -> str:
    """ "delegation 1-3; feedback 2-4", from the prefetched links."""
    return "; ".join(f"{link.skill.key} {link.level_from}-{link.level_to}" for link in course.skills.all())


def course_values(course: Course) -> list:
    """One row, in HEADER order; numbers stay numbers, the rest is text."""
    return [
        course.code,
        course.title,
        course.description,
        course.provider,
        course.format,
        course.duration_minutes,
        course.cost,
        course.currency,
        course.language,
        course.url,
        "yes" if course.is_self_paced else "no",
        "yes" if course.is_active else "no",
        skills_cell(course),
    ]


# --- CSV ------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    if isinstance(value, str) and needs_escaping(value):
        return "'" + value
    return value


def csv_chunks(chunks: Iterable[list[Course]]) -> Iterator[str]:
    """The CSV file as text pieces: a byte-order mark (so Excel reads UTF-8), the header, then one piece a chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for courses in chunks:
        yield "".join(writer.writerow([_csv_cell(value) for value in course_values(course)]) for course in courses)


def csv_response(chunks: Iterable[list[Course]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name("csv")}"'
    return response


# --- XLSX -----------------------------------------------------------------------------


def write_xlsx(chunks: Iterable[list[Course]], target) -> None:
    """Write the catalog as an XLSX workbook to target (a path or a binary file), row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Catalog")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(HEADER, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 14)
    bold = Font(bold=True)
    header = []
    for column in HEADER:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for courses in chunks:
        for course in courses:
            sheet.append([_xlsx_cell(sheet, value) for value in course_values(course)])
    workbook.save(target)


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, Decimal):  # the cost
            cell.number_format = "0.00"
        return cell
    # XML holds no control characters, and reads every line break as \n: write that.
    text = CONTROL_CHARACTERS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    # Never a formula: openpyxl takes a str starting with "=" as one unless told it is a string.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def xlsx_response(chunks: Iterable[list[Course]]) -> FileResponse:
    """The workbook, written to a temporary file (deleted when the response is closed) and sent from there."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes it, which deletes it
    try:
        write_xlsx(chunks, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(spool, as_attachment=True, filename=file_name("xlsx"), content_type=XLSX_CONTENT_TYPE)
