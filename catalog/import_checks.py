"""Checking one row of a catalog file: every cell, in plain words, with the row's number.

`RowChecker.check` takes the cells of one row (as read by catalog.importer from
CSV or XLSX) and returns a clean CourseRow, or adds every problem of the row to
the error list. Formula injection is handled here: see catalog/importer.py.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug

from people.importer import ErrorList

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


# --- Checking one row ---------------------------------------------------------------


class RowChecker:
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
