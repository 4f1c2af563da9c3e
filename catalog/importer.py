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
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug

from people.importer import ErrorList, decode

from .models import Course

# Column → how it is named in messages, in the order of the export.
COLUMNS = {
    "code": "code",
    "title": "title",
    "description": "description",
    "provider": "provider",
    "format": "format",
    "duration_minutes": "duration (minutes)",
    "cost": "cost",
    "currency": "currency",
    "language": "language",
    "url": "link",
    "self_paced": "self-paced",
    "active": "active",
    "skills": "skills",
}
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
_MAX_LENGTHS = {"code": 40, "title": 200, "provider": 120, "language": 12, "url": 200}
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_FORMATS = {value.lower(): value for value in Course.Format.values} | {
    label.lower(): value for value, label in Course.Format.choices
}
# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
# Characters XML (and so XLSX) cannot hold; tab, line feed and carriage return are fine.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SKILL_ITEM = re.compile(r"^(?P<skill>.+?)\s+(?P<low>\d+)\s*(?:-|–|—|→|->|to)\s*(?P<high>\d+)$")
MAX_DURATION = 2**31 - 1
MAX_COST = Decimal("9999999.99")
MAX_ROWS = 50_000
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class CourseRow:
    """One clean row: Course field values, and the skill links as (skill key, from, to)."""

    line: int
    fields: dict
    links: tuple[tuple[str, int, int], ...]

    @property
    def code(self) -> str:
        return self.fields["code"]


class Formula(str):
    """The text of a real formula cell of an XLSX file."""


def needs_escaping(text: str) -> bool:
    """Whether a text cell must get an apostrophe in front in a CSV export.

    True for text a spreadsheet would run as a formula, and for text that
    already looks escaped, so that the import's unescaping gives it back exactly.
    """
    return text.startswith(FORMULA_STARTS) or bool(_ESCAPED_FORMULA.match(text))


def _shorten(value: str, limit: int = 60) -> str:
    value = value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return value if len(value) <= limit else value[: limit - 1] + "…"


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
    checker = _RowChecker(skills=skills, errors=errors, from_csv=file_format != "xlsx")
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


# --- Checking one row ---------------------------------------------------------------


