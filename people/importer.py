"""Reading and checking an org chart CSV, before anything is written.

`parse_org_csv` turns the raw bytes into rows and a list of errors, each with
the line number it was found on. `check_org_rows` adds the checks that need
the current org chart (unknown managers, e-mails already in use, loops in the
management chain). Only a file with no error at all is applied, by
`people.services.import_org`.
"""

import csv
import io
from dataclasses import dataclass

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
_MAX_LENGTHS = {"employee_number": 32, "name": 200, "email": 254, "department": 120, "job_title": 200}
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


def _normalise_header(name: str) -> str:
    key = "".join(ch for ch in (name or "").lower() if ch.isalnum())
    return _ALIASES.get(key, "")


def decode(content: bytes, errors: ErrorList) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        errors.add(
            line,
            f"this line is not UTF-8 text (byte 0x{content[exc.start]:02x}). "
            "Save the file as “CSV UTF-8” and upload it again.",
        )
        return None


def parse_org_csv(content: bytes) -> tuple[list[OrgRow], ErrorList]:
    errors = ErrorList()
    text = decode(content, errors)
    if text is None:
        return [], errors
    if "\x00" in text:
        errors.add(
            text[: text.index("\x00")].count("\n") + 1, "this line contains a NUL byte; is it really a CSV file?"
        )
        return [], errors
    if not text.strip():
        errors.add(1, "the file is empty.")
        return [], errors

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        errors.add(1, f"the header cannot be read ({exc}).")
        return [], errors
    positions = {}
    for index, name in enumerate(header):
        column = _normalise_header(name)
        if column and column not in positions:
            positions[column] = index
    missing = [label for column, label in COLUMNS.items() if column not in positions]
    if missing:
        errors.add(1, "the header is missing the column(s): " + ", ".join(missing) + ".")
        return [], errors

    rows: list[OrgRow] = []
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
            errors.add(start, f"this line cannot be read as CSV ({exc}).")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.add(start, f"expected {len(header)} columns like the header, found {len(cells)}.")
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
                row_errors.append(f"“{values['email']}” is not an e-mail address")
        active = values["active"].lower()
        if active and active not in _TRUE | _FALSE:
            row_errors.append(f"active must be yes or no, not “{values['active']}”")
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
    return rows, errors


def check_org_rows(
    rows: list[OrgRow],
    *,
    existing_managers: dict[str, str],
    existing_emails: dict[str, str],
    reserved_emails: set[str],
    errors: ErrorList,
) -> None:
    """Checks against the current org chart.

    existing_managers: employee number → manager's employee number ("" for none)
    for everyone already in the org chart; existing_emails: e-mail → employee
    number; reserved_emails: e-mails of accounts that are not people (admins).
    """
    in_file = {row.employee_number: row for row in rows}
    for row in rows:
        owner = existing_emails.get(row.email)
        if owner is not None and owner != row.employee_number:
            if owner not in in_file:  # they keep the address: a person in the file may change theirs
                errors.add(row.line, f"e-mail {row.email} already belongs to employee {owner}.")
        elif owner is None and row.email in reserved_emails:
            errors.add(row.line, f"e-mail {row.email} is already used by an account that is not in the org chart.")
        if row.manager_number and row.manager_number not in in_file and row.manager_number not in existing_managers:
            errors.add(row.line, f"manager {row.manager_number} is neither in this file nor in the org chart.")

    # The management chain after the import: the org chart overlaid by the file.
    manager_of = dict(existing_managers)
    manager_of.update({row.employee_number: row.manager_number for row in rows})
    reported: set[str] = set()
    settled: set[str] = set()  # people whose chain is known to reach the top
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
            key = frozenset(loop)
            if not reported & key:
                reported |= key
                shown = " → ".join([*loop, number])
                first = next((in_file[n] for n in loop if n in in_file), row)
                errors.add(first.line, f"the management chain loops: {shown}.")
            continue
        settled.update(path)
