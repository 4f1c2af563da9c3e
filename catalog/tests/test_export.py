"""Exporting the catalog (catalog.exporter through the export view), and export → import round trips."""

import csv
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from catalog import selectors
from catalog.importer import HEADER
from catalog.models import Course, CourseSkill
from catalog.services import import_courses
from catalog.tests.factories import CourseFactory
from catalog.tests.transfer_helpers import snapshot

pytestmark = pytest.mark.django_db

# Text that a spreadsheet program would run as a formula, or that looks escaped already.
TRICKY = {
    "title": '=HYPERLINK("http://evil.example.com","Click")',
    "description": "- first point\n- second point",
    "provider": "@vendor",
}


def link(course, key, level_from, level_to):
    CourseSkill.objects.create(
        course=course, skill=selectors.current_skills().get(key=key), level_from=level_from, level_to=level_to
    )


@pytest.fixture
def catalog(db):
    deleg = CourseFactory(
        code="deleg-101",
        title="Delegation basics",
        description="Hand work over well.\r\nTyped in a browser, so the line breaks are \\r\\n.",
        provider="Internal L&D",
        format=Course.Format.WORKSHOP,
        duration_minutes=90,
        cost=Decimal("250.00"),
        currency="EUR",
        language="fr",
        url="https://learning.example.com/deleg-101",
        is_self_paced=False,
    )
    link(deleg, "delegation", 1, 3)
    link(deleg, "feedback", 2, 4)
    tricky = CourseFactory(code="-dash-code", **TRICKY)
    link(tricky, "coaching", 1, 2)
    CourseFactory(code="quoted", title="'=already quoted", description="'\tquoted tab")
    CourseFactory(code="retired", title="Old course", is_active=False, cost=Decimal("12.50"))
    return Course.objects.all()


def export(client, user, file_format):
    client.force_login(user)
    response = client.get(reverse("catalog:course_export"), {"format": file_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def expected_row(course: Course) -> dict:
    """The course as the export should write it (before formula neutralisation)."""
    skills = "; ".join(
        f"{li.skill.key} {li.level_from}-{li.level_to}"
        for li in course.skills.select_related("skill").order_by("skill__order")
    )
    return {
        "code": course.code,
        "title": course.title,
        "description": course.description,
        "provider": course.provider,
        "format": course.format,
        "duration_minutes": course.duration_minutes,
        "cost": course.cost,
        "currency": course.currency,
        "language": course.language,
        "url": course.url,
        "self_paced": "yes" if course.is_self_paced else "no",
        "active": "yes" if course.is_active else "no",
        "skills": skills,
    }


def unescaped(value: str) -> str:
    return value[1:] if value.startswith("'") else value


# --- CSV --------------------------------------------------------------------------------------


def test_csv_export_parsed_back_matches_the_database(client, org, catalog):
    rows = csv_rows(export(client, org.ld, "csv"))

    expected = [expected_row(course) for course in catalog.order_by("code")]
    parsed = [
        {
            **{column: unescaped(row[column]) for column in HEADER},
            "duration_minutes": int(row["duration_minutes"]),
            "cost": Decimal(row["cost"]),
        }
        for row in rows
    ]
    assert parsed == expected


def test_csv_export_has_the_header_the_import_reads(client, org, catalog):
    content = export(client, org.ld, "csv")

    assert content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)


def test_csv_export_includes_retired_courses_marked_inactive(client, org, catalog):
    rows = {row["code"]: row for row in csv_rows(export(client, org.ld, "csv"))}

    assert rows["retired"]["active"] == "no"


def test_csv_export_puts_an_apostrophe_before_text_a_spreadsheet_would_run(client, org, catalog):
    rows = {unescaped(row["code"]): row for row in csv_rows(export(client, org.ld, "csv"))}

    assert rows["-dash-code"]["code"] == "'-dash-code"
    assert rows["-dash-code"]["title"] == "'" + TRICKY["title"]
    assert rows["-dash-code"]["description"] == "'" + TRICKY["description"]
    assert rows["-dash-code"]["provider"] == "'@vendor"
    assert rows["quoted"]["title"] == "''=already quoted"
    assert rows["deleg-101"]["title"] == "Delegation basics"


def test_csv_export_is_an_attachment_named_with_the_date(client, org, catalog):
    client.force_login(org.ld)
    with time_machine.travel("2026-11-23 10:00"):
        response = client.get(reverse("catalog:course_export"), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="skillbridge-catalog-2026-11-23.csv"'


def test_csv_round_trip_changes_nothing(client, org, catalog):
    content = export(client, org.ld, "csv")
    before = snapshot()

    result = import_courses(content=content, file_format="csv")

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, catalog.count())
    assert snapshot() == before


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_export_parsed_back_matches_the_database(client, org, catalog):
    header, *rows = xlsx_rows(export(client, org.ld, "xlsx"))

    # XLSX stores every line break as \n.
    expected = [
        expected_row(course) | {"description": course.description.replace("\r\n", "\n")}
        for course in catalog.order_by("code")
    ]
    parsed = [
        {
            **{column: "" if value is None else value for column, value in zip(header, row, strict=True)},
            "cost": Decimal(str(row[HEADER.index("cost")])).quantize(Decimal("0.01")),
        }
        for row in rows
    ]
    assert header == HEADER
    assert parsed == expected


def test_xlsx_export_writes_formula_like_text_as_plain_string_cells(client, org, catalog):
    from openpyxl import load_workbook

    content = export(client, org.ld, "xlsx")

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells[TRICKY["title"]].data_type == "s"
    assert cells["-dash-code"].data_type == "s"
    assert not [cell for cell in cells.values() if cell.data_type == "f"]


def test_xlsx_export_is_an_attachment_named_with_the_date(client, org, catalog):
    client.force_login(org.ld)
    with time_machine.travel("2026-11-23 10:00"):
        response = client.get(reverse("catalog:course_export"), {"format": "xlsx"})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="skillbridge-catalog-2026-11-23.xlsx"' in response["Content-Disposition"]


def test_xlsx_round_trip_changes_nothing(client, org, catalog):
    content = export(client, org.ld, "xlsx")
    before = snapshot()

    result = import_courses(content=content, file_format="xlsx")

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, catalog.count())
    assert snapshot() == before


# --- Both -------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("size", [3, 60])
def test_export_query_count_does_not_grow_with_the_catalog(
    client, org, file_format, size, django_assert_max_num_queries
):
    for course in CourseFactory.create_batch(size):
        link(course, "delegation", 1, 3)
        link(course, "feedback", 2, 4)
    client.force_login(org.ld)

    # session, user, roles (person and groups), then one chunk: courses and their links
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalog:course_export"), {"format": file_format})
        content = b"".join(response.streaming_content)

    assert content


def test_export_reads_a_large_catalog_in_chunks(org, monkeypatch):
    from catalog import transfer_selectors

    CourseFactory.create_batch(5)

    chunks = list(transfer_selectors.catalog_in_chunks(org.ld, chunk_size=2))

    assert [len(chunk) for chunk in chunks] == [2, 2, 1]


def test_export_of_an_empty_catalog_is_just_the_header(client, org):
    assert csv_rows(export(client, org.ld, "csv")) == []


def test_command_writes_both_formats_that_import_back_unchanged(tmp_path, catalog):
    for name in ("catalog.csv", "catalog.xlsx"):
        call_command("export_courses", str(tmp_path / name))

        result = import_courses(content=(tmp_path / name).read_bytes(), file_format=name.rsplit(".", 1)[1])

        assert (result.ok, result.updated, result.unchanged) == (True, 0, catalog.count())
