"""Reading and checking an org chart CSV, before anything is written.

`parse_org_csv` turns the raw bytes into rows and a list of errors, each with
the line number it was found on. `check_org_rows` adds the checks that need
the current org chart (unknown managers, e-mails already in use, loops in the
management chain). Only a file with no error at all is applied, by
`people.services.import_org`.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

COLUMNS = {
    "employee_number": "employee number",
    "name": "name",
    "email": "e-mail",
    "manager_employee_number": "manager's employee number",
    "department": "department",
    "job_title": "job title",
    "active": "active",
}
# Header spellings we accept for each column (compared lower-case, with
# spaces, dashes and underscores removed).
_ALIASES = {
    "employeenumber": "employee_number",
    "employeeno": "employee_number",
    "employeeid": "employee_number",
    "number": "employee_number",
    "name": "name",
    "fullname": "name",
    "email": "email",
    "emailaddress": "email",
    "manageremployeenumber": "manager_employee_number",
    "managersemployeenumber": "manager_employee_number",
    "managernumber": "manager_employee_number",
    "manager": "manager_employee_number",
    "department": "department",
    "jobtitle": "job_title",
    "title": "job_title",
    "active": "active",
}
_TRUE = {"yes", "y", "true", "1", "active"}
_FALSE = {"no", "n", "false", "0", "inactive", "left"}
# The e-mail is also the account's user name, which holds at most 150 characters.
_MAX_LENGTHS = {"employee_number": 32, "name": 200, "email": 150, "department": 120, "job_title": 200}
_ACTIVE_VALUES = _TRUE | _FALSE
MAX_ERRORS = 500
_validate_email = EmailValidator()


@dataclass(frozen=True)
class OrgRow:
    line: int
    employee_number: str
    name: str
    email: str
    manager_number: str
    department: str
    job_title: str
    is_active: bool


class ErrorList(list):
    """Errors as (line, message) pairs, capped so a broken 20,000-line file stays readable."""

    def __init__(self):
        super().__init__()
        self.dropped = 0

    def add(self, line: int, message: str):
        if len(self) < MAX_ERRORS:
            self.append((line, message))
        else:
            self.dropped += 1


@dataclass
class OrgFile:
    """What `read_org_csv` found: the clean rows, every error, and the employee
    numbers on lines that have an error (those people are in the file, even if
    their line cannot be used yet)."""

    rows: list[OrgRow]
    errors: ErrorList
    rejected_numbers: set[str] = field(default_factory=set)


def _line_breaks(text: str | bytes) -> int:
    """Line breaks in text, counted as the CSV reader counts them: \\n, \\r\\n or a lone \\r."""
    if isinstance(text, bytes):
        return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return 'a quoted field starts on this line and is never closed: a quote (") is missing.'
    if "expected after" in message:
        return (
            "a quoted field has more text after its closing quote. "
            'A quote inside a quoted field is written twice: "Sam ""Sammy"" Smith".'
        )
    return f"this line cannot be read as CSV ({message})."


def _normalise_header(name: str) -> str:
    key = "".join(ch for ch in (name or "").lower() if ch.isalnum())
    return _ALIASES.get(key, "")


def decode(content: bytes, errors: ErrorList) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_breaks(content[: exc.start]) + 1
        errors.add(
            line,
            f"this line is not UTF-8 text (byte 0x{content[exc.start]:02x}). "
            "Save the file as “CSV UTF-8” and upload it again.",
        )
        return None


def parse_org_csv(content: bytes) -> tuple[list[OrgRow], ErrorList]:
    """The clean rows of the file, and every error in it with its line number."""
    parsed = read_org_csv(content)
    return parsed.rows, parsed.errors


def read_org_csv(content: bytes) -> OrgFile:
    errors = ErrorList()
    parsed = OrgFile(rows=[], errors=errors)
    text = decode(content, errors)
    if text is None:
        return parsed
    if "\x00" in text:
        errors.add(
            _line_breaks(text[: text.index("\x00")]) + 1, "this line contains a NUL byte; is it really a CSV file?"
        )
        return parsed
    if not text.strip():
        errors.add(1, "the file is empty.")
        return parsed

    # Strict, so that a missing or stray quote is reported on its line instead
    # of silently gluing the rest of the file into one field.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        errors.add(1, "the header cannot be read: " + _csv_problem(exc))
        return parsed
    positions = {}
    for index, name in enumerate(header):
        column = _normalise_header(name)
        if column and column not in positions:
            positions[column] = index
    missing = [label for column, label in COLUMNS.items() if column not in positions]
    if missing:
        errors.add(1, "the header is missing the column(s): " + ", ".join(missing) + ".")
        return parsed

    rows = parsed.rows
    number_at = positions["employee_number"]
    first_line_of_number: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader drops the rest of the bad line and carries on with the next one.
            errors.add(start, _csv_problem(exc))
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.add(start, f"expected {len(header)} columns like the header, found {len(cells)}.")
            if number_at < len(cells) and cells[number_at].strip():
                parsed.rejected_numbers.add(cells[number_at].strip())
            continue
        values = {column: cells[index].strip() for column, index in positions.items()}
        row_errors = []
        for column in ("employee_number", "name", "email", "active"):
            if not values[column]:
                row_errors.append(f"{COLUMNS[column]} is empty")
        for column, limit in _MAX_LENGTHS.items():
            if len(values[column]) > limit:
                row_errors.append(f"{COLUMNS[column]} is longer than {limit} characters")
        email = values["email"].lower()
        if email:
            try:
                _validate_email(email)
            except ValidationError:
                row_errors.append(f"“{_shorten(values['email'])}” is not an e-mail address")
        active = values["active"].lower()
        if active and active not in _ACTIVE_VALUES:
            row_errors.append(f"active must be yes or no, not “{_shorten(values['active'])}”")
        number = values["employee_number"]
        if number and values["manager_employee_number"] == number:
            row_errors.append("the person is their own manager")
        if number in first_line_of_number:
            row_errors.append(f"employee number {number} is also on line {first_line_of_number[number]}")
        elif number:
            first_line_of_number[number] = start
        if email in first_line_of_email:
            row_errors.append(f"e-mail {email} is also on line {first_line_of_email[email]}")
        elif email:
            first_line_of_email[email] = start
        if row_errors:
            errors.add(start, "; ".join(row_errors) + ".")
            if number:
                parsed.rejected_numbers.add(number)
            continue
        rows.append(
            OrgRow(
                line=start,
                employee_number=number,
                name=values["name"],
                email=email,
                manager_number=values["manager_employee_number"],
                department=values["department"],
                job_title=values["job_title"],
                is_active=active in _TRUE,
            )
        )
    if not rows and not errors:
        errors.add(2, "the file has a header but no people.")
    return parsed


def check_org_rows(
    rows: list[OrgRow],
    *,
    existing_managers: dict[str, str],
    existing_emails: dict[str, str],
    reserved_emails: set[str],
    errors: ErrorList,
    rejected_numbers: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Checks against the current org chart.

    existing_managers: employee number → manager's employee number ("" for none)
    for everyone already in the org chart; existing_emails: e-mail → employee
    number; reserved_emails: e-mails of accounts that are not people (admins).
    rejected_numbers: employee numbers on lines of the file that have an error
    already; those people count as in the file, but their lines are not used.
    """
    in_file = {row.employee_number: row for row in rows}
    for row in rows:
        owner = existing_emails.get(row.email)
        if owner is not None and owner != row.employee_number:
            # They keep the address, unless they are in the file (and so may change theirs).
            if owner not in in_file and owner not in rejected_numbers:
                errors.add(row.line, f"e-mail {row.email} already belongs to employee {owner}.")
        elif owner is None and row.email in reserved_emails:
            errors.add(row.line, f"e-mail {row.email} is already used by an account that is not in the org chart.")
        if (
            row.manager_number
            and row.manager_number not in in_file
            and row.manager_number not in existing_managers
            and row.manager_number not in rejected_numbers
        ):
            errors.add(row.line, f"manager {row.manager_number} is neither in this file nor in the org chart.")

    # The management chain after the import: the org chart overlaid by the file.
    # A person whose line has an error is a dead end: their new manager is unknown.
    manager_of = dict(existing_managers)
    manager_of.update(dict.fromkeys(rejected_numbers, ""))
    manager_of.update({row.employee_number: row.manager_number for row in rows})
    reported: set[str] = set()
    settled: set[str] = set()  # people whose chain was already walked (to the top, or into a loop)
    for row in rows:
        path: list[str] = []
        on_path: set[str] = set()
        number = row.employee_number
        while number and number not in settled and number not in on_path:
            path.append(number)
            on_path.add(number)
            number = manager_of.get(number, "")
        if number and number in on_path:
            loop = path[path.index(number) :]
            if not reported.intersection(loop):
                reported.update(loop)
                # Reported on the first line of the file that is part of the loop,
                # and shown from that person round.
                first = min((in_file[n] for n in loop if n in in_file), key=lambda r: r.line, default=row)
                if first.employee_number in loop:
                    at = loop.index(first.employee_number)
                    loop = loop[at:] + loop[:at]
                shown = " → ".join([*loop, loop[0]])
                errors.add(first.line, f"the management chain loops: {shown}.")
        # Everyone on this path either reaches the top or runs into a loop that is
        # reported now: walking them again finds nothing new.
        settled.update(path)