class _RowChecker:
    def __init__(self, *, skills: dict[str, str], errors: ErrorList, from_csv: bool):
        self.skills = skills
        self.errors = errors
        self.from_csv = from_csv
        self.first_line_of_code: dict[str, int] = {}

    def check(self, line: int, cells: dict) -> CourseRow | None:
        problems: list[str] = []
        fields = {}
        for column in ("code", "title", "description", "provider", "currency", "language", "url"):
            fields[column] = self._text(cells[column], column, problems)
        for column, limit in _MAX_LENGTHS.items():
            if fields[column] is not None and len(fields[column]) > limit:
                problems.append(f"{COLUMNS[column]} is longer than {limit} characters")
        for column in ("code", "title"):
            if fields[column] == "":
                problems.append(f"{COLUMNS[column]} is empty")

        code = fields["code"]
        if code:
            try:
                validate_slug(code)
            except ValidationError:
                problems.append(f"code “{_shorten(code)}” may only hold letters, digits, hyphens and underscores")
            if code in self.first_line_of_code:
                problems.append(f"code {_shorten(code)} is also on row {self.first_line_of_code[code]}")
            else:
                self.first_line_of_code[code] = line

        fields["format"] = self._format(cells["format"], problems)
        fields["duration_minutes"] = self._duration(cells["duration_minutes"], problems)
        fields["cost"] = self._cost(cells["cost"], problems)
        currency = fields.pop("currency")
        fields["currency"] = self._currency(currency, problems)
        if fields["language"] == "":
            fields["language"] = "en"
        url = fields["url"]
        if url:
            try:
                _validate_url(url)
            except ValidationError:
                problems.append(f"link must be a web address starting with http:// or https://, not “{_shorten(url)}”")
        fields["is_self_paced"] = self._yes_no(cells["self_paced"], "self_paced", problems)
        fields["is_active"] = self._yes_no(cells["active"], "active", problems)
        links = self._skills(cells["skills"], problems)

        if problems:
            self.errors.add(line, "; ".join(problems) + ".")
            return None
        return CourseRow(line=line, fields=fields, links=tuple(links))

    # Each reader returns the clean value, or None after adding a problem.

    def _text(self, value, column: str, problems: list[str]) -> str | None:
        label = COLUMNS[column]
        if isinstance(value, Formula):
            problems.append(f"{label} is a formula (“{_shorten(value)}”); type the value itself instead")
            return None
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if not isinstance(value, str):
            return str(value)
        if self.from_csv:
            start = value.lstrip(" ")
            if start.startswith(FORMULA_STARTS):
                problems.append(
                    f"{label} starts with “{_shorten(start[0])}”, which spreadsheet programs run as a formula; "
                    "remove it, or put an apostrophe (') in front of it"
                )
                return None
            if _ESCAPED_FORMULA.match(start):
                value = start[1:]
        if CONTROL_CHARACTERS.search(value):
            problems.append(f"{label} holds a control character, which a spreadsheet cannot store")
            return None
        # One kind of line break: XLSX keeps only \n, and a browser sends \r\n.
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()

    def _number_text(self, value, column: str, problems: list[str]) -> str | None:
        """A numeric cell given as text, unescaped; None (and maybe a problem) when it is not usable."""
        if isinstance(value, Formula):
            problems.append(f"{COLUMNS[column]} is a formula (“{_shorten(value)}”); type the value itself instead")
            return None
        text = value.strip() if isinstance(value, str) else "" if value is None else str(value)
        if self.from_csv and _ESCAPED_FORMULA.match(text):
            text = text[1:].strip()
        return text

    def _formula_or(self, text: str, column: str, message: str, problems: list[str]) -> None:
        if self.from_csv and text.startswith(FORMULA_STARTS):
            problems.append(
                f"{COLUMNS[column]} starts with “{_shorten(text[0])}”, which spreadsheet programs run as a formula"
            )
        else:
            problems.append(message)

    def _duration(self, value, problems: list[str]) -> int | None:
        label = COLUMNS["duration_minutes"]
        if isinstance(value, bool):
            problems.append(f"{label} must be a whole number of minutes")
            return None
        if isinstance(value, int | float):
            number = Decimal(str(value))
        else:
            text = self._number_text(value, "duration_minutes", problems)
            if text is None:
                return None
            if not text:
                problems.append(f"{label} is empty")
                return None
            try:
                number = Decimal(text)
            except InvalidOperation:
                self._formula_or(
                    text, "duration_minutes", f"{label} must be a whole number, not “{_shorten(text)}”", problems
                )
                return None
        if not number.is_finite() or number != number.to_integral_value():
            problems.append(f"{label} must be a whole number, not “{_shorten(str(value))}”")
            return None
        if number < 1:
            problems.append("a course lasts at least one minute")
            return None
        if number > MAX_DURATION:
            problems.append(f"{label} is too large")
            return None
        return int(number)

    def _cost(self, value, problems: list[str]) -> Decimal | None:
        if isinstance(value, bool):
            problems.append("cost must be a number")
            return None
        if isinstance(value, int | float):
            text = str(value)
        else:
            text = self._number_text(value, "cost", problems)
            if text is None:
                return None
            if not text:
                return Decimal("0.00")
        try:
            cost = Decimal(text)
        except InvalidOperation:
            self._formula_or(text, "cost", f"cost must be a number, not “{_shorten(text)}”", problems)
            return None
        if not cost.is_finite():
            problems.append(f"cost must be a number, not “{_shorten(text)}”")
            return None
        if cost < 0:
            problems.append("cost cannot be negative")
            return None
        if cost != cost.quantize(Decimal("0.01")):
            problems.append("cost has more than two decimal places")
            return None
        if cost > MAX_COST:
            problems.append(f"cost is more than {MAX_COST:,}")
            return None
        return cost.quantize(Decimal("0.01"))

    def _currency(self, text: str | None, problems: list[str]) -> str | None:
        if text is None:
            return None
        if not text:
            return "GBP"
        if len(text) != 3 or not text.isascii() or not text.isalpha():
            problems.append(f"currency must be a three-letter code such as GBP, not “{_shorten(text)}”")
            return None
        return text.upper()

    def _format(self, value, problems: list[str]) -> str | None:
        text = self._text(value, "format", problems)
        if text is None:
            return None
        if not text:
            problems.append("format is empty")
            return None
        if text.lower() not in _FORMATS:
            problems.append(f"format “{_shorten(text)}” is not one of: {', '.join(Course.Format.values)}")
            return None
        return _FORMATS[text.lower()]

    def _yes_no(self, value, column: str, problems: list[str]) -> bool | None:
        label = COLUMNS[column]
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        text = self._text(value, column, problems)
        if text is None:
            return None
        if not text:
            problems.append(f"{label} is empty (yes or no)")
            return None
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        problems.append(f"{label} must be yes or no, not “{_shorten(text)}”")
        return None

    def _skills(self, value, problems: list[str]) -> list[tuple[str, int, int]]:
        text = self._text(value, "skills", problems)
        if not text:
            return []
        links: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        for item in (part.strip() for part in text.split(";")):
            if not item:
                continue
            match = _SKILL_ITEM.match(item)
            if not match:
                problems.append(f"skills: write “{_shorten(item)}” as a skill and its levels, e.g. “delegation 1-3”")
                continue
            name, low, high = match["skill"].strip(), int(match["low"]), int(match["high"])
            key = self.skills.get(name.lower())
            if key is None:
                problems.append(f"skill “{_shorten(name)}” is not in the current rubric")
                continue
            if not (1 <= low <= 4 and 1 <= high <= 4):
                problems.append(f"skills: levels go from 1 to 4 (“{_shorten(item)}”)")
                continue
            if low >= high:
                problems.append(
                    f"skills: a course takes people from a lower level to a higher one (“{_shorten(item)}”)"
                )
                continue
            if key in seen:
                problems.append(f"skill {key} is listed twice")
                continue
            seen.add(key)
            links.append((key, low, high))
        return links
