"""Raw data and report exports: files parsed back and compared with the database, who gets what, bad input."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import selectors as assessment_selectors
from assessments.models import Assessment, Rating, SkillResult
from assessments.services import assessing
from devplans.tests.helpers import agreed_plan
from people.tests.factories import DepartmentFactory, PersonFactory
from reports import dashboards, tabular
from reports.dashboards import Report
from reports.export_selectors import DATASETS
from reports.models import ExportLog

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def rated(person, assessor, *, note="", skills=("delegation", "feedback"), frequency=3):
    """A submitted manager's assessment through the services: every behaviour of `skills` rated."""
    rubric = assessment_selectors.current_rubric()
    draft = assessing.start_assessment(person=person, assessor=assessor, kind="manager", rubric=rubric, profile=None)
    for key in skills:
        skill = rubric.skills.get(key=key)
        frequencies = dict.fromkeys(skill.behaviours.values_list("pk", flat=True), frequency)
        assessing.save_skill(assessment=draft, skill=skill, frequencies=frequencies, answers={"note": note})
    return assessing.submit_assessment(assessment=draft)


def build(org):
    """Kate's Brian with a note a spreadsheet would run, Sam's Olivia with a private note, Brian's agreed plan."""
    org.brian_assessment = rated(org.employee_person, org.manager, note=INJECTION)
    org.olivia_assessment = rated(org.other_employee_person, org.other_manager, note="Olivia's private note")
    org.plan, org.goal = agreed_plan(org)
    return org


@pytest.fixture
def data(org):
    return build(org)


def get(client, user, name, query="", **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""))


def content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:], newline="")))


