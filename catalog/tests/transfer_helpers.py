"""Building catalog files for the import and export tests."""

import csv
import io

from catalog.importer import HEADER
from catalog.models import Course, CourseSkill


def course_line(code="deleg-101", **overrides) -> dict:
    values = {
        "code": code,
        "title": "Delegation basics",
        "description": "Hand work over well.",
        "provider": "Internal L&D",
        "format": "video",
        "duration_minutes": "45",
        "cost": "0",
        "currency": "GBP",
        "language": "en",
        "url": f"https://learning.example.com/{code}",
        "self_paced": "yes",
        "active": "yes",
        "skills": "delegation 1-3",
    }
    return values | overrides


def catalog_csv(*lines: dict, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for line in lines:
        writer.writerow([line[column] for column in HEADER])
    return out.getvalue().encode()


def catalog_xlsx(*rows: list, header=HEADER) -> bytes:
    """A workbook with the header and the rows as given (Python values; a str starting with = is a formula)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_row(line: dict) -> list:
    return [line[column] for column in HEADER]


def snapshot():
    """Every course and skill link, to compare before and after."""
    return (
        list(Course.objects.order_by("pk").values()),
        sorted(CourseSkill.objects.values_list("course_id", "skill_id", "level_from", "level_to")),
    )


def links_of(code: str) -> list[tuple[str, int, int]]:
    return sorted(CourseSkill.objects.filter(course__code=code).values_list("skill__key", "level_from", "level_to"))
