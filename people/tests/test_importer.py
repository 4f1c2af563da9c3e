"""Reading and checking the org chart CSV (people.importer), before anything is written.

Line 1 is the header; the first person is on line 2. Every error test asserts
the exact line the error is reported on.
"""

import pytest

from people.importer import MAX_ERRORS, check_org_rows, parse_org_csv, read_org_csv
from people.services import validate_org_file
from people.tests.factories import PersonFactory, UserFactory

HEADER = "employee number,name,e-mail,manager's employee number,department,job title,active"


def line(number, *, name=None, email=None, manager="", department="Engineering", title="Engineer", active="yes"):
    name = f"Person {number}" if name is None else name
    email = f"{number.lower()}@example.com" if email is None else email
    return ",".join([number, name, email, manager, department, title, active])


def org_csv(*lines, header=HEADER, newline="\n"):
    return (newline.join([header, *lines]) + newline).encode()


def check(content, *, existing_managers=None, existing_emails=None, reserved_emails=()):
    """Parse, then run the org chart checks against the given (fake) org chart."""
    parsed = read_org_csv(content)
    check_org_rows(
        parsed.rows,
        existing_managers=existing_managers or {},
        existing_emails=existing_emails or {},
        reserved_emails=set(reserved_emails),
        errors=parsed.errors,
        rejected_numbers=parsed.rejected_numbers,
    )
    return list(parsed.errors)


def parse_errors(content):
    return list(parse_org_csv(content)[1])


def validation_errors(content):
    """Errors from the whole validation, against the org chart in the database."""
    return list(validate_org_file(content)[1])


# --- A clean file -----------------------------------------------------------


def test_clean_file_gives_one_row_per_person_with_its_line_number():
    rows, errors = parse_org_csv(org_csv(line("E1"), line("E2", manager="E1")))

    assert errors == []
    assert [(row.line, row.employee_number, row.manager_number) for row in rows] == [(2, "E1", ""), (3, "E2", "E1")]


def test_cells_are_trimmed_and_email_lower_cased():
    rows, errors = parse_org_csv(
        org_csv(" E1 , Ann Lee ,  Ann.Lee@Example.COM ,, Sales , Rep ,yes"),
    )

    assert errors == []
    row = rows[0]
    assert (row.employee_number, row.name, row.email, row.department, row.job_title) == (
        "E1",
        "Ann Lee",
        "ann.lee@example.com",
        "Sales",
        "Rep",
    )


