"""Importing the catalog: catalog.importer, catalog.services.import_courses, the queued import and the command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from catalog import services
from catalog.models import Course, CourseImport, CourseSkill
from catalog.services import import_courses, run_queued_course_import
from catalog.tests.factories import CourseFactory
from catalog.tests.transfer_helpers import catalog_csv, catalog_xlsx, course_line, links_of, snapshot, xlsx_row

pytestmark = pytest.mark.django_db

BASE_LINES = [
    course_line("deleg-101", skills="delegation 1-3; feedback 2-4"),
    course_line("fb-201", title="Giving feedback", format="workshop", duration_minutes="180", skills="feedback 1-3"),
]
BASE = catalog_csv(*BASE_LINES)


def csv_import(content, **kwargs):
    return import_courses(content=content, file_format="csv", **kwargs)


def xlsx_import(content):
    return import_courses(content=content, file_format="xlsx")


def error_rows(result):
    return [row for row, _ in result.errors]


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.fixture
def imported():
    result = csv_import(BASE)
    assert result.ok, result.errors
    return result


# --- A clean file ----------------------------------------------------------------------


def test_clean_csv_creates_each_course_with_its_details():
    csv_import(BASE)

    course = Course.objects.get(code="fb-201")
    assert (course.title, course.format, course.duration_minutes, course.cost, course.is_self_paced) == (
        "Giving feedback",
        Course.Format.WORKSHOP,
        180,
        Decimal("0.00"),
        True,
    )


def test_clean_csv_links_each_course_to_the_skills_it_lists():
    csv_import(BASE)

    assert links_of("deleg-101") == [("delegation", 1, 3), ("feedback", 2, 4)]


def test_clean_csv_reports_every_course_as_created():
    result = csv_import(BASE)

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 2, 0, 0)


def test_reimport_of_the_same_file_reports_every_course_unchanged(imported):
    result = csv_import(BASE)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_changed_title_counts_as_updated(imported):
    result = csv_import(BASE.replace(b"Giving feedback", b"Giving better feedback"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Course.objects.get(code="fb-201").title == "Giving better feedback"


def test_course_whose_only_change_is_its_skills_counts_as_updated(imported):
    result = csv_import(BASE.replace(b"feedback 1-3", b"feedback 1-4"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert links_of("fb-201") == [("feedback", 1, 4)]


def test_skills_not_listed_any_more_are_unlinked(imported):
    csv_import(BASE.replace(b"delegation 1-3; feedback 2-4", b"feedback 2-4"))

    assert links_of("deleg-101") == [("feedback", 2, 4)]


def test_empty_skills_cell_removes_the_courses_links(imported):
    result = csv_import(catalog_csv(course_line("deleg-101", skills="")))

    assert links_of("deleg-101") == []
    assert result.updated == 1


def test_skills_may_be_named_by_their_name_in_any_case():
    csv_import(catalog_csv(course_line(skills="DELEGATION 1-3; Conflict Resolution 2-3")))

    assert links_of("deleg-101") == [("conflict-resolution", 2, 3), ("delegation", 1, 3)]


def test_courses_missing_from_the_file_are_left_alone(imported):
    csv_import(catalog_csv(course_line("new-1")))

    assert Course.objects.filter(code__in=["deleg-101", "fb-201"]).count() == 2
    assert links_of("fb-201") == [("feedback", 1, 3)]


def test_existing_course_made_by_hand_is_updated_by_code():
    CourseFactory(code="deleg-101", title="Old title")

    result = csv_import(catalog_csv(course_line("deleg-101")))

    assert (result.created, result.updated) == (0, 1)
    assert Course.objects.get(code="deleg-101").title == "Delegation basics"


def test_header_aliases_are_accepted_in_any_case():
    header = [
        "Code",
        "Title",
        "Description",
        "Provider",
        "FORMAT",
        "Duration (minutes)",
        "Cost",
        "Currency",
        "Language",
        "Link",
        "Self-paced",
        "Active",
        "Skills",
    ]

    result = csv_import(catalog_csv(course_line(), header=header))

    assert result.ok, result.errors
    assert Course.objects.get().url == "https://learning.example.com/deleg-101"


def test_columns_may_come_in_any_order():
    line = course_line()
    columns = list(reversed(line))
    content = (",".join(columns) + "\n" + ",".join(line[c] for c in columns) + "\n").encode()

    assert csv_import(content).ok


def test_format_may_be_given_by_its_label_in_any_case():
    csv_import(catalog_csv(course_line(format="lunch-AND-learn")))

    assert Course.objects.get().format == Course.Format.LUNCH_AND_LEARN


@pytest.mark.parametrize(("written", "expected"), [("yes", True), ("No", False), ("TRUE", True), ("0", False)])
def test_self_paced_accepts_yes_no_true_false_1_0(written, expected):
    csv_import(catalog_csv(course_line(self_paced=written)))

    assert Course.objects.get().is_self_paced is expected


def test_empty_cost_currency_and_language_mean_free_gbp_english():
    csv_import(catalog_csv(course_line(cost="", currency="", language="")))

    course = Course.objects.get()
    assert (course.cost, course.currency, course.language) == (Decimal("0.00"), "GBP", "en")


def test_apostrophe_before_a_formula_character_is_removed():
    csv_import(catalog_csv(course_line(title="'=Excel for managers", description="'- a list")))

    course = Course.objects.get()
    assert (course.title, course.description) == ("=Excel for managers", "- a list")


def test_dry_run_counts_but_writes_nothing():
    result = csv_import(BASE, dry_run=True)

    assert result.created == 2
    assert not Course.objects.exists()


# --- Errors: reported with their rows, nothing written -----------------------------------


def test_errors_on_several_rows_are_all_reported_with_their_row_numbers_and_nothing_is_written(imported):
    before = snapshot()
    content = catalog_csv(
        course_line("ok-1"),
        course_line("bad-1", duration_minutes="-5"),
        course_line("ok-2"),
        course_line("bad-2", skills="telepathy 1-2"),
        course_line("bad-3", url="ftp://files.example.com/course"),
    )

    result = csv_import(content)

    assert error_rows(result) == [3, 5, 6]
    assert snapshot() == before


def test_negative_duration_is_rejected():
    result = csv_import(catalog_csv(course_line(duration_minutes="-5")))

    assert only_error(result) == (2, "a course lasts at least one minute.")
    assert not Course.objects.exists()


def test_unknown_skill_is_rejected():
    result = csv_import(catalog_csv(course_line(skills="delegation 1-3; telepathy 1-2")))

    assert only_error(result) == (2, "skill “telepathy” is not in the current rubric.")
    assert not Course.objects.exists()


def test_link_that_is_not_http_is_rejected():
    result = csv_import(catalog_csv(course_line(url="javascript:alert(1)")))

    assert only_error(result) == (
        2,
        "link must be a web address starting with http:// or https://, not “javascript:alert(1)”.",
    )
    assert not Course.objects.exists()


def test_duplicate_code_in_the_file_is_rejected_on_its_second_row():
    result = csv_import(catalog_csv(course_line("a"), course_line("b"), course_line("a")))

    assert only_error(result) == (4, "code a is also on row 2.")
    assert not Course.objects.exists()


def test_formula_in_a_csv_cell_is_rejected():
    result = csv_import(catalog_csv(course_line(title='=HYPERLINK("http://evil.example.com","Click")')))

    row, message = only_error(result)
    assert row == 2
    assert message.startswith("title starts with “=”, which spreadsheet programs run as a formula")
    assert not Course.objects.exists()


@pytest.mark.parametrize("start", ["+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_rejected_in_a_csv_text_cell(start):
    result = csv_import(catalog_csv(course_line(provider=f"{start}SUM(1+1)")))

    assert "provider starts with" in only_error(result)[1]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"skills": "delegation 1-5"}, "skills: levels go from 1 to 4"),
        ({"skills": "delegation 3-2"}, "a course takes people from a lower level to a higher one"),
        ({"skills": "delegation"}, "write “delegation” as a skill and its levels"),
        ({"skills": "delegation 1-2; delegation 2-3"}, "skill delegation is listed twice"),
        ({"duration_minutes": "forty"}, "duration (minutes) must be a whole number, not “forty”"),
        ({"duration_minutes": "=40"}, "duration (minutes) starts with “=”"),
        ({"duration_minutes": "1.5"}, "duration (minutes) must be a whole number"),
        ({"cost": "cheap"}, "cost must be a number, not “cheap”"),
        ({"cost": "-10"}, "cost cannot be negative"),
        ({"cost": "9.999"}, "cost has more than two decimal places"),
        ({"format": "podcast"}, "format “podcast” is not one of: video, microlearning"),
        ({"active": "maybe"}, "active must be yes or no, not “maybe”"),
        ({"currency": "pounds"}, "currency must be a three-letter code"),
        ({"title": "x" * 201}, "title is longer than 200 characters"),
        ({"code": "c" * 41}, "code is longer than 40 characters"),
        ({"provider": "p" * 121}, "provider is longer than 120 characters"),
        ({"code": "has spaces"}, "may only hold letters, digits, hyphens and underscores"),
        ({"title": ""}, "title is empty"),
        ({"code": ""}, "code is empty"),
        ({"duration_minutes": ""}, "duration (minutes) is empty"),
        ({"self_paced": ""}, "self-paced is empty"),
        ({"format": ""}, "format is empty"),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_a_bad_cell_is_reported_on_its_row_and_nothing_is_written(overrides, message):
    result = csv_import(catalog_csv(course_line(), course_line("two") | overrides))

    row, text = only_error(result)
    assert row == 3
    assert message in text
    assert not Course.objects.exists()


def test_every_problem_of_one_row_is_reported_together():
    result = csv_import(catalog_csv(course_line(title="", duration_minutes="0", skills="telepathy 1-2")))

    assert only_error(result) == (
        2,
        "title is empty; a course lasts at least one minute; skill “telepathy” is not in the current rubric.",
    )


def test_non_utf8_csv_gets_an_error_on_its_line():
    content = catalog_csv(course_line("a"), course_line("b", title="Caf\u00e9 talks")).replace(
        "Café".encode(), "Café".encode("latin-1")
    )

    result = csv_import(content)

    row, message = only_error(result)
    assert row == 3
    assert "not UTF-8" in message
    assert not Course.objects.exists()


def test_header_missing_a_column_is_reported_on_row_1():
    content = b"code,title\nabc,Something\n"

    row, message = only_error(csv_import(content))

    assert row == 1
    assert message.startswith("the header is missing the column(s): description, provider, format")


def test_row_with_a_different_number_of_cells_is_reported():
    content = catalog_csv(course_line()) + b"extra,row\n"

    assert only_error(csv_import(content)) == (3, "expected 13 columns like the header, found 2.")


def test_row_with_a_line_break_in_a_cell_is_reported_on_the_line_it_starts():
    content = catalog_csv(course_line("a", description="Two\nlines"), course_line("b", duration_minutes="0"))

    assert error_rows(csv_import(content)) == [4]


def test_unclosed_quote_is_reported_on_its_line():
    content = catalog_csv(course_line("a")) + b'b,"Unclosed title\n'

    row, message = only_error(csv_import(content))

    assert row == 3
    assert "never closed" in message


def test_header_only_file_is_reported():
    assert only_error(csv_import(catalog_csv())) == (2, "the file has a header but no courses.")


def test_errors_are_capped(monkeypatch):
    from people import importer as people_importer

    monkeypatch.setattr(people_importer, "MAX_ERRORS", 3)
    result = csv_import(catalog_csv(*(course_line(f"c{n}", duration_minutes="0") for n in range(5))))

    assert (len(result.errors), result.dropped_errors) == (3, 2)


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_import_creates_courses_with_numbers_and_booleans_as_excel_stores_them():
    row = xlsx_row(course_line(duration_minutes=90, cost=12.5, self_paced=False, active=True))

    result = xlsx_import(catalog_xlsx(row))

    assert result.ok, result.errors
    course = Course.objects.get()
    assert (course.duration_minutes, course.cost, course.is_self_paced, course.is_active) == (
        90,
        Decimal("12.50"),
        False,
        True,
    )
    assert links_of("deleg-101") == [("delegation", 1, 3)]


def test_xlsx_formula_cell_is_rejected():
    row = xlsx_row(course_line(title="=A1&B1"))

    result = xlsx_import(catalog_xlsx(row))

    assert only_error(result) == (2, "title is a formula (“=A1&B1”); type the value itself instead.")
    assert not Course.objects.exists()


def test_xlsx_formula_in_a_number_cell_is_rejected():
    row = xlsx_row(course_line(duration_minutes="=30*2"))

    assert "duration (minutes) is a formula" in only_error(xlsx_import(catalog_xlsx(row)))[1]


def test_xlsx_string_cell_starting_with_equals_is_taken_as_it_is():
    from openpyxl import Workbook

    from catalog.importer import HEADER

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(xlsx_row(course_line(title="placeholder")))
    sheet["B2"].value = "=not a formula"
    sheet["B2"].data_type = "s"
    out = io.BytesIO()
    workbook.save(out)

    assert xlsx_import(out.getvalue()).ok
    assert Course.objects.get().title == "=not a formula"


def test_xlsx_errors_are_reported_with_the_spreadsheet_row_numbers():
    rows = [xlsx_row(course_line("a")), [None] * 13, xlsx_row(course_line("b", duration_minutes=-5))]

    assert only_error(xlsx_import(catalog_xlsx(*rows))) == (4, "a course lasts at least one minute.")


def test_file_that_is_not_a_workbook_is_rejected():
    row, message = only_error(xlsx_import(BASE))

    assert row is None
    assert "cannot be read as an Excel workbook" in message


# --- The queued import -------------------------------------------------------------------


def queue(content, file_format="csv"):
    return CourseImport.objects.create(file_name=f"catalog.{file_format}", file_format=file_format, content=content)


def test_queued_import_of_a_clean_file_is_marked_done_with_counts(imported):
    course_import = queue(
        catalog_csv(BASE_LINES[0], BASE_LINES[1] | {"title": "Feedback that lands"}, course_line("new-1"))
    )

    run_queued_course_import(course_import_id=course_import.pk)

    course_import.refresh_from_db()
    assert course_import.status == CourseImport.Status.DONE
    assert (course_import.created_count, course_import.updated_count, course_import.unchanged_count) == (1, 1, 1)
    assert course_import.row_count == 3
    assert course_import.errors == []
    assert course_import.finished_at is not None


def test_queued_import_of_a_bad_file_is_rejected_with_row_numbered_errors():
    course_import = queue(catalog_csv(course_line("a"), course_line("b", skills="telepathy 1-2")))

    run_queued_course_import(course_import_id=course_import.pk)

    course_import.refresh_from_db()
    assert course_import.status == CourseImport.Status.REJECTED
    assert course_import.errors == [{"row": 3, "message": "skill “telepathy” is not in the current rubric."}]
    assert not Course.objects.exists()


def test_queued_xlsx_import_is_read_as_a_workbook():
    course_import = queue(catalog_xlsx(xlsx_row(course_line())), file_format="xlsx")

    run_queued_course_import(course_import_id=course_import.pk)

    course_import.refresh_from_db()
    assert (course_import.status, course_import.created_count) == (CourseImport.Status.DONE, 1)


def test_queued_import_run_a_second_time_does_nothing(imported):
    course_import = queue(BASE.replace(b"Giving feedback", b"Feedback that lands"))
    run_queued_course_import(course_import_id=course_import.pk)
    Course.objects.filter(code="fb-201").update(title="Changed since")

    assert run_queued_course_import(course_import_id=course_import.pk) is None

    assert Course.objects.get(code="fb-201").title == "Changed since"


def test_queued_import_that_fails_unexpectedly_is_rejected_and_writes_nothing(imported, monkeypatch):
    def boom(**kwargs):
        Course.objects.update(title="half-written")
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_set_links", boom)
    course_import = queue(BASE.replace(b"Giving feedback", b"Feedback that lands"))

    run_queued_course_import(course_import_id=course_import.pk)

    course_import.refresh_from_db()
    assert course_import.status == CourseImport.Status.REJECTED
    assert course_import.errors == [
        {"row": None, "message": "the import stopped on an unexpected error; nothing was changed."}
    ]
    assert not Course.objects.filter(title="half-written").exists()
    assert CourseSkill.objects.count() == 3


# --- The command ---------------------------------------------------------------------------


def test_command_imports_the_file_and_prints_the_counts(tmp_path, capsys):
    path = tmp_path / "catalog.csv"
    path.write_bytes(BASE)

    call_command("import_courses", str(path))

    assert "Imported: 2 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert Course.objects.count() == 2


def test_command_fails_on_a_bad_file_with_row_numbered_errors(tmp_path, capsys):
    path = tmp_path / "catalog.csv"
    path.write_bytes(catalog_csv(course_line("a", duration_minutes="-5")))

    with pytest.raises(CommandError, match=r"^1 error\(s\); nothing was imported\.$"):
        call_command("import_courses", str(path))

    assert capsys.readouterr().err.splitlines() == ["Row 2: a course lasts at least one minute."]
    assert not Course.objects.exists()


def test_command_refuses_a_file_that_is_neither_csv_nor_xlsx(tmp_path):
    path = tmp_path / "catalog.pdf"
    path.write_bytes(BASE)

    with pytest.raises(CommandError, match=r"\.csv file"):
        call_command("import_courses", str(path))