def xlsx_rows(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def export(client, user, key, fmt="csv", query=""):
    return get(client, user, "reports:dataset_export", query, key=key, fmt=fmt)


def expected_ratings(*assessments):
    """The ratings rows, read from the database independently of the export code."""
    rows = []
    for rating in (
        Rating.objects.filter(assessment__in=assessments)
        .select_related("assessment__person__department", "assessment__assessor", "behaviour__skill")
        .order_by("assessment_id", "behaviour_id")
    ):
        a = rating.assessment
        rows.append(
            [
                str(a.pk),
                a.person.employee_number,
                a.person.full_name,
                a.person.department.name,
                "manager",
                tabular.iso_datetime(a.submitted_at),
                a.assessor.email,
                str(a.rubric_version.number),
                rating.behaviour.skill.key,
                rating.behaviour.skill.name,
                rating.behaviour.text,
                rating.behaviour.kind,
                str(rating.frequency),
            ]
        )
    return rows


# --- files parsed back and compared with the database -------------------------------------------------------------


def test_hr_ratings_csv_parsed_back_matches_the_database(client, data):
    rows = csv_rows(content(export(client, data.hr, "ratings")))

    assert rows[0] == DATASETS["ratings"].header
    assert rows[1:] == expected_ratings(data.brian_assessment, data.olivia_assessment)
    assert len(rows) - 1 == Rating.objects.count() > 0


def test_hr_ratings_xlsx_parsed_back_matches_the_database(client, data):
    rows = xlsx_rows(content(export(client, data.hr, "ratings", "xlsx")))

    expected = expected_ratings(data.brian_assessment, data.olivia_assessment)
    assert rows[0] == DATASETS["ratings"].header
    assert len(rows) - 1 == len(expected)
    for got, want in zip(rows[1:], expected, strict=True):
        assert got[0] == int(want[0]) and got[12] == int(want[12])  # numbers stay numbers
        assert got[5].isoformat() + "Z" == want[5]  # a real date-time cell, in UTC
        assert [str(v) for v in got[1:5] + got[6:12]] == want[1:5] + want[6:12]


@pytest.mark.parametrize("key", sorted(DATASETS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_dataset_has_its_header_and_one_row_per_record_for_hr(client, data, key, fmt):
    dataset = DATASETS[key]
    body = content(export(client, data.hr, key, fmt))

    rows = csv_rows(body) if fmt == "csv" else xlsx_rows(body)

    assert rows[0] == dataset.header
    assert len(rows) - 1 == dataset.model.objects.filter(dataset.where).count()


def test_gaps_export_holds_the_skill_results_and_notes(client, data):
    rows = csv_rows(content(export(client, data.hr, "gaps")))
    header = rows[0]

    olivia = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[2] == data.other_employee_person.full_name]
    results = SkillResult.objects.filter(assessment=data.olivia_assessment)
    assert len(olivia) == results.count()
    assert {r["skill_key"] for r in olivia} == set(results.values_list("skill__key", flat=True))
    assert {r["note"] for r in olivia if r["skill_key"] == "delegation"} == {"Olivia's private note"}


def test_plans_goals_and_checkins_exports_match_the_plan(client, data):
    plans = csv_rows(content(export(client, data.hr, "plans")))
    goals = csv_rows(content(export(client, data.hr, "goals")))
    checkins = csv_rows(content(export(client, data.hr, "checkins")))

    assert [r[0] for r in plans[1:]] == [str(data.plan.pk)]
    assert plans[1][4] == "agreed"
    goal = dict(zip(goals[0], goals[1], strict=True))
    assert (goal["skill_key"], goal["target_level"], goal["due_on"]) == (
        "delegation",
        "3",
        data.goal.due_on.isoformat(),
    )
    assert [r[1] for r in checkins[1:]] == [str(data.plan.pk)] * data.plan.checkins.count()


# --- formula injection --------------------------------------------------------------------------------------------


def test_text_that_would_run_as_a_formula_is_neutralised_in_csv(client, data):
    rows = csv_rows(content(export(client, data.hr, "gaps")))

    notes = [dict(zip(rows[0], r, strict=True))["note"] for r in rows[1:]]
    assert "'" + INJECTION in notes
    assert not [note for note in notes if note.startswith("=")]


def test_text_that_would_run_as_a_formula_is_a_plain_string_in_xlsx(client, data):
    sheet = load_workbook(io.BytesIO(content(export(client, data.hr, "gaps", "xlsx")))).worksheets[0]

    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert not [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert next(cell for cell in cells if cell.value == "'" + INJECTION).data_type == "s"


# --- who gets what ------------------------------------------------------------------------------------------------


def test_a_manager_exports_their_own_chain_only(client, data):
    kate = csv_rows(content(export(client, data.manager, "ratings")))
    sam = csv_rows(content(export(client, data.other_manager, "ratings")))

    assert {r[1] for r in kate[1:]} == {data.employee_person.employee_number}
    assert {r[1] for r in sam[1:]} == {data.other_employee_person.employee_number}
    assert kate[1:] == expected_ratings(data.brian_assessment)


@pytest.mark.parametrize("key", sorted(DATASETS))
def test_no_dataset_gives_a_manager_anyone_outside_their_chain(client, data, key):
    body = content(export(client, data.other_manager, key)).decode("utf-8")

    assert data.employee_person.employee_number not in body
    assert data.employee_person.full_name not in body
    assert INJECTION.split('"')[1] not in body


def test_a_manager_asking_for_another_department_is_refused_and_gets_no_file(client, data):
    sales = data.other_employee_person.department

    response = export(client, data.manager, "ratings", query=f"department={sales.pk}")

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:exports")
    assert not response.has_header("Content-Disposition")
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was exported" in page and f"No department “{sales.pk}” that you can see" in page
    assert not ExportLog.objects.exists()


def test_a_manager_asking_for_another_managers_chain_is_refused(client, data):
    response = export(client, data.manager, "people", query=f"manager={data.other_manager_person.pk}")

    assert response.status_code == 302 and not response.has_header("Content-Disposition")


def test_hr_can_narrow_to_one_department(client, data):
    sales = data.other_employee_person.department

    rows = csv_rows(content(export(client, data.hr, "ratings", query=f"department={sales.pk}")))

    assert rows[1:] == expected_ratings(data.olivia_assessment)


@pytest.mark.parametrize("key", sorted(DATASETS))
def test_ld_cannot_export_individual_level_data(client, data, key):
    assert export(client, data.ld, key).status_code == 403


def test_employees_have_no_exports(client, data):
    assert get(client, data.employee, "reports:exports").status_code == 403
    assert export(client, data.employee, "people").status_code == 403


def test_the_exports_page_offers_ld_only_the_aggregate_reports(client, data):
    response = get(client, data.ld, "reports:exports")

    body = response.content.decode()
    assert response.context["datasets"] == []
    assert reverse("reports:dataset_export", kwargs={"key": "people", "fmt": "csv"}) not in body
    keys = {r.key for r in response.context["reports"]}
    assert keys and all(dashboards.REPORTS[k].allows(data.ld, response.context["filters"]) for k in keys)
    assert "leaderboard" not in keys and "calibration" not in keys


def test_the_exports_page_documents_every_column(client, data):
    body = get(client, data.hr, "reports:exports").content.decode()

    for dataset in DATASETS.values():
        assert dataset.title in body
        for column in dataset.columns:
            assert f"<code>{column.header}</code>" in body
            assert column.description.replace("'", "&#x27;").replace('"', "&quot;") in body


# --- bad input ----------------------------------------------------------------------------------------------------


def test_a_date_range_the_wrong_way_round_is_refused_with_a_message(client, data):
    response = export(client, data.hr, "ratings", query="from=2026-05-01&to=2026-01-01")

    assert response.status_code == 302
    assert "ends" in client.get(response["Location"]).content.decode()


def test_an_unknown_department_is_refused_with_a_message(client, data):
    response = export(client, data.hr, "people", query="department=999999")

    assert response.status_code == 302
    assert "No department “999999”" in client.get(response["Location"]).content.decode()


def test_a_filter_value_that_is_sql_is_refused_and_leaks_nothing(client, data):
    response = export(client, data.hr, "ratings", query="skill=delegation'%20OR%201=1--")

    assert response.status_code == 302
    assert not response.has_header("Content-Disposition")
    assert "No skill “delegation&#x27; OR 1=1--”" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_no_rows_is_a_well_formed_file_with_the_header(client, data, fmt):
    body = content(export(client, data.hr, "ratings", fmt, query="from=2001-01-01&to=2001-01-31"))

    rows = csv_rows(body) if fmt == "csv" else xlsx_rows(body)
    assert rows == [DATASETS["ratings"].header]


def test_unknown_dataset_format_or_report_is_not_found(client, data):
    assert export(client, data.hr, "salaries").status_code == 404
    assert export(client, data.hr, "ratings", "pdf").status_code == 404
    assert get(client, data.hr, "reports:report_export", key="nope", fmt="csv").status_code == 404


def test_dates_narrow_assessments_by_their_submission_day(client, data):
    Assessment.objects.filter(pk=data.olivia_assessment.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    since = (timezone.localdate() - timedelta(days=30)).isoformat()

    rows = csv_rows(content(export(client, data.hr, "ratings", query=f"from={since}")))

    assert {r[0] for r in rows[1:]} == {str(data.brian_assessment.pk)}


# --- reports ------------------------------------------------------------------------------------------------------


def test_a_report_exports_the_rows_the_dashboard_shows(client, data):
    report = dashboards.REPORTS["skill-gaps"]

    body = content(get(client, data.hr, "reports:report_export", key=report.key, fmt="csv"))
    rows = csv_rows(body)

    from reports.filters import ReportFilters

    expected = [[str(tabular.csv_value(v)) for v in row] for row in report.rows(data.hr, ReportFilters())]
    assert rows[0] == report.headers
    assert rows[1:] == expected


def _hr_only_report():
    return Report(
        key="test-hr-only",
        title="HR only",
        columns=[("Name", "A name"), ("Count", "A number")],
        audience=frozenset({"hr"}),
        compute=lambda user, filters, **_: [("=danger", 3), ("Zoë", -1)],
    )


def test_a_report_outside_the_users_audience_is_refused(client, data, monkeypatch):
    monkeypatch.setitem(dashboards.REPORTS, "test-hr-only", _hr_only_report())

    assert get(client, data.ld, "reports:report_export", key="test-hr-only", fmt="csv").status_code == 403
    assert get(client, data.manager, "reports:report_export", key="test-hr-only", fmt="xlsx").status_code == 403
    rows = xlsx_rows(content(get(client, data.hr, "reports:report_export", key="test-hr-only", fmt="xlsx")))
    assert rows == [["Name", "Count"], ["'=danger", 3], ["Zoë", -1]]


# --- the export log -----------------------------------------------------------------------------------------------


def test_every_download_is_logged_with_who_what_filters_and_rows(client, data):
    sales = data.other_employee_person.department
    content(export(client, data.hr, "ratings", query=f"department={sales.pk}"))
    content(export(client, data.manager, "people", "xlsx"))

    hr_entry, kate_entry = ExportLog.objects.order_by("pk")
    assert (hr_entry.user, hr_entry.kind, hr_entry.key, hr_entry.file_format) == (data.hr, "dataset", "ratings", "csv")
    assert hr_entry.filters == {"scope": "org", "department": str(sales.pk)}
    assert "department Sales" in hr_entry.filters_text
    assert hr_entry.row_count == Rating.objects.filter(assessment=data.olivia_assessment).count()
    assert (kate_entry.user, kate_entry.key, kate_entry.file_format, kate_entry.row_count) == (
        data.manager,
        "people",
        "xlsx",
        1,
    )


# --- query counts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [2, 30])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_issues_the_same_queries_whatever_its_size(client, data, people, fmt, django_assert_max_num_queries):
    department = DepartmentFactory(name="Support")
    for _ in range(people):
        rated(PersonFactory(department=department, manager=data.manager_person), data.manager, skills=("delegation",))
    client.force_login(data.hr)

    # session, user, roles (2), filters, count, the export log, the rows (server-side cursor), the row count
    with django_assert_max_num_queries(10):
        body = content(client.get(reverse("reports:dataset_export", kwargs={"key": "ratings", "fmt": fmt})))
    assert body


@pytest.mark.parametrize("departments", [2, 20])
def test_the_exports_page_issues_the_same_queries_whatever_the_org_size(
    client, data, departments, django_assert_max_num_queries
):
    for i in range(departments):
        PersonFactory.create_batch(2, department=DepartmentFactory(name=f"Dept {i}"), manager=data.manager_person)
    client.force_login(data.manager)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:exports")).status_code == 200