@pytest.mark.parametrize(
    ("value", "is_active"),
    [
        *[("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("Active", True)],
        *[("no", False), ("N", False), ("false", False), ("0", False), ("inactive", False), ("Left", False)],
    ],
)
def test_active_accepts_yes_and_no_spellings(value, is_active):
    rows, errors = parse_org_csv(org_csv(line("E1", active=value)))

    assert errors == []
    assert rows[0].is_active is is_active


def test_department_job_title_and_manager_may_be_empty():
    rows, errors = parse_org_csv(org_csv(line("E1", department="", title="", manager="")))

    assert errors == []
    assert (rows[0].department, rows[0].job_title, rows[0].manager_number) == ("", "", "")


def test_utf8_bom_is_accepted():
    rows, errors = parse_org_csv(b"\xef\xbb\xbf" + org_csv(line("E1", name="Zoë Ødegård")))

    assert errors == []
    assert rows[0].employee_number == "E1"
    assert rows[0].name == "Zoë Ødegård"


def test_header_aliases_are_accepted_in_any_column_order():
    content = org_csv(
        "no,Rep,Sales,,ann@example.com,Ann Lee,E1",
        header="Active,Title,Department,Manager,E-mail address,Full name,Employee ID",
    )

    rows, errors = parse_org_csv(content)

    assert errors == []
    row = rows[0]
    assert (row.line, row.employee_number, row.name, row.email, row.department, row.job_title, row.is_active) == (
        2,
        "E1",
        "Ann Lee",
        "ann@example.com",
        "Sales",
        "Rep",
        False,
    )


def test_extra_columns_are_ignored():
    content = org_csv(line("E1") + ",Berlin", header=HEADER + ",Office")

    rows, errors = parse_org_csv(content)

    assert errors == []
    assert rows[0].employee_number == "E1"


def test_blank_lines_are_ignored_but_still_counted_in_line_numbers():
    content = org_csv("", line("E1"), "", " , , , , , , ", line("E2", name=""))

    rows, errors = parse_org_csv(content)

    assert [row.line for row in rows] == [3]
    assert errors == [(6, "name is empty.")]


def test_quoted_fields_may_hold_commas_quotes_and_newlines():
    content = org_csv('E1,"Lee, Ann","ann@example.com",,"Sales, EMEA","Rep ""Key accounts""\nand partners",yes')

    rows, errors = parse_org_csv(content)

    assert errors == []
    row = rows[0]
    assert (row.name, row.department, row.job_title) == ("Lee, Ann", "Sales, EMEA", 'Rep "Key accounts"\nand partners')


def test_line_numbers_count_the_lines_inside_quoted_fields():
    content = org_csv(line("E1", title='"Rep\nand\npartners"'), line("E2", name=""))

    rows, errors = parse_org_csv(content)

    assert rows[0].line == 2
    assert errors == [(5, "name is empty.")]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_other_line_endings_give_the_same_line_numbers(newline):
    content = org_csv(line("E1"), line("E2", name=""), newline=newline)

    rows, errors = parse_org_csv(content)

    assert [row.line for row in rows] == [2]
    assert errors == [(3, "name is empty.")]


# --- One kind of error at a time -------------------------------------------


def test_unknown_manager_is_reported_on_the_reports_line():
    errors = check(org_csv(line("E1"), line("E2", manager="E9")))

    assert errors == [(3, "manager E9 is neither in this file nor in the org chart.")]


def test_manager_already_in_the_org_chart_is_known():
    errors = check(org_csv(line("E2", manager="E9")), existing_managers={"E9": ""})

    assert errors == []


def test_manager_listed_after_their_report_is_known():
    errors = check(org_csv(line("E2", manager="E1"), line("E1")))

    assert errors == []


def test_cycle_in_the_chain_is_reported_once_on_its_first_line():
    content = org_csv(line("E0"), line("A", manager="B"), line("B", manager="C"), line("C", manager="A"))

    errors = check(content)

    assert errors == [(3, "the management chain loops: A → B → C → A.")]


def test_cycle_is_shown_from_its_first_line_even_when_found_from_a_later_member():
    # D (line 2) leads into the loop at C; A (line 3) is the loop's first line.
    content = org_csv(line("D", manager="C"), line("A", manager="B"), line("B", manager="C"), line("C", manager="A"))

    errors = check(content)

    assert errors == [(3, "the management chain loops: A → B → C → A.")]


def test_two_separate_cycles_are_both_reported():
    content = org_csv(line("A", manager="B"), line("B", manager="A"), line("C", manager="D"), line("D", manager="C"))

    errors = check(content)

    assert errors == [(2, "the management chain loops: A → B → A."), (4, "the management chain loops: C → D → C.")]


def test_cycle_formed_with_people_already_in_the_org_chart_is_reported():
    # In the org chart: B reports to C, C reports to A. The file makes A report to B.
    errors = check(org_csv(line("A", manager="B")), existing_managers={"B": "C", "C": "A", "A": ""})

    assert errors == [(2, "the management chain loops: A → B → C → A.")]


def test_file_can_break_a_cycle_it_would_otherwise_form():
    # In the org chart B reports to A; the file makes A report to B but moves B under C.
    content = org_csv(line("A", manager="B"), line("B", manager="C"), line("C"))

    errors = check(content, existing_managers={"A": "", "B": "A"})

    assert errors == []


def test_own_manager_is_reported():
    errors = parse_errors(org_csv(line("E1"), line("E2", manager="E2")))

    assert errors == [(3, "the person is their own manager.")]


def test_duplicate_email_is_reported_on_the_second_line_naming_the_first():
    content = org_csv(line("E1", email="ann@example.com"), line("E2"), line("E3", email="ann@example.com"))

    errors = parse_errors(content)

    assert errors == [(4, "e-mail ann@example.com is also on line 2.")]


def test_duplicate_email_differing_only_in_case_is_reported():
    content = org_csv(line("E1", email="ann@example.com"), line("E2", email="ANN@example.com"))

    errors = parse_errors(content)

    assert errors == [(3, "e-mail ann@example.com is also on line 2.")]


def test_duplicate_employee_number_is_reported_on_the_second_line_naming_the_first():
    content = org_csv(line("E1"), line("E2"), line("E1", email="other@example.com"))

    errors = parse_errors(content)

    assert errors == [(4, "employee number E1 is also on line 2.")]


def test_email_of_another_employee_in_the_org_chart_is_reported():
    errors = check(org_csv(line("E1"), line("E2", email="kim@example.com")), existing_emails={"kim@example.com": "E7"})

    assert errors == [(3, "e-mail kim@example.com already belongs to employee E7.")]


def test_email_of_an_employee_who_changes_theirs_in_the_same_file_is_free():
    content = org_csv(line("E1", email="kim@example.com"), line("E7", email="kim.new@example.com"))

    errors = check(content, existing_emails={"kim@example.com": "E7"})

    assert errors == []


def test_email_of_an_account_outside_the_org_chart_is_reported():
    errors = check(org_csv(line("E1", email="admin@example.com")), reserved_emails={"admin@example.com"})

    assert errors == [(2, "e-mail admin@example.com is already used by an account that is not in the org chart.")]


@pytest.mark.parametrize(
    ("field", "label"),
    [("number", "employee number"), ("name", "name"), ("email", "e-mail"), ("active", "active")],
)
def test_each_empty_required_field_is_reported(field, label):
    cells = {"number": "E2", "name": "Bo", "email": "bo@example.com", "active": "yes"} | {field: ""}
    bad = line(cells["number"], name=cells["name"], email=cells["email"], active=cells["active"])

    errors = parse_errors(org_csv(line("E1"), bad))

    assert errors == [(3, f"{label} is empty.")]


def test_several_empty_fields_on_one_line_are_reported_together():
    errors = parse_errors(org_csv(line("E1", name="", email="")))

    assert errors == [(2, "name is empty; e-mail is empty.")]


def test_bad_active_value_is_reported():
    errors = parse_errors(org_csv(line("E1"), line("E2", active="maybe")))

    assert errors == [(3, "active must be yes or no, not “maybe”.")]


def test_invalid_email_is_reported():
    errors = parse_errors(org_csv(line("E1"), line("E2", email="ann.example.com")))

    assert errors == [(3, "“ann.example.com” is not an e-mail address.")]


def test_email_longer_than_a_user_name_can_hold_is_reported():
    email = "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + ".example.com"  # valid, but longer than a user name

    errors = parse_errors(org_csv(line("E1", email=email)))

    assert errors == [(2, "e-mail is longer than 150 characters.")]


def test_too_long_value_is_reported():
    errors = parse_errors(org_csv(line("E1", department="D" * 121)))

    assert errors == [(2, "department is longer than 120 characters.")]


@pytest.mark.parametrize("cells", ["E2,Bo,bo@example.com,,Sales,Rep", "E2,Bo,bo@example.com,,Sales,Rep,yes,extra"])
def test_wrong_column_count_is_reported(cells):
    errors = parse_errors(org_csv(line("E1"), cells))

    found = len(cells.split(","))
    assert errors == [(3, f"expected 7 columns like the header, found {found}.")]


def test_missing_header_column_is_reported_on_line_1():
    header = "employee number,name,e-mail,department,job title"

    rows, errors = parse_org_csv(org_csv("E1,Ann,ann@example.com,Sales,Rep", header=header))

    assert rows == []
    assert errors == [(1, "the header is missing the column(s): manager's employee number, active.")]


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf"], ids=["empty", "blank-lines", "bom-only"])
def test_empty_file_is_reported(content):
    rows, errors = parse_org_csv(content)

    assert rows == []
    assert errors == [(1, "the file is empty.")]


def test_header_only_is_reported():
    rows, errors = parse_org_csv(org_csv())

    assert rows == []
    assert errors == [(2, "the file has a header but no people.")]


def test_non_utf8_bytes_are_reported_on_their_line():
    content = org_csv(line("E1"), line("E2")) + line("E3", name="Zoë").encode("latin-1") + b"\n"

    rows, errors = parse_org_csv(content)

    assert rows == []
    assert errors == [
        (4, "this line is not UTF-8 text (byte 0xeb). Save the file as “CSV UTF-8” and upload it again."),
    ]


def test_non_utf8_bytes_after_a_bom_are_reported_on_their_line():
    content = b"\xef\xbb\xbf" + org_csv(line("E1")) + line("E2", name="Zoë").encode("cp1252") + b"\n"

    errors = parse_errors(content)

    assert [line_number for line_number, _ in errors] == [3]


def test_nul_byte_is_reported_on_its_line():
    content = org_csv(line("E1"), "E2,B\x00b,bob@example.com,,Sales,Rep,yes")

    errors = parse_errors(content)

    assert errors == [(3, "this line contains a NUL byte; is it really a CSV file?")]


def test_unclosed_quote_is_reported_on_the_line_it_opens():
    content = org_csv(line("E1"), 'E2,Bo,bo@example.com,,Sales,"Rep,yes', line("E3"), line("E4"))

    errors = parse_errors(content)

    assert errors == [(3, 'a quoted field starts on this line and is never closed: a quote (") is missing.')]


def test_text_after_a_closing_quote_is_reported_and_later_lines_still_checked():
    content = org_csv(line("E1"), 'E2,"Bo" Smith,bo@example.com,,Sales,Rep,yes', line("E3", name=""))

    errors = parse_errors(content)

    assert errors == [
        (
            3,
            "a quoted field has more text after its closing quote. "
            'A quote inside a quoted field is written twice: "Sam ""Sammy"" Smith".',
        ),
        (4, "name is empty."),
    ]


def test_unreadable_header_is_reported_on_line_1():
    errors = parse_errors(b'"employee number,name\nE1,Ann\n')

    unclosed = 'a quoted field starts on this line and is never closed: a quote (") is missing.'
    assert errors == [(1, "the header cannot be read: " + unclosed)]


# --- Several errors in one file --------------------------------------------


def test_every_error_in_the_file_is_reported_with_its_line():
    content = org_csv(
        line("E1"),
        line("E2", name=""),
        line("E3", active="perhaps"),
        line("E4", email="e1@example.com"),
        "E5,too,few",
        line("E6"),
        line("E2", email="dup@example.com"),
    )

    errors = parse_errors(content)

    assert errors == [
        (3, "name is empty."),
        (4, "active must be yes or no, not “perhaps”."),
        (5, "e-mail e1@example.com is also on line 2."),
        (6, "expected 7 columns like the header, found 3."),
        (8, "employee number E2 is also on line 3."),
    ]


def test_errors_beyond_the_cap_are_counted_not_listed():
    content = org_csv(*(line(f"E{n}", name="") for n in range(MAX_ERRORS + 7)))

    rows, errors = parse_org_csv(content)

    assert rows == []
    assert len(errors) == MAX_ERRORS
    assert errors.dropped == 7


def test_person_on_a_line_with_an_error_is_not_an_unknown_manager():
    errors = check(org_csv(line("E1", name=""), line("E2", manager="E1")))

    assert errors == [(2, "name is empty.")]


# --- Checks against the org chart in the database ---------------------------


@pytest.mark.django_db
def test_validation_reports_email_of_another_employee_in_the_database():
    PersonFactory(employee_number="E7", user__email="kim@example.com")

    errors = validation_errors(org_csv(line("E1"), line("E2", email="Kim@Example.com")))

    assert errors == [(3, "e-mail kim@example.com already belongs to employee E7.")]


@pytest.mark.django_db
def test_validation_reports_email_of_an_account_that_is_not_a_person():
    UserFactory(email="root@example.com")

    errors = validation_errors(org_csv(line("E1", email="root@example.com")))

    assert errors == [(2, "e-mail root@example.com is already used by an account that is not in the org chart.")]


@pytest.mark.django_db
def test_validation_reports_cycle_formed_with_people_in_the_database():
    a = PersonFactory(employee_number="A")
    b = PersonFactory(employee_number="B", manager=a)
    PersonFactory(employee_number="C", manager=b)

    # A now reports to C, who reports to B, who reports to A.
    errors = validation_errors(org_csv(line("E1"), line("A", manager="C")))

    assert errors == [(3, "the management chain loops: A → C → B → A.")]


@pytest.mark.django_db
def test_validation_accepts_manager_who_is_only_in_the_database():
    PersonFactory(employee_number="E9")

    errors = validation_errors(org_csv(line("E1", manager="E9")))

    assert errors == []


@pytest.mark.django_db
def test_validation_reports_line_errors_and_org_chart_errors_together_in_line_order():
    PersonFactory(employee_number="E7", user__email="kim@example.com")

    errors = validation_errors(
        org_csv(
            line("E1", manager="E99"),
            line("E2", active="maybe"),
            line("E3", email="kim@example.com"),
            line("E4", manager="E5"),
            line("E5", manager="E4"),
        )
    )

    assert errors == [
        (2, "manager E99 is neither in this file nor in the org chart."),
        (3, "active must be yes or no, not “maybe”."),
        (4, "e-mail kim@example.com already belongs to employee E7."),
        (5, "the management chain loops: E4 → E5 → E4."),
    ]
