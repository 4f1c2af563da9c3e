"""Applying the org chart CSV: people.services.import_org, the queued import and the command."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import services
from people.models import Department, OrgImport, Person
from people.services import import_org, run_queued_org_import
from people.tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
HEADER = "employee number,name,e-mail,manager's employee number,department,job title,active"
TODAY = dt.date(2026, 3, 2)
# Every step of an import is a handful of batched queries: 12 for 50 or 500 rows on
# PostgreSQL (1,000 rows a batch). SQLite takes at most 999 parameters a statement,
# so Django cuts 500 rows into ~100-row batches there: 22. One query per row blows it.
QUERY_BOUND = 25


def line(number, *, name=None, email=None, manager="", department="Engineering", title="Engineer", active="yes"):
    name = f"Person {number}" if name is None else name
    email = f"{number.lower()}@example.com" if email is None else email
    return ",".join([number, name, email, manager, department, title, active])


def org_csv(*lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode()


BASE = org_csv(
    line("E1", name="Kate Morgan", title="Head of Engineering"),
    line("E2", name="Brian Walsh", manager="E1", title="Engineer"),
    line("E3", name="Olivia Reyes", manager="E1", department="Sales", title="Sales Rep"),
)


def snapshot():
    """Every row the import may write, to compare before and after."""
    return (
        list(Person.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        list(Department.objects.order_by("pk").values()),
    )


def row_counts():
    return Person.objects.count(), User.objects.count(), Department.objects.count()


def person(number):
    return Person.objects.select_related("user", "department", "manager").get(employee_number=number)


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def big_org(rows):
    """A tree five wide, numbered so that every manager comes after their reports."""
    return org_csv(
        *(
            line(f"E{n:05d}", manager=f"E{n // 5:05d}" if n >= 5 else "", department=f"Dept {n % 8}")
            for n in reversed(range(1, rows + 1))
        )
    )


@pytest.fixture
def imported():
    result = import_org(content=BASE)
    assert result.ok, result.errors
    return result


# --- A clean file into an empty org chart -----------------------------------


def test_clean_file_creates_each_person_with_their_details():
    import_org(content=BASE)

    olivia = person("E3")
    assert (olivia.full_name, olivia.job_title, olivia.department.name, olivia.is_active, olivia.left_on) == (
        "Olivia Reyes",
        "Sales Rep",
        "Sales",
        True,
        None,
    )


def test_clean_file_reports_everyone_as_created():
    result = import_org(content=BASE)

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 3, 0, 0)


def test_each_person_gets_an_account_named_by_email_without_a_usable_password():
    import_org(content=BASE)

    user = person("E2").user
    assert (user.username, user.email, user.is_active) == ("e2@example.com", "e2@example.com", True)
    assert not user.has_usable_password()


def test_departments_are_created_once_and_existing_ones_reused():
    sales = DepartmentFactory(name="Sales")

    import_org(content=BASE)

    assert sorted(Department.objects.values_list("name", flat=True)) == ["Engineering", "Sales"]
    assert person("E3").department == sales


def test_managers_are_linked():
    import_org(content=BASE)

    assert person("E2").manager == person("E1")
    assert person("E1").manager is None


def test_manager_listed_after_their_report_is_linked():
    import_org(content=org_csv(line("E2", manager="E1"), line("E1")))

    assert person("E2").manager == person("E1")


def test_manager_already_in_the_org_chart_is_linked():
    boss = PersonFactory(employee_number="E9")

    import_org(content=org_csv(line("E1", manager="E9")))

    assert person("E1").manager == boss


def test_people_missing_from_the_file_are_left_alone(imported):
    import_org(content=org_csv(line("E4", manager="E1")))

    assert Person.objects.filter(employee_number__in=["E1", "E2", "E3"], is_active=True).count() == 3


# --- Importing again ---------------------------------------------------------


def test_reimport_of_the_same_file_reports_everyone_unchanged(imported):
    result = import_org(content=BASE)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_reimport_of_the_same_file_writes_nothing(imported):
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        import_org(content=BASE)

    assert writes(queries.captured_queries) == []
    assert snapshot() == before


def test_changed_job_title_counts_as_updated(imported):
    result = import_org(content=BASE.replace(b"Sales Rep", b"Account Executive"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert person("E3").job_title == "Account Executive"


def test_changed_department_counts_as_updated(imported):
    result = import_org(content=BASE.replace(b"Sales,Sales Rep", b"Marketing,Sales Rep"))

    assert (result.updated, result.unchanged) == (1, 2)
    assert person("E3").department.name == "Marketing"


def test_changed_manager_counts_as_updated(imported):
    result = import_org(
        content=BASE.replace(b"E3,Olivia Reyes,e3@example.com,E1", b"E3,Olivia Reyes,e3@example.com,E2")
    )

    assert (result.updated, result.unchanged) == (1, 2)
    assert person("E3").manager == person("E2")


def test_changed_email_counts_as_updated_and_renames_the_account(imported):
    result = import_org(content=BASE.replace(b"e2@example.com", b"brian.walsh@example.com"))

    assert (result.updated, result.unchanged) == (1, 2)
    user = person("E2").user
    assert (user.username, user.email) == ("brian.walsh@example.com", "brian.walsh@example.com")


def test_two_people_can_swap_emails(imported):
    swapped = BASE.replace(b"e2@example.com", b"TMP").replace(b"e3@example.com", b"e2@example.com")
    swapped = swapped.replace(b"TMP", b"e3@example.com")

    result = import_org(content=swapped)

    assert (result.ok, result.updated) == (True, 2)
    assert (person("E2").user.username, person("E3").user.username) == ("e3@example.com", "e2@example.com")


def test_new_person_can_take_the_email_an_existing_person_gives_up(imported):
    content = BASE.replace(b"e2@example.com", b"brian.walsh@example.com") + line("E4", email="e2@example.com").encode()

    result = import_org(content=content)

    assert (result.ok, result.created, result.updated) == (True, 1, 1)
    assert person("E4").user.username == "e2@example.com"
    assert person("E2").user.username == "brian.walsh@example.com"


@time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
def test_deactivating_sets_left_on_today_and_disables_the_account(imported):
    result = import_org(content=BASE.replace(b"Engineer,yes", b"Engineer,no"))

    brian = person("E2")
    assert result.updated == 1
    assert (brian.is_active, brian.left_on, brian.user.is_active) == (False, TODAY, False)


def test_person_who_left_earlier_keeps_their_left_date(imported):
    import_org(content=BASE.replace(b"Engineer,yes", b"Engineer,no"))
    Person.objects.filter(employee_number="E2").update(left_on=dt.date(2025, 1, 31))

    result = import_org(content=BASE.replace(b"Engineer,yes", b"Engineer,no"))

    assert (result.updated, result.unchanged) == (0, 3)
    assert person("E2").left_on == dt.date(2025, 1, 31)


def test_reactivating_clears_left_on_and_enables_the_account(imported):
    import_org(content=BASE.replace(b"Engineer,yes", b"Engineer,no"))

    result = import_org(content=BASE)

    brian = person("E2")
    assert result.updated == 1
    assert (brian.is_active, brian.left_on, brian.user.is_active) == (True, None, True)


@time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
def test_new_person_marked_inactive_is_created_as_left_today():
    import_org(content=org_csv(line("E1", active="no")))

    newcomer = person("E1")
    assert (newcomer.is_active, newcomer.left_on, newcomer.user.is_active) == (False, TODAY, False)


# --- Nothing is written unless the whole file is clean ----------------------


def test_one_bad_line_among_good_ones_writes_nothing(imported):
    before_counts, before = row_counts(), snapshot()
    content = org_csv(
        line("E1", title="Chief Technology Officer"),
        line("E4", department="Research"),
        line("E5", manager="E404"),
        line("E6", department="Legal"),
    )

    result = import_org(content=content)

    assert result.errors == [(4, "manager E404 is neither in this file nor in the org chart.")]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert row_counts() == before_counts
    assert snapshot() == before


def test_malformed_csv_gets_a_clear_message_and_writes_nothing(imported):
    before = snapshot()

    result = import_org(content=BASE + b'E4,Bo,bo@example.com,,Sales,"Rep,yes\nE5,Cy,cy@example.com,,Sales,Rep,yes\n')

    assert result.errors == [(5, 'a quoted field starts on this line and is never closed: a quote (") is missing.')]
    assert snapshot() == before


def test_dry_run_counts_but_writes_nothing(imported):
    before = snapshot()

    result = import_org(content=BASE.replace(b"Sales Rep", b"Account Executive") + line("E4").encode(), dry_run=True)

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 1, 1, 2)
    assert snapshot() == before


# --- Queries ------------------------------------------------------------------


@pytest.mark.parametrize("rows", [50, 500])
def test_first_import_query_count_does_not_grow_with_rows(rows, django_assert_max_num_queries):
    content = big_org(rows)

    with django_assert_max_num_queries(QUERY_BOUND):
        result = import_org(content=content)

    assert result.created == rows


@pytest.mark.parametrize("rows", [50, 500])
def test_changing_everyone_query_count_does_not_grow_with_rows(rows, django_assert_max_num_queries):
    import_org(content=big_org(rows))
    changed = big_org(rows).replace(b",Engineer,", b",Senior Engineer,").replace(b"@example.com", b"@example.org")

    with django_assert_max_num_queries(QUERY_BOUND):
        result = import_org(content=changed)

    assert result.updated == rows


# --- The queued import (people.tasks.run_org_import) --------------------------


def queue(content):
    return OrgImport.objects.create(file_name="org.csv", content=content)


def test_queued_import_of_a_clean_file_is_marked_done_with_counts(imported):
    org_import = queue(BASE.replace(b"Sales Rep", b"Account Executive") + line("E4").encode())

    run_queued_org_import(org_import_id=org_import.pk)

    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.DONE
    assert (org_import.created_count, org_import.updated_count, org_import.unchanged_count) == (1, 1, 2)
    assert org_import.row_count == 4
    assert org_import.errors == []
    assert org_import.finished_at is not None


def test_queued_import_of_a_bad_file_is_rejected_with_line_numbered_errors():
    org_import = queue(org_csv(line("E1"), line("E2", name=""), line("E3", manager="E9")))

    run_queued_org_import(org_import_id=org_import.pk)

    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.REJECTED
    assert org_import.errors == [
        {"line": 3, "message": "name is empty."},
        {"line": 4, "message": "manager E9 is neither in this file nor in the org chart."},
    ]
    assert Person.objects.count() == 0


def test_queued_import_run_a_second_time_does_nothing(imported):
    org_import = queue(BASE.replace(b"Sales Rep", b"Account Executive"))
    run_queued_org_import(org_import_id=org_import.pk)
    Person.objects.filter(employee_number="E3").update(job_title="Changed since")
    org_import.refresh_from_db()
    finished = (org_import.status, org_import.finished_at, org_import.updated_count)

    assert run_queued_org_import(org_import_id=org_import.pk) is None

    org_import.refresh_from_db()
    assert (org_import.status, org_import.finished_at, org_import.updated_count) == finished
    assert person("E3").job_title == "Changed since"


def test_queued_import_that_fails_unexpectedly_is_rejected_not_left_running(imported, monkeypatch):
    def boom(rows, current):
        Person.objects.update(job_title="half-written")
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_apply", boom)
    org_import = queue(BASE.replace(b"Sales Rep", b"Account Executive"))

    run_queued_org_import(org_import_id=org_import.pk)

    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.REJECTED
    assert org_import.errors == [
        {"line": None, "message": "the import stopped on an unexpected error; nothing was changed."}
    ]
    assert not Person.objects.filter(job_title="half-written").exists()


# --- The command ----------------------------------------------------------------


def test_command_imports_the_file_and_prints_the_counts(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(BASE)

    call_command("import_org", str(path))

    assert "Imported: 3 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert Person.objects.count() == 3


def test_command_dry_run_prints_the_counts_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(BASE)

    call_command("import_org", str(path), "--dry-run")

    assert "Would import: 3 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert Person.objects.count() == 0


def test_command_fails_on_a_bad_file_with_line_numbered_errors(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(org_csv(line("E1"), line("E2", active="maybe"), line("E3", manager="E3")))

    with pytest.raises(CommandError, match=r"^2 error\(s\); nothing was imported\.$"):
        call_command("import_org", str(path))

    assert capsys.readouterr().err.splitlines() == [
        "Line 3: active must be yes or no, not “maybe”.",
        "Line 4: the person is their own manager.",
    ]
    assert Person.objects.count() == 0


def test_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*nowhere\.csv: No such file or directory\.$"):
        call_command("import_org", str(tmp_path / "nowhere.csv"))
