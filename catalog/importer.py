"""Reading and checking a catalog file (CSV or XLSX), before anything is written.

`read_catalog` turns the raw bytes into clean rows and a list of errors, each
with the row number the user sees in the file (the header is row 1; in a CSV
file, the line a row starts on). Only a file with no error at all is applied,
by `catalog.services.import_courses`, which adds the checks against the
database.

Formula injection: a spreadsheet program runs a text cell starting with =, +,
-, @, a tab or a carriage return as a formula. The export puts an apostrophe
before such CSV cells and writes them as plain strings in XLSX; here a CSV cell
starting with an apostrophe and one of those characters loses the apostrophe,
and a CSV cell starting with one of them without it is refused. In XLSX, a
real formula cell is refused; string cells are taken as they are.
"""

import csv
import io

from people.importer import ErrorList, decode

from .import_checks import COLUMNS, CourseRow, Formula, RowChecker

# The header the export writes.
HEADER = list(COLUMNS)
# Header spellings we accept (compared lower-case, letters and digits only).
_ALIASES = {
    "code": "code",
    "coursecode": "code",
    "title": "title",
    "coursetitle": "title",
    "name": "title",
    "description": "description",
    "provider": "provider",
    "format": "format",
    "courseformat": "format",
    "durationminutes": "duration_minutes",
    "durationmins": "duration_minutes",
    "duration": "duration_minutes",
    "minutes": "duration_minutes",
    "cost": "cost",
    "price": "cost",
    "currency": "currency",
    "language": "language",
    "url": "url",
    "link": "url",
    "courselink": "url",
    "courseurl": "url",
    "selfpaced": "self_paced",
    "isselfpaced": "self_paced",
    "active": "active",
    "isactive": "active",
    "skills": "skills",
}
MAX_ROWS = 50_000


def _normalise_header(name) -> str:
    key = "".join(ch for ch in str(name or "").lower() if ch.isalnum())
    return _ALIASES.get(key, "")


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return 'a quoted cell starts on this line and is never closed: a quote (") is missing.'
    if "expected after" in message:
        return (
            "a quoted cell has more text after its closing quote. "
            'A quote inside a quoted cell is written twice: "The ""best"" course".'
        )
    return f"this line cannot be read as CSV ({message})."


def skill_lookup(skills) -> dict[str, str]:
    """Lower-case skill key or name → skill key, for the skills of the current rubric."""
    lookup = {skill.name.lower(): skill.key for skill in skills}
    lookup.update({skill.key.lower(): skill.key for skill in skills})
    return lookup


# --- Reading the file into (row number, {column: cell}) -------------------------


def read_catalog(content: bytes, file_format: str, *, skills: dict[str, str]) -> tuple[list[CourseRow], ErrorList]:
    """The clean rows of the file and every error in it, each with its row number.

    skills: lower-case skill key or name → skill key (see `skill_lookup`).
    """
    errors = ErrorList()
    reader = _xlsx_cells if file_format == "xlsx" else _csv_cells
    checker = RowChecker(skills=skills, errors=errors, from_csv=file_format != "xlsx")
    rows = []
    for line, cells in reader(content, errors):
        row = checker.check(line, cells)
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.add(2, "the file has a header but no courses.")
    return rows, errors


def _positions(header: list, errors: ErrorList) -> dict[str, int] | None:
    """Column → index in the row, or None (and an error on row 1) when the header is not usable."""
    positions: dict[str, int] = {}
    repeated = []
    for index, name in enumerate(header):
        column = _normalise_header(name)
        if not column:
            continue
        if column in positions:
            repeated.append(COLUMNS[column])
        else:
            positions[column] = index
    problems = []
    missing = [label for column, label in COLUMNS.items() if column not in positions]
    if missing:
        problems.append("the header is missing the column(s): " + ", ".join(missing))
    if repeated:
        problems.append("the header has more than one column for: " + ", ".join(repeated))
    if problems:
        errors.add(1, "; ".join(problems) + ".")
        return None
    return positions


def _too_many_rows(line: int, errors: ErrorList) -> None:
    errors.add(line, f"the file has more than {MAX_ROWS:,} courses; split it into smaller files.")


def _csv_cells(content: bytes, errors: ErrorList):
    text = decode(content, errors)
    if text is None:
        return
    if "\x00" in text:
        errors.add(_line_breaks(text[: text.index("\x00")]) + 1, "this line contains a NUL byte; is it a CSV file?")
        return
    if not text.strip():
        errors.add(1, "the file is empty.")
        return
    # Strict, so that a missing or stray quote is reported on its line instead
    # of silently gluing the rest of the file into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        errors.add(1, "the header cannot be read: " + _csv_problem(exc))
        return
    positions = _positions(header, errors)
    if positions is None:
        return
    line = reader.line_num
    count = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader drops the rest of the bad line and carries on with the next one.
            errors.add(start, _csv_problem(exc))
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            _too_many_rows(start, errors)
            return
        if len(cells) != len(header):
            errors.add(start, f"expected {len(header)} columns like the header, found {len(cells)}.")
            continue
        yield start, {column: cells[index] for column, index in positions.items()}


def _xlsx_cells(content: bytes, errors: ErrorList):
    from openpyxl import load_workbook  # defusedxml, when installed, guards it against XML bombs

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # not a zip, not a workbook, or XML that defusedxml refuses
        errors.add(None, "this file cannot be read as an Excel workbook (.xlsx). Save it as “Excel Workbook” or CSV.")
        return
    try:
        if not workbook.worksheets:
            errors.add(None, "the workbook has no sheet.")
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the size the file claims: read the rows it has
        rows = sheet.iter_rows()
        header, positions = None, None
        count = 0
        number = 0
        for cells in rows:
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), number + 1)
            values = [_xlsx_value(cell) for cell in cells]
            if not any(_filled(value) for value in values):
                continue
            if header is None:
                if number != 1:
                    errors.add(1, "the header must be on row 1 of the first sheet.")
                    return
                header = values
                positions = _positions(header, errors)
                if positions is None:
                    return
                continue
            count += 1
            if count > MAX_ROWS:
                _too_many_rows(number, errors)
                return
            if any(_filled(value) for value in values[len(header) :]):
                errors.add(number, f"there is a value to the right of the last column ({len(header)} columns).")
                continue
            values += [None] * (len(header) - len(values))
            yield number, {column: values[index] for column, index in positions.items()}
        if header is None:
            errors.add(1, "the first sheet is empty.")
    except Exception:
        errors.add(None, "this workbook cannot be read to the end; is the file damaged?")
    finally:
        workbook.close()


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Formula(value if isinstance(value, str) else getattr(value, "text", "") or "=…")
    return value


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
