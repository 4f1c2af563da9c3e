"""Hostile input: CSRF, oversized and over-many fields, NUL bytes, 4-byte Unicode, bad uploads.

Each answers 403 or 400, a form error, or is saved and shown back unchanged: never a 500. The test
client's `raise_request_exception` is off where a 500 is possible, so a crash shows as a status.
"""

import io
import zipfile
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import Course, CourseImport
from catalog.tests.test_curation import _course_data
from catalog.tests.transfer_helpers import catalog_csv, catalog_xlsx, course_line
from devplans.models import Feedback, Plan
from devplans.tests.helpers import plan_with_goal
from people.models import OrgImport
from people.tests.factories import PASSWORD
from reports.models import ExportJob
from skillbridge.tests.test_authz_matrix import MATRIX, ROLES, world  # noqa: F401 -- world is a fixture

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
EMOJI = "Great hand-over 🎉, clear 𝒜-list and 👍🏽 from the team"


def _csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login") if user is None else reverse("devplans:my_plan"))  # sets the CSRF cookie
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


# --- CSRF ------------------------------------------------------------------------------------------------------


def test_login_without_a_csrf_token_is_refused(org):
    client, token = _csrf_client()
    data = {"username": org.employee.email, "password": PASSWORD}
    assert client.post(reverse("login"), data).status_code == 403
    response = client.post(reverse("login"), data | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_saving_a_plan_without_a_csrf_token_changes_nothing(org):
    plan, _ = plan_with_goal(org)
    plan.refresh_from_db()
    client, token = _csrf_client(org.manager)
    url = reverse("devplans:edit_plan", args=[plan.pk])
    data = {"version": plan.version, "career_goal": "Lead the platform team", "target_role": "", "cadence_weeks": 2}
    assert client.post(url, data).status_code == 403
    assert Plan.objects.get(pk=plan.pk).career_goal == "Lead a team"
    assert client.post(url, data | {"csrfmiddlewaretoken": token}).status_code == 302
    assert Plan.objects.get(pk=plan.pk).career_goal == "Lead the platform team"


def test_giving_feedback_needs_the_csrf_token_htmx_sends_in_its_header(org):
    client, token = _csrf_client(org.manager)
    url = reverse("devplans:give_feedback", args=[org.employee_person.pk])
    data = {"text": "Clear hand-over", "skill": "", "behaviour": ""}
    assert client.post(url, data).status_code == 403
    assert not Feedback.objects.exists()
    assert client.post(url, data, headers={"X-CSRFToken": token}).status_code == 302
    assert Feedback.objects.count() == 1


def test_starting_an_export_job_without_a_csrf_token_is_refused(org, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client, token = _csrf_client(org.hr)
    url = reverse("reports:export_job_start", kwargs={"kind": "dataset", "key": "ratings", "fmt": "csv"})
    assert client.post(url).status_code == 403
    assert not ExportJob.objects.exists()
    assert client.post(url, headers={"X-CSRFToken": token}).status_code in (200, 302)
    assert ExportJob.objects.count() == 1


def test_the_catalog_import_without_a_csrf_token_is_refused(org):
    client, token = _csrf_client(org.ld)
    upload = catalog_csv(course_line("deleg-101"))
    url = reverse("catalog:course_import")
    assert client.post(url, {"file": SimpleUploadedFile("c.csv", upload)}).status_code == 403
    assert not CourseImport.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", upload), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert CourseImport.objects.count() == 1


def test_logging_out_needs_a_post_with_the_csrf_token(org):
    client, token = _csrf_client(org.employee)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 403
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in client.session


# --- oversized bodies and too many fields -------------------------------------------------------------------------


def _posts(org):
    """(user, url, valid data) for several forms: a crash in any one of them would show as a 500."""
    plan, _ = plan_with_goal(org)
    plan.refresh_from_db()
    return [
        (None, reverse("login"), {"username": org.employee.email, "password": PASSWORD}),
        (org.manager, reverse("devplans:give_feedback", args=[org.employee_person.pk]), {"text": "x"}),
        (
            org.manager,
            reverse("devplans:edit_plan", args=[plan.pk]),
            {"version": plan.version, "career_goal": "x", "target_role": "", "cadence_weeks": 2},
        ),
        (org.ld, reverse("catalog:course_add"), _course_data()),
        (org.employee, reverse("devplans:set_preferred_formats"), {"formats": ["video"]}),
    ]


def _client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_a_body_over_the_upload_limit_answers_400(org):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for user, url, data in _posts(org):
        response = _client(user).post(url, data | {"text": big, "career_goal": big, "description": big})
        assert response.status_code == 400, url
    assert not Feedback.objects.exists()


def test_too_many_fields_answer_400(org):
    many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    for user, url, data in _posts(org):
        assert _client(user).post(url, data | many).status_code == 400, url
    assert not Feedback.objects.exists()


def test_too_many_files_answer_400(org):
    files = {f"file{i}": SimpleUploadedFile(f"{i}.csv", b"a") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    response = _client(org.ld).post(reverse("catalog:course_import"), files)
    assert response.status_code == 400
    assert not CourseImport.objects.exists()


# --- NUL bytes -------------------------------------------------------------------------------------------------


def test_nul_bytes_in_form_fields_answer_400_and_nothing_is_saved(org):
    for user, url, data in _posts(org):
        for name in data:
            value = data[name]
            poisoned = [f"{v}\x00" for v in value] if isinstance(value, list) else f"before\x00{value}"
            assert _client(user).post(url, data | {name: poisoned}).status_code == 400, f"{url} {name}"
    assert not Feedback.objects.exists()
    assert not Course.objects.filter(code="delegation-basics").exists()
    assert not Plan.objects.filter(career_goal__contains="before").exists()


def test_a_nul_byte_in_a_field_name_or_the_path_answers_400(org):
    client = _client(org.manager)
    url = reverse("devplans:give_feedback", args=[org.employee_person.pk])
    assert client.post(url, {"text": "x", "te\x00xt": "y"}).status_code == 400
    assert client.get("/catalog/\x00/").status_code == 400
    assert not Feedback.objects.exists()


# Every query parameter a view or a filter form of the project reads, set to a NUL byte.
QUERY_NAMES = [
    *("q", "course_q", "page", "skill", "status", "format", "sort", "next", "background", "department"),
    *("manager", "kind", "user", "scope", "date_from", "date_to", "from", "to", "max_cost", "max_minutes"),
    *("retired", "until", "people", "plan", "goal", "current_profile", "target_profile"),
]


@pytest.mark.parametrize("name", sorted(n for n, (method, _, _) in MATRIX.items() if method == "get"))
def test_nul_bytes_in_the_query_string_never_crash_a_page(world, name):  # noqa: F811
    _, kwargs_for, expected = MATRIX[name]
    role = next((r for r in ROLES if expected[r] == 200), "employee")
    client = _client(getattr(world, role))
    url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
    for query in (urlencode(dict.fromkeys(QUERY_NAMES, "a\x00b")), "q=%00", "page=%00", "%00=%00"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, f"{url}?{query}: {response.status_code}"
    assert client.get(url).status_code == expected[role]


def test_a_nul_byte_in_an_uploaded_file_name_is_not_a_crash(org):
    response = _client(org.hr).post(
        reverse("people:org_import"), {"file": SimpleUploadedFile("org\x00.csv", b"a,b\n1,2\n", "text/csv")}
    )
    assert response.status_code in (200, 302, 400)


# --- 4-byte Unicode round-trips ---------------------------------------------------------------------------------


def test_emoji_in_feedback_are_saved_and_shown_back_unchanged(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    url = reverse("devplans:give_feedback", args=[org.employee_person.pk])
    assert client.post(url, {"text": EMOJI, "skill": "", "behaviour": ""}).status_code == 302
    assert Feedback.objects.get().text == EMOJI
    assert EMOJI in client.get(reverse("devplans:plan", args=[plan.pk])).content.decode()


def test_emoji_in_a_career_goal_are_saved_and_shown_back_unchanged(client, org):
    plan, _ = plan_with_goal(org)
    plan.refresh_from_db()
    client.force_login(org.manager)
    data = {"version": plan.version, "career_goal": EMOJI, "target_role": "", "cadence_weeks": 2}
    assert client.post(reverse("devplans:edit_plan", args=[plan.pk]), data).status_code == 302
    assert Plan.objects.get(pk=plan.pk).career_goal == EMOJI
    assert EMOJI in client.get(reverse("devplans:plan", args=[plan.pk])).content.decode()


def test_emoji_in_a_course_are_saved_and_shown_back_unchanged(client, org):
    client.force_login(org.ld)
    title = "Delegation 🚀 basics"
    assert client.post(reverse("catalog:course_add"), _course_data(title=title, description=EMOJI)).status_code == 302
    course = Course.objects.get(code="delegation-basics")
    assert (course.title, course.description) == (title, EMOJI)
    page = client.get(reverse("catalog:course_detail", args=[course.pk])).content.decode()
    assert title in page and EMOJI in page


def test_emoji_in_a_search_are_not_a_crash(client, org):
    client.force_login(org.ld)
    response = client.get(reverse("catalog:course_list"), {"q": "🚀"})
    assert response.status_code == 200
    assert "🚀" in response.content.decode()


# --- uploads of the wrong kind ------------------------------------------------------------------------------------


def _xml_bomb_xlsx():
    """A real workbook whose sheet declares the 'billion laughs' entities: defusedxml must refuse it."""
    source = zipfile.ZipFile(io.BytesIO(catalog_xlsx()))
    out = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("catalog.csv", EXE),  # a program renamed .csv
        ("catalog.csv", PNG),  # an image renamed .csv
        ("catalog.xlsx", PNG),  # an image renamed .xlsx
        ("catalog.xlsx", b"PK\x03\x04 not really a zip"),
        ("catalog.xlsx", "XML bomb"),
        ("catalog.exe", EXE),
        ("catalog.png", PNG),
        ("catalog", catalog_csv(course_line("deleg-101"))),  # no extension
    ],
)
def test_the_catalog_import_refuses_files_that_are_not_a_catalog(
    client, org, name, content, django_capture_on_commit_callbacks
):
    content = _xml_bomb_xlsx() if content == "XML bomb" else content
    client.raise_request_exception = False
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:course_import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 302)
    assert not Course.objects.exists()
    if response.status_code == 200:  # refused at the upload, by its name
        assert "Upload a .csv file (UTF-8) or an Excel workbook (.xlsx)." in response.content.decode()
        assert not CourseImport.objects.exists()
    else:  # read, and rejected with its reasons
        assert CourseImport.objects.get().status == CourseImport.Status.REJECTED
        page = client.get(response.url).content.decode()
        assert "upload the whole file again" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("org.csv", EXE), ("org.csv", PNG), ("org.png", PNG), ("org.exe", EXE), ("org.xlsx", catalog_xlsx())],
)
def test_the_org_import_refuses_files_that_are_not_an_org_chart(client, org, name, content):
    client.raise_request_exception = False
    client.force_login(org.hr)
    people = set(org.user_model.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("people:org_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )
    assert response.status_code == 200
    assert set(org.user_model.objects.values_list("pk", flat=True)) == people
    assert not OrgImport.objects.filter(status="done").exists()


def test_an_org_chart_over_the_size_limit_is_refused_without_being_stored(client, org, settings):
    settings.ORG_IMPORT_MAX_BYTES = 1024
    client.force_login(org.hr)
    content = b"employee number,name,e-mail,manager's employee number,department,job title,active\n" * 100
    response = client.post(reverse("people:org_import"), {"file": SimpleUploadedFile("org.csv", content)})
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not OrgImport.objects.exists()
